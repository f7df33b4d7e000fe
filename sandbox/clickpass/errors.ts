// ClickPass sandbox error codes (docs/protocols/clickpass.md § 3.3): code → HTTP status and `error_note`,
// byte-exact. Click publishes no table, so all are Paydesk's [C] except -5017 [3P].

import { jsonReply } from '../core/http.ts'
import type { ApiReply } from '../core/types.ts'

export const CLICK_ERRORS = {
  auth: { code: -9001, status: 401, note: 'Ошибка авторизации' },
  shape: { code: -9002, status: 400, note: 'Неверные параметры запроса' },
  service: { code: -9003, status: 400, note: 'Сервис не найден' },
  belowMin: { code: -9010, status: 400, note: 'Сумма платежа меньше минимально допустимой' },
  aboveMax: { code: -9011, status: 400, note: 'Сумма платежа больше максимально допустимой' },
  badToken: { code: -9020, status: 400, note: 'Неверный QR-код' },
  tokenUsed: { code: -9021, status: 400, note: 'QR-код уже использован' },
  tokenExpired: { code: -9022, status: 400, note: 'Срок действия QR-кода истек' },
  insufficientFunds: { code: -9023, status: 200, note: 'Недостаточно средств на карте' },
  duplicateTransaction: { code: -9030, status: 400, note: 'Повторный transaction_id' },
  notFound: { code: -9040, status: 404, note: 'Платеж не найден' },
  notAwaitingConfirm: { code: -9041, status: 400, note: 'Платеж не ожидает подтверждения' },
  confirmTooLate: { code: -9042, status: 400, note: 'Платеж отменен: истекло время подтверждения' },
  notReversible: { code: -9050, status: 400, note: 'Отмена невозможна: платеж не в статусе успешного' },
  olderThanMonth: { code: -5017, status: 400, note: 'Payment is older than this month' },
} as const

export type ClickErrorName = keyof typeof CLICK_ERRORS

/** The default `decline` (fault and magic 91). */
export const CLICK_DECLINE_CODE = CLICK_ERRORS.insufficientFunds.code
/** A demo-only card decline for the phone page's "declined" choice [C]: not in § 3.3. */
export const CLICK_DEMO_DECLINE = { code: -9024, status: 200, note: 'Платеж отклонен банком' } as const

/** Text for a code outside the table (a fault may post any code). */
const UNKNOWN_NOTE = 'Ошибка'

const BY_CODE = new Map<number, { status: number; note: string }>(
  [...Object.values(CLICK_ERRORS), CLICK_DEMO_DECLINE].map((e) => [e.code, { status: e.status, note: e.note }]),
)

export function clickError(name: ClickErrorName): ApiReply {
  const e = CLICK_ERRORS[name]
  return jsonReply(e.status, { error_code: e.code, error_note: e.note })
}

/** A body for any code: the table's status and note unless overridden. */
export function clickErrorCode(code: number, note?: string, status?: number, defaultStatus = 400): ApiReply {
  const known = BY_CODE.get(code)
  return jsonReply(status ?? known?.status ?? defaultStatus, { error_code: code, error_note: note ?? known?.note ?? UNKNOWN_NOTE })
}
