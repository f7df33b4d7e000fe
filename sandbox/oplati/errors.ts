// O!plati sandbox errors (docs/protocols/oplati.md § 2.4 envelope, § 3.3–3.5 codes): `internalCode` →
// HTTP status and the `userMessage` texts. `code` is the HTTP status as a string [V-doc];
// the `internalCode` values and texts are Paydesk's [C], except A and B (seed § 1.4).

import { jsonReply } from '../core/http.ts'
import type { ApiReply } from '../core/types.ts'

/** Seed message A (§ 1.4), byte-exact: token desync, or the cashbox works in password mode. */
export const MESSAGE_A = 'Токен уже существует или касса работает в режиме пароля'
/** Seed message B (§ 1.4), byte-exact: the token was reset, or the cashbox is not registered. */
export const MESSAGE_B = 'Необходимо получить новый токен в кассовом ПО либо касса не зарегистрирована в личном кабинете юр. лица'

export const OPLATI_ERRORS = {
  VALIDATION: { status: 400, ru: 'Неверные параметры запроса', en: 'Invalid request parameters' },
  AUTH_FAILED: { status: 401, ru: 'Неверный регистрационный номер или пароль кассы', en: 'Wrong cashbox registration number or password' },
  TOKEN_INVALID: {
    status: 401,
    ru: MESSAGE_B,
    en: "A new token must be obtained in the cash-register software, or the cashbox is not registered in the legal entity's personal account",
  },
  TOKEN_EXISTS: { status: 409, ru: MESSAGE_A, en: 'The token already exists, or the cashbox works in password mode' },
  DUPLICATE_ORDER: { status: 409, ru: 'Заказ с таким номером уже существует', en: 'An order with this number already exists' },
  SESSION_NOT_FOUND: { status: 404, ru: 'Сессия не найдена или истекла', en: 'The session does not exist or has expired' },
  CONSUMER_NOT_READY: { status: 409, ru: 'Покупатель еще не отсканировал QR-код', en: 'The customer has not scanned the QR code yet' },
  QR_INVALID: { status: 400, ru: 'Неверный QR-код покупателя', en: "Invalid customer's QR code" },
  QR_USED: { status: 409, ru: 'QR-код покупателя уже использован', en: "The customer's QR code has already been used" },
  QR_EXPIRED: { status: 400, ru: 'Срок действия QR-кода покупателя истек', en: "The customer's QR code has expired" },
  INVALID_STATE: { status: 409, ru: 'Операция недоступна в текущем статусе платежа', en: 'The operation is not allowed in the payment’s current status' },
  REVERSAL_PERIOD_EXPIRED: { status: 409, ru: 'Истек срок возврата по платежу', en: 'The reversal period of this payment has expired' },
  // oplati-by/go-acquiring README, verbatim.
  REVERSAL_EXCEEDS: { status: 400, ru: 'Сумма возвратов не может превышать сумму операции продажи', en: 'The sum of refunds cannot exceed the sale' },
  PAYMENT_NOT_FOUND: { status: 404, ru: 'Платеж не найден', en: 'Payment not found' },
  LOYALTY_NOT_FOUND: { status: 404, ru: 'Запрос карты лояльности не найден', en: 'Loyalty card request not found' },
  TOO_FREQUENT: { status: 429, ru: 'Слишком частые запросы статуса', en: 'Status requested too often' },
} as const

export type OplatiErrorName = keyof typeof OPLATI_ERRORS

/** The `internalCode` a posted `error` fault gets for its HTTP status when it names none [C]. */
const DEFAULT_INTERNAL: Record<number, OplatiErrorName> = {
  400: 'VALIDATION',
  401: 'AUTH_FAILED',
  404: 'PAYMENT_NOT_FOUND',
  409: 'INVALID_STATE',
  429: 'TOO_FREQUENT',
}

export function envelope(status: number, internalCode: string, ru: string, en: string, devMessage: string): ApiReply {
  return jsonReply(status, { code: String(status), internalCode, devMessage, userMessage: { lang_ru: ru, lang_en: en } })
}

/** A table error; `devMessage` names the field or the reason (§ 3.4). */
export function oplatiError(name: OplatiErrorName, devMessage: string = name): ApiReply {
  const e = OPLATI_ERRORS[name]
  return envelope(e.status, name, e.ru, e.en, devMessage)
}

/**
 * The body of a posted `error` fault: `code` is the HTTP status (400–599) unless `status` is
 * given; `internalCode` and `note` (the `lang_ru`) are optional.
 */
export function faultError(code: number, note: string | undefined, status: number | undefined, internalCode: string | undefined): ApiReply {
  const http = status ?? (code >= 400 && code <= 599 ? code : 400)
  const name = internalCode ?? DEFAULT_INTERNAL[http] ?? 'ERROR'
  const known = (OPLATI_ERRORS as Record<string, { ru: string; en: string } | undefined>)[name]
  return envelope(http, name, note ?? known?.ru ?? 'Ошибка', known?.en ?? 'Error', `sandbox fault: error ${code}`)
}
