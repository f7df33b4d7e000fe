// Slips of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 2.11, § 5.2 E11, E20): field 90 as
// `0xDF^^<customer copy>~0xDA^^<cashier copy>~0xDE^^<product>~`, 32 columns, lines ended by CRLF, CP1251 text.
// The card lines follow the captured slip («ОПЛАТА ПОКУПКИ», «КОД АВТОРИЗАЦИИ:», «№ ССЫЛКИ:»); the SBP lines
// («ОПЛАТА СБП», «ВОЗВРАТ СБП») are sandbox wording, since the real SBP slip is not public.
import { RECEIPT_TAG, formatReceipt } from '../../workers/providers/inpas-sbp/codec/index.ts'
import type { Method } from './types.ts'

/** § 2.11: about 32 columns. */
export const SLIP_WIDTH = 32
const CRLF = '\r\n'

export function center(text: string): string {
  const pad = Math.max(0, Math.floor((SLIP_WIDTH - text.length) / 2))
  return ' '.repeat(pad) + text
}

export function pair(left: string, right: string): string {
  const gap = SLIP_WIDTH - left.length - right.length
  return gap >= 1 ? left + ' '.repeat(gap) + right : `${left} ${right}`
}

/** Kopecks as `123.45`. */
export function formatAmount(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
}

/** ISO 4217 numeric → the slip's currency label. */
export function currencyLabel(code: number): string {
  return code === 643 ? 'RUB' : String(code).padStart(3, '0')
}

/** `YYYYMMDDhhmmss` → `DD.MM.YYYY` and `hh:mm:ss`. */
function dateTimeLines(dt: string): [string, string] {
  return [`${dt.slice(6, 8)}.${dt.slice(4, 6)}.${dt.slice(0, 4)}`, `${dt.slice(8, 10)}:${dt.slice(10, 12)}:${dt.slice(12, 14)}`]
}

export interface SlipInput {
  kind: 'sale' | 'refund'
  method: Method
  amount: number
  currency: number
  terminalDate: string
  tid: string
  merchantId: string
  statusText: string
  hostCode: string
  pan?: string | undefined
  authCode?: string | undefined
  rrn?: string | undefined
  ecrNo?: number | undefined
}

function copy(title: string, p: SlipInput): string {
  const [date, time] = dateTimeLines(p.terminalDate)
  const lines = [center(title), center(p.kind === 'sale' ? 'ОПЛАТА ПОКУПКИ' : 'ВОЗВРАТ ПОКУПКИ')]
  if (p.method === 'sbp') lines.push(center(p.kind === 'sale' ? 'ОПЛАТА СБП' : 'ВОЗВРАТ СБП'))
  lines.push(pair(date, time), pair('ТЕРМИНАЛ:', p.tid), pair('МЕРЧАНТ:', p.merchantId))
  if (p.ecrNo !== undefined) lines.push(pair('ЧЕК ККМ:', String(p.ecrNo)))
  if (p.method === 'card' && p.pan) lines.push(pair('КАРТА', p.pan))
  lines.push(pair(`СУММА (${currencyLabel(p.currency)}):`, formatAmount(p.amount)))
  lines.push(center(p.statusText))
  lines.push(pair('КОД ОТВЕТА:', p.hostCode))
  if (p.authCode) lines.push(pair('КОД АВТОРИЗАЦИИ:', p.authCode))
  if (p.rrn) lines.push(pair('№ ССЫЛКИ:', p.rrn))
  lines.push('-'.repeat(SLIP_WIDTH), center('(ПОДПИСЬ НЕ ТРЕБУЕТСЯ)'), '='.repeat(SLIP_WIDTH))
  return lines.join(CRLF) + CRLF
}

/** E11: the slip of a money operation (approved, declined or aborted). */
export function moneySlip(p: SlipInput): string {
  return formatReceipt([
    { tag: RECEIPT_TAG.customer, text: copy('ЧЕК КЛИЕНТА', p) },
    { tag: RECEIPT_TAG.cashier, text: copy('ЧЕК КАССИРА', p) },
    { tag: RECEIPT_TAG.product, text: p.method === 'sbp' ? 'СБП' : 'VISA Classic' },
  ])
}

export interface TotalsInput {
  title: string
  terminalDate: string
  tid: string
  sales: { count: number; sum: number }
  refunds: { count: number; sum: number }
}

/** E20: the totals slip of a settlement (and of the op-63 reports). */
export function totalsSlip(p: TotalsInput): string {
  const [date, time] = dateTimeLines(p.terminalDate)
  const lines = [
    center(p.title),
    pair(date, time),
    pair('ТЕРМИНАЛ:', p.tid),
    pair('ОПЛАТА:', String(p.sales.count)),
    pair('СУММА:', formatAmount(p.sales.sum)),
    pair('ВОЗВРАТ:', String(p.refunds.count)),
    pair('СУММА:', formatAmount(p.refunds.sum)),
    center('ИТОГИ СОВПАЛИ'),
    '='.repeat(SLIP_WIDTH),
  ]
  return formatReceipt([{ tag: RECEIPT_TAG.customer, text: lines.join(CRLF) + CRLF }])
}
