// The PaymeGO emulator's memory: receipts in the states of the real API (docs/protocols/payme.md § 2.3,
// § 3.3), the minted and used customer tokens, and the JSON-RPC error bodies (§ 2.4).
// Timers are lazy: a state that changes with time is settled whenever it is read.

import type { Json } from '../core/json.ts'
import type { MerchantInfo } from './settings.ts'

export const STATE = { created: 0, debiting: 2, paid: 4, cancelQueue: 21, cancelled: 50 } as const

export interface Pending {
  /** Sandbox time at which it ends (Infinity: never). */
  until: number
  /** `check` polls that still see state 2 (undefined: not poll-bound). */
  pollsLeft: number | undefined
  then: 'approve' | 'decline'
}

export type Card = {
  number: string
  expire: string
}

export interface Receipt {
  /** 24 hex characters. */
  id: string
  amount: number
  account: Record<string, Json>
  description: string
  detail: Json
  state: number
  createTime: number
  payTime: number
  cancelTime: number
  /** When a cancel in 21 becomes 50. */
  cancelAt: number | undefined
  /** Set while state 2 (a `pending` fault or magic 92/93). */
  pending: Pending | undefined
  /** Magic 99: every cancel answers `badState`. */
  irreversible: boolean
  card: Card | null
  payer: { phone: string } | null
  error: Json
  token: string | undefined
  fiscal: Json
}

/** The card and phone of an approved receipt (§ 3.2, the test card of § 2.7). */
export const SANDBOX_CARD: Card = { number: '860006******6311', expire: '03/99' }
export const SANDBOX_PAYER = { phone: '99890*****27' }

function approve(r: Receipt, at: number): void {
  r.state = STATE.paid
  r.payTime = at
  r.card = { ...SANDBOX_CARD }
  r.payer = { ...SANDBOX_PAYER }
  r.pending = undefined
}

function finishPending(r: Receipt, pending: Pending, at: number, declineError: Json): void {
  if (pending.then === 'approve') approve(r, at)
  else {
    r.state = STATE.cancelled
    r.cancelTime = at
    r.error = declineError
    r.pending = undefined
  }
}

/** A successful `receipts.pay`: paid at once, or state 2 until the pending ends. */
export function startPay(
  r: Receipt,
  token: string,
  now: number,
  pending: { forMs: number; pollsLeft: number | undefined; then: 'approve' | 'decline' } | undefined,
): void {
  r.token = token
  if (!pending) return approve(r, now)
  r.state = STATE.debiting
  r.pending = { until: now + pending.forMs, pollsLeft: pending.pollsLeft, then: pending.then }
}

/** A declined `receipts.pay` (§ 3.2 [C]): 50 with `error` set. */
export function declinePay(r: Receipt, token: string, now: number, error: Json): void {
  r.token = token
  r.state = STATE.cancelled
  r.cancelTime = now
  r.error = error
}

/** Apply what time has done: the end of a timed pending, and a queued cancel reaching 50. */
export function settle(r: Receipt, now: number, declineError: Json): void {
  const pending = r.pending
  if (r.state === STATE.debiting && pending && now >= pending.until) finishPending(r, pending, pending.until, declineError)
  if (r.state === STATE.cancelQueue && r.cancelAt !== undefined && now >= r.cancelAt) {
    r.state = STATE.cancelled
    r.cancelTime = r.cancelAt
    r.cancelAt = undefined
  }
}

/** A `check` poll: uses up one of a poll-bound pending's polls, or ends it. */
export function countPoll(r: Receipt, now: number, declineError: Json): void {
  const pending = r.pending
  if (r.state !== STATE.debiting || pending?.pollsLeft === undefined) return
  if (pending.pollsLeft > 0) pending.pollsLeft -= 1
  else finishPending(r, pending, now, declineError)
}

/** `receipts.cancel` by state (§ 3.2): the state it leads to, or `badState`. */
export function cancelOutcome(r: Receipt): 'queue' | 'unchanged' | 'now' | 'badState' {
  if (r.irreversible) return 'badState'
  if (r.state === STATE.paid) return 'queue'
  if (r.state === STATE.cancelQueue || r.state === STATE.cancelled) return 'unchanged'
  if (r.state === STATE.created) return 'now'
  // [C] A debit the sandbox holds (a `pending` fault, magic 92/93) is stopped by a cancel like a paid receipt;
  // a state forced by the control API is not.
  if (r.state === STATE.debiting && r.pending) return 'queue'
  return 'badState'
}

