// Reconciliation of cashless totals (сверка итогов по безналу, docs/protocols/oplati.md § 4.9): the
// shift's E8 list matched against the journal by paymentId, then by orderNumber, and the report
// the module's `oplat.xml` prints — totals and every mismatch. Pure.
import { FINAL_STATES as FINAL, type Operation } from '../../../src/domain/operation.ts'
import type { Slip, SlipLine } from '../../../src/domain/slip.ts'
import { PAYMENT_TYPE, STATUS, type PaymentInfo } from './codec.ts'

export interface Mismatch {
  kind: 'onlyServer' | 'onlyJournal' | 'status' | 'sum'
  paymentId?: string
  orderNumber?: string
  /** Kopecks: the server's sum, or the journal's when only the journal has it. */
  sum: number
  detail?: string
}

export interface Reconciliation {
  sales: { count: number; sum: number }
  refunds: { count: number; sum: number }
  net: number
  mismatches: Mismatch[]
}

/** Match the server's list with the journal's operations of the same payment type and shift. */
export function reconcile(server: readonly PaymentInfo[], journal: readonly Operation[]): Reconciliation {
  const ok = server.filter((p) => p.status === STATUS.ok)
  const sales = ok.filter((p) => p.paymentType === PAYMENT_TYPE.sale)
  const refunds = ok.filter((p) => p.paymentType === PAYMENT_TYPE.saleReturn)
  const sum = (l: PaymentInfo[]) => l.reduce((a, p) => a + p.sum, 0)
  const mismatches: Mismatch[] = []
  // Operations still being resolved do not count as known: the server's word is reported (§ 5 sc. 39).
  const money = journal.filter((o) => (o.kind === 'pay' || o.kind === 'refund' || o.kind === 'cancel') && FINAL.includes(o.state))
  // A reversal carries the sale's id until its own comes back: only approved ones are keyed by ref.
  // A cancelled refund (отмена возврата) carries the refund's id: the refund itself is the server's entry, now not paid.
  const cancelsRefund = (o: Operation) =>
    o.kind === 'cancel' && (o.details?.reverses === 'refund' || money.some((r) => r.id === o.original && r.kind === 'refund'))
  const undone = new Set(money.filter((o) => cancelsRefund(o) && o.state === 'approved').map((o) => o.original))
  const byRef = new Map(money.filter((o) => o.ref && !cancelsRefund(o) && (o.kind === 'pay' || o.state === 'approved')).map((o) => [o.ref!, o]))
  const byOrder = new Map<string, Operation>(money.map((o) => [o.id, o]))
  const matched = new Set<string>()
  for (const p of server) {
    const op = byRef.get(p.paymentId) ?? byOrder.get(p.orderNumber)
    if (!op) {
      if (p.status === STATUS.ok) mismatches.push({ kind: 'onlyServer', paymentId: p.paymentId, orderNumber: p.orderNumber, sum: p.sum })
      continue
    }
    matched.add(op.id)
    const paid = p.status === STATUS.ok
    const journalPaid = (op.state === 'approved' && !undone.has(op.id)) || (op.kind === 'pay' && op.state === 'compensating')
    if (paid !== journalPaid && !(op.state === 'compensated' && paid))
      mismatches.push({ kind: 'status', paymentId: p.paymentId, orderNumber: op.id, sum: p.sum, detail: `${op.state} / ${p.status}` })
    else if (paid && p.sum !== op.amount) mismatches.push({ kind: 'sum', paymentId: p.paymentId, orderNumber: op.id, sum: p.sum, detail: `${op.amount}` })
  }
  for (const op of money) {
    if (matched.has(op.id) || op.state !== 'approved' || op.kind === 'cancel' || undone.has(op.id)) continue
    mismatches.push({ kind: 'onlyJournal', ...(op.ref ? { paymentId: op.ref } : {}), orderNumber: op.id, sum: op.amount })
  }
  return { sales: { count: sales.length, sum: sum(sales) }, refunds: { count: refunds.length, sum: sum(refunds) }, net: sum(sales) - sum(refunds), mismatches }
}

/** The printed report (`oplat.xml`): header, totals, mismatches, waiting queue entries. */
export function reportSlip(r: Reconciliation, head: { regNum: string; shift: string; period?: string; queued: number }, currency: string): Slip {
  const lines: SlipLine[] = [
    { label: 'report.regNum', value: head.regNum },
    { label: 'report.shift', value: head.shift },
    ...(head.period ? [{ label: 'report.period', value: head.period }] : []),
    { label: 'report.sales', value: `${r.sales.count}` },
    { label: 'report.salesSum', value: r.sales.sum, format: 'money' as const },
    { label: 'report.refunds', value: `${r.refunds.count}` },
    { label: 'report.refundsSum', value: r.refunds.sum, format: 'money' as const },
    { label: 'report.net', value: r.net, format: 'money' as const, strong: true },
  ]
  for (const m of r.mismatches)
    // The sum as money in the reader's language («17 руб.», not «17.00»): the page writes `amount`.
    lines.push({ label: `report.${m.kind}`, value: `${m.paymentId ?? '—'}${m.detail ? ` · ${m.detail}` : ''}`, amount: m.sum })
  if (!r.mismatches.length) lines.push({ label: 'report.noMismatch', value: '✓' })
  lines.push({ label: 'report.queued', value: `${head.queued}` })
  return { title: 'report.title', provider: 'O!плати', currency, lines, copies: 1 }
}
