// Day close (docs/protocols/inpas-sbp.md § 6): the pin-pad's settlement (op 59) against the journal's totals.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { ProbeCtx } from '../types.ts'
import { OP, STATUS } from './codec/index.ts'
import { INPAS_SETTLE_MSG } from './messages.ts'
import { slipOf as sessionSlipOf } from './session.ts'
import type { InpasConfig } from './config.ts'
import { type PortFactory, withPort } from './run.ts'
import { exchange } from './exchange.ts'

// ---- day close: settlement (op 59, E20) -------------------------------------------------------------------

/** PDK: the settlement reaches the bank before it answers; past this the till's day close goes on without it. */
const SETTLEMENT_BUDGET_MS = 120_000

type CloseDayResult = { ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }

interface Totals {
  debit: { count: number; sum: number }
  credit: { count: number; sum: number }
}

/** The journal's approved payments (debit) and refunds (credit) of the day, as the pin-pad counts them. */
export function journalTotals(journal: readonly Operation[]): Totals {
  const t: Totals = { debit: { count: 0, sum: 0 }, credit: { count: 0, sum: 0 } }
  for (const o of journal) {
    if (o.state !== 'approved' || o.provider !== 'inpas-sbp') continue
    const b = o.kind === 'pay' ? t.debit : o.kind === 'refund' ? t.credit : undefined
    if (!b) continue
    b.count++
    b.sum += o.amount
  }
  return t
}

/**
 * The till's day close for Inpas: the pin-pad's settlement (сверка итогов, op 59). No money moves and nothing is
 * queued: the pin-pad's debit/credit totals (fields 29–32) are compared with the journal's; a count or a sum that
 * differs is one mismatch. No answer → `{ ok: false }` with a message, and the till's day close goes on.
 */
export async function closeDay(ports: PortFactory, ctx: ProbeCtx<InpasConfig>, journal: readonly Operation[]): Promise<CloseDayResult> {
  return withPort<CloseDayResult>(
    ports,
    ctx,
    async (port) => {
      const fields: Array<readonly [number, string]> = [
        [25, String(OP.settlement)],
        [27, ctx.config.id],
      ]
      const r = await exchange(port, ctx, fields, OP.settlement, SETTLEMENT_BUDGET_MS)
      if (!r) return { ok: false, message: msg(INPAS_SETTLE_MSG.noAnswer) }
      if (r.fields.status !== STATUS.approved)
        return { ok: false, message: msg(INPAS_SETTLE_MSG.refused, { text: r.fields.textResponse ?? String(r.fields.status ?? '—') }) }
      const pad: Totals = {
        debit: { count: r.fields.debitCount ?? 0, sum: r.fields.debitAmount ?? 0 },
        credit: { count: r.fields.creditCount ?? 0, sum: r.fields.creditAmount ?? 0 },
      }
      const mine = journalTotals(journal)
      const mismatches =
        Number(pad.debit.count !== mine.debit.count) +
        Number(pad.debit.sum !== mine.debit.sum) +
        Number(pad.credit.count !== mine.credit.count) +
        Number(pad.credit.sum !== mine.credit.sum)
      const net = pad.debit.sum - pad.credit.sum
      ctx.log.info('inpas-sbp', 'settlement', {
        debitCount: pad.debit.count,
        debitSum: pad.debit.sum,
        creditCount: pad.credit.count,
        creditSum: pad.credit.sum,
        mismatches,
      })
      const printed = printedRows(r.fields.receiptData)
      const slip: Slip = {
        title: 'slip.closeDay',
        provider: 'Inpas SmartSale',
        currency: 'RUB',
        copies: 1,
        lines: [
          { label: 'slip.terminalId', value: r.fields.terminalId ?? ctx.config.id },
          { label: 'report.sales', value: String(pad.debit.count) },
          { label: 'report.salesSum', value: pad.debit.sum, format: 'money' },
          { label: 'report.refunds', value: String(pad.credit.count) },
          { label: 'report.refundsSum', value: pad.credit.sum, format: 'money' },
          { label: 'report.net', value: net, format: 'money', strong: true },
        ],
        ...(printed ? { text: printed } : {}),
      }
      return { ok: true, slip, net, mismatches }
    },
    async (m) => ({ ok: false, message: m }),
  )
}

/** Field 90 of the settlement: the pin-pad's totals slip as printed rows (the cashier copy, else the first). */
function printedRows(text: string | undefined): string[] | undefined {
  const s = sessionSlipOf(text)
  const body = s?.cashier ?? s?.customer ?? s?.raw
  return body ? body.split(/\r?\n/).filter((l, i, a) => l !== '' || (i > 0 && i < a.length - 1)) : undefined
}