/** § 2.2: the receipt object as the API returns it (`account` as an array). */
export function receiptJson(r: Receipt, merchant: MerchantInfo, posId: string): Record<string, Json> {
  return {
    _id: r.id,
    create_time: r.createTime,
    pay_time: r.payTime,
    cancel_time: r.cancelTime,
    state: r.state,
    type: 1,
    external: false,
    operation: -1,
    category: null,
    error: r.error,
    description: r.description,
    detail: r.detail,
    amount: r.amount,
    commission: 0,
    account: Object.entries(r.account).map(([name, value]) => ({ name, title: name, value })),
    card: r.card,
    merchant: {
      _id: posId,
      name: merchant.name,
      organization: merchant.organization,
      address: merchant.address,
      epos: { merchantId: merchant.merchantId, terminalId: merchant.terminalId },
      date: r.createTime,
      logo: null,
      type: 'Internet',
      terms: null,
    },
    payer: r.payer,
    meta: null,
  }
}

/** The control API's view: the wire receipt plus the sandbox's own fields. */
export function receiptView(r: Receipt, merchant: MerchantInfo, posId: string): Record<string, Json> {
  const iso = (ms: number | undefined): Json => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString())
  return {
    ...receiptJson(r, merchant, posId),
    token: r.token ?? null,
    irreversible: r.irreversible,
    fiscal: r.fiscal,
    ...(r.state === STATE.debiting && r.pending
      ? { pending: { until: iso(r.pending.until), pollsLeft: r.pending.pollsLeft ?? null, then: r.pending.then } }
      : {}),
    ...(r.state === STATE.cancelQueue ? { cancelAt: iso(r.cancelAt) } : {}),
  }
}

// ---------------------------------------------------------------------------------------
// Error messages (§ 2.4): `{ru,uz,en}` or a plain string. Sandbox wording [C].

type Text = { ru: string; uz: string; en: string }
const MESSAGES: Record<number, Text> = {
  [-32300]: { ru: 'Метод запроса не POST', uz: 'So‘rov usuli POST emas', en: 'Request method is not POST' },
  [-32700]: { ru: 'Ошибка разбора JSON', uz: 'JSON tahlil xatosi', en: 'JSON parse error' },
  [-32600]: {
    ru: 'Отсутствуют обязательные поля или неверный тип',
    uz: 'Majburiy maydonlar yo‘q yoki turi noto‘g‘ri',
    en: 'Required fields missing or of the wrong type',
  },
  [-32601]: { ru: 'Метод не найден', uz: 'Usul topilmadi', en: 'Method not found' },
  [-32504]: { ru: 'Недостаточно привилегий для выполнения метода', uz: 'Usulni bajarish uchun huquq yetarli emas', en: 'Insufficient privileges' },
  [-32400]: { ru: 'Системная ошибка', uz: 'Tizim xatosi', en: 'System error' },
  [-31303]: { ru: 'Недостаточно средств на карте', uz: 'Kartada mablag‘ yetarli emas', en: 'Insufficient funds' },
  [-31400]: {
    ru: 'QR-код недействителен, использован или устарел',
    uz: 'QR-kod yaroqsiz, ishlatilgan yoki eskirgan',
    en: 'The QR code is invalid, used or expired',
  },
  [-31602]: { ru: 'Чек не найден', uz: 'Chek topilmadi', en: 'Receipt not found' },
  [-31611]: { ru: 'Сумма меньше допустимой', uz: 'Summa ruxsat etilganidan kam', en: 'Amount below the allowed minimum' },
  [-31612]: { ru: 'Сумма больше допустимой', uz: 'Summa ruxsat etilganidan ko‘p', en: 'Amount above the allowed maximum' },
  [-31630]: {
    ru: 'Недостаточно средств, неверная или заблокированная карта',
    uz: 'Mablag‘ yetarli emas, karta noto‘g‘ri yoki bloklangan',
    en: 'Insufficient funds, wrong or blocked card',
  },
  [-31008]: {
    ru: 'Невозможно выполнить операцию в текущем состоянии чека',
    uz: 'Chekning joriy holatida amalni bajarib bo‘lmaydi',
    en: 'Not possible in the receipt’s current state',
  },
}
const FALLBACK: Text = { ru: 'Ошибка', uz: 'Xato', en: 'Error' }

export function errorMessage(code: number, form: 'object' | 'string'): Json {
  const t = MESSAGES[code] ?? FALLBACK
  return form === 'string' ? t.ru : { ...t }
}
