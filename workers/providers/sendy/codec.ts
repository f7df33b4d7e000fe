// Sendy wire codec (docs/protocols/sendy.md § 3, § 4.1): the two-level envelope read into a typed result, Moscow
// time, and the plain-text slips and reports in the slip language at the slip width. The one table of wire
// constants and the customer-code format are in codec-local.ts (the engine needs them before the client loads). Pure.
import type { Wire } from './codec-local.ts'
export { WIRE_DEFAULTS, type Wire, parseWireOverrides, wireOf, systemOfCode, checkCode } from './codec-local.ts'

/** A decoded answer: a JSON object with the two levels read. */
export interface Envelope {
  ok: boolean
  errCode: string | undefined
  errCodeDes: string | undefined
  data: Record<string, unknown>
}

/** The 200 envelope; undefined when it is not JSON or has no `returnCode` (malformed). */
export function decodeEnvelope(text: string, w: Wire): Envelope | { paramError: string } | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  const o = data as Record<string, unknown>
  const f = w.fields
  if (o[f.returnCode] === f.fail) return { paramError: typeof o[f.returnMsg] === 'string' ? (o[f.returnMsg] as string) : 'FAIL' }
  if (o[f.returnCode] !== f.success) return undefined
  const ok = o[f.resultCode] === f.success
  if (!ok && o[f.resultCode] !== f.fail) return undefined
  return {
    ok,
    errCode: typeof o[f.errCode] === 'string' ? (o[f.errCode] as string) : undefined,
    errCodeDes: typeof o[f.errCodeDes] === 'string' ? (o[f.errCodeDes] as string) : undefined,
    data: o,
  }
}

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined)
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined

/** R11: Europe/Moscow is UTC+3 all year. */
const MOSCOW_MS = 3 * 3_600_000
export function moscowTime(ms: number): string {
  return new Date(ms + MOSCOW_MS).toISOString().slice(0, 16).replace('T', ' ')
}
/** `YYYY-MM-DDTHH:mm` (or a date) in Moscow time → ISO instant; undefined when it is not one. */
export function moscowToIso(local: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(local.trim())
  if (!m) return undefined
  const t = Date.parse(`${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:00+03:00`)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

// ---- slips (§ 4.11): plain text, `slipWidth` characters, in `language` -------------------------

type Word =
  | 'pay'
  | 'cancel'
  | 'refund'
  | 'terminal'
  | 'shift'
  | 'txn'
  | 'system'
  | 'time'
  | 'amount'
  | 'paymentId'
  | 'result'
  | 'approved'
  | 'report'
  | 'close'
  | 'paid'
  | 'refunds'
  | 'count'
  | 'period'
  | 'mismatch'
  | 'queued'
  | 'rub'
export type SlipWords = Record<Word, string>
const WORDS: Record<'ru' | 'en' | 'zh', SlipWords> = {
  ru: {
    pay: 'ОПЛАТА',
    cancel: 'ОТМЕНА ОПЛАТЫ',
    refund: 'ВОЗВРАТ',
    terminal: 'Терминал',
    shift: 'Смена',
    txn: 'Транзакция №',
    system: 'Система',
    time: 'Дата и время',
    amount: 'Сумма',
    paymentId: 'Платеж',
    result: 'Результат',
    approved: 'ОДОБРЕНО',
    report: 'ОТЧЕТ',
    close: 'ЗАКРЫТИЕ ДНЯ',
    paid: 'Оплачено',
    refunds: 'Возвраты',
    count: 'шт.',
    period: 'Период',
    mismatch: 'РАСХОЖДЕНИЕ',
    queued: 'В очереди',
    rub: 'руб.',
  },
  en: {
    pay: 'PAYMENT',
    cancel: 'PAYMENT CANCEL',
    refund: 'REFUND',
    terminal: 'Terminal',
    shift: 'Shift',
    txn: 'Transaction No.',
    system: 'System',
    time: 'Date and time',
    amount: 'Amount',
    paymentId: 'Payment',
    result: 'Result',
    approved: 'APPROVED',
    report: 'REPORT',
    close: 'DAY CLOSE',
    paid: 'Paid',
    refunds: 'Refunds',
    count: 'pcs',
    period: 'Period',
    mismatch: 'MISMATCH',
    queued: 'Queued',
    rub: 'RUB',
  },
  zh: {
    pay: '付款',
    cancel: '撤销',
    refund: '退款',
    terminal: '终端',
    shift: '班次',
    txn: '交易号',
    system: '支付方式',
    time: '时间',
    amount: '金额',
    paymentId: '支付单号',
    result: '结果',
    approved: '成功',
    report: '报表',
    close: '日结',
    paid: '已支付',
    refunds: '退款',
    count: '笔',
    period: '期间',
    mismatch: '不一致',
    queued: '排队',
    rub: 'RUB',
  },
}
export const wordsOf = (lang: string): SlipWords => (WORDS as Record<string, SlipWords>)[lang] ?? WORDS.ru

export const SYSTEM_NAMES: Record<string, string> = { sendy: 'Sendy', wechat: 'WeChat', alipay: 'AliPay' }

export function money(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
}

/**
 * Columns a character takes on the tape: East Asian wide and fullwidth characters (the Chinese of WeChat and AliPay
 * slips, § 4.11) take two, combining marks none, everything else one.
 */
function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2
  return 1
}

/** The width of `s` on the tape, in columns (a CJK character counts two). */
export function widthOf(s: string): number {
  let n = 0
  for (const ch of s) n += charWidth(ch.codePointAt(0)!)
  return n
}

/** `s` in pieces of at most `width` columns, never splitting a character (a wide one never half on a line). */
export function pieces(s: string, width: number): string[] {
  const out: string[] = []
  let cur = ''
  let w = 0
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > width && cur) {
      out.push(cur)
      cur = ''
      w = 0
    }
    cur += ch
    w += cw
  }
  if (cur || !out.length) out.push(cur)
  return out
}

const padStart = (s: string, width: number) => ' '.repeat(Math.max(0, width - widthOf(s))) + s

/** One `label … value` row at `width` columns, wrapped (label left, value right) when both do not fit. */
export function row(label: string, value: string, width: number): string[] {
  const lw = widthOf(label)
  const vw = widthOf(value)
  if (lw + vw + 1 <= width) return [label + ' '.repeat(width - lw - vw) + value]
  return [...pieces(label, width), ...pieces(value, width).map((p) => padStart(p, width))]
}
export const center = (s: string, width: number): string => {
  const t = pieces(s, width)[0]!
  return ' '.repeat(Math.floor((width - widthOf(t)) / 2)) + t
}
export const rule = (width: number): string => '-'.repeat(width)

export interface SlipFacts {
  kind: 'pay' | 'cancel' | 'refund'
  merchant: string
  terminalId: string
  shift: number | undefined
  txn: number | undefined
  system: string | undefined
  at: number
  amount: number
  paymentId: string | undefined
}

export function slipText(f: SlipFacts, lang: string, width: number): string[] {
  const w = wordsOf(lang)
  return [
    center(f.merchant, width),
    center('Sendy', width),
    center(w[f.kind], width),
    rule(width),
    ...row(w.terminal, f.terminalId, width),
    ...(f.shift !== undefined ? row(w.shift, String(f.shift), width) : []),
    ...(f.txn !== undefined ? row(w.txn, String(f.txn), width) : []),
    ...(f.system ? row(w.system, SYSTEM_NAMES[f.system] ?? f.system, width) : []),
    ...row(w.time, moscowTime(f.at), width),
    ...row(w.amount, `${money(f.amount)} ${w.rub}`, width),
    ...(f.paymentId ? row(w.paymentId, f.paymentId, width) : []),
    rule(width),
    ...row(w.result, w.approved, width),
  ]
}

export interface Report {
  shiftNumber: number | undefined
  paid: { count: number; amount: number }
  refunds: { count: number; amount: number }
  bySystem: { system: string; count: number; amount: number }[]
  transactions: { transactionNumber: number; system: string; amount: number; at: string }[] | undefined
}

export function decodeReport(d: Record<string, unknown>): Report | undefined {
  const pair = (v: unknown) => {
    const o = v as Record<string, unknown> | undefined
    const count = num(o?.count)
    const amount = num(o?.amount)
    return count === undefined || amount === undefined ? undefined : { count, amount }
  }
  const paid = pair(d.paid)
  if (!paid) return undefined
  const list = (v: unknown) => (Array.isArray(v) ? v : []) as Record<string, unknown>[]
  return {
    shiftNumber: num(d.shiftNumber),
    paid,
    refunds: pair(d.refunds) ?? { count: 0, amount: 0 },
    bySystem: list(d.bySystem).map((x) => ({ system: String(x.system), count: num(x.count) ?? 0, amount: num(x.amount) ?? 0 })),
    transactions: Array.isArray(d.transactions)
      ? list(d.transactions).map((x) => ({
          transactionNumber: num(x.transactionNumber) ?? 0,
          system: String(x.system),
          amount: num(x.amount) ?? 0,
          at: String(x.at ?? ''),
        }))
      : undefined,
  }
}

export function reportText(
  r: Report,
  o: {
    title: 'report' | 'close'
    lang: string
    width: number
    merchant: string
    terminalId: string
    detail: boolean
    period?: string
    mismatches: string[]
    queued: number
  },
): string[] {
  const w = wordsOf(o.lang)
  const out = [center(o.merchant, o.width), center('Sendy', o.width), center(w[o.title], o.width), rule(o.width), ...row(w.terminal, o.terminalId, o.width)]
  if (r.shiftNumber !== undefined) out.push(...row(w.shift, String(r.shiftNumber), o.width))
  if (o.period) out.push(...row(w.period, o.period, o.width))
  out.push(rule(o.width))
  out.push(...row(`${w.paid} ${r.paid.count} ${w.count}`, money(r.paid.amount), o.width))
  out.push(...row(`${w.refunds} ${r.refunds.count} ${w.count}`, money(r.refunds.amount), o.width))
  for (const s of r.bySystem) out.push(...row(` ${SYSTEM_NAMES[s.system] ?? s.system} ${s.count} ${w.count}`, money(s.amount), o.width))
  if (o.detail && r.transactions) {
    out.push(rule(o.width))
    for (const t of r.transactions) out.push(...row(`#${t.transactionNumber} ${SYSTEM_NAMES[t.system] ?? t.system}`, money(t.amount), o.width))
  }
  if (o.mismatches.length) {
    out.push(rule(o.width))
    for (const m of o.mismatches) out.push(...row(w.mismatch, m, o.width))
  }
  if (o.queued) out.push(...row(w.queued, String(o.queued), o.width))
  return out
}
