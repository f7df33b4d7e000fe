// Day close (docs/protocols/sendy.md § 4.8) and «Печать отчета» (§ 4.9): the server's reports as slips.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { ProbeCtx, ReconcileOptions } from '../types.ts'
import type { SendyConfig } from './config.ts'
import { COUNTERS } from './store.ts'
import { decodeReport, moscowTime, moscowToIso, num, reportText } from './codec.ts'
import { call, failMsg } from './call.ts'
import { counters } from './numbering.ts'
import { merchant } from './slips.ts'

type ReportResult = { ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }

export async function closeDay(ctx: ProbeCtx<SendyConfig>, journal: readonly Operation[], opts: ReconcileOptions): Promise<ReportResult> {
  const c = await counters(ctx)
  if (!c.ok) return { ok: false, message: c.message }
  // No transaction since the last close (a day with no Sendy sale): the server has no open shift to close, and the
  // till's day close prints Sendy's empty totals, not the server's SHIFT_CLOSED (§ 4.8). Nothing is sent.
  if (!c.c.open) return emptyClose(ctx, opts)
  const r = await call(ctx, 'closeShift', 'POST', { shiftNumber: c.c.shift, detail: true })
  if (r.kind !== 'ok') return { ok: false, message: failMsg(r) }
  const report = decodeReport(r.data)
  if (!report) return { ok: false, message: msg('common.badReply') }
  await ctx.store.put(COUNTERS, { last: c.c.last, shift: c.c.shift + 1, open: false })
  const shift = report.shiftNumber ?? c.c.shift
  const mismatches = compare(journal, shift, report.transactions ?? [])
  const text = reportText(report, {
    title: 'close',
    lang: ctx.config.language,
    width: ctx.config.slipWidth,
    merchant: await merchant(ctx),
    terminalId: ctx.config.terminalId,
    detail: ctx.config.detailedReport,
    mismatches,
    queued: opts.queued,
  })
  return {
    ok: true,
    slip: reportSlip(text, report.paid.amount - report.refunds.amount, 'slip.closeDay'),
    net: report.paid.amount - report.refunds.amount,
    mismatches: mismatches.length,
  }
}

/**
 * The day close of a day with no open server shift: zero totals. Every payment of ours took a number in an open shift,
 * and each shift is closed, compared, by the till's day close: no payment of this close's journal can be left out.
 */
async function emptyClose(ctx: ProbeCtx<SendyConfig>, opts: ReconcileOptions): Promise<ReportResult> {
  const empty = { shiftNumber: undefined, paid: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, bySystem: [], transactions: [] }
  const text = reportText(empty, {
    title: 'close',
    lang: ctx.config.language,
    width: ctx.config.slipWidth,
    merchant: await merchant(ctx),
    terminalId: ctx.config.terminalId,
    detail: false,
    mismatches: [],
    queued: opts.queued,
  })
  return { ok: true, slip: reportSlip(text, 0, 'slip.closeDay'), net: 0, mismatches: 0 }
}

/** § 4.8 step 3: approved payments of the shift in the journal against the server's paid list. */
function compare(journal: readonly Operation[], shift: number, server: { transactionNumber: number; amount: number }[]): string[] {
  const reversed = new Set(journal.filter((o) => o.kind === 'cancel' && o.state === 'approved' && o.original).map((o) => o.original!))
  const mine = journal.filter((o) => o.kind === 'pay' && o.state === 'approved' && num(o.details?.shiftNumber) === shift && !reversed.has(o.id))
  const out: string[] = []
  const theirs = new Map(server.map((t) => [t.transactionNumber, t]))
  for (const o of mine) {
    const t = theirs.get(Number(o.ref))
    if (!t) out.push(`#${o.ref}`)
    else if (t.amount !== o.amount) out.push(`#${o.ref} ${o.amount}/${t.amount}`)
    theirs.delete(Number(o.ref))
  }
  for (const t of theirs.values()) out.push(`#${t.transactionNumber}?`)
  return out
}

function reportSlip(text: string[], net: number, title: string): Slip {
  return { title, provider: 'Sendy', currency: 'RUB', copies: 1, text, lines: [{ label: 'slip.amount', value: net, format: 'money' }] }
}

/** «Печать отчета»: by shift (current when none given), or by a Moscow date-time range; the shift stays open. */
export async function report(ctx: ProbeCtx<SendyConfig>, _journal: readonly Operation[], opts: ReconcileOptions): Promise<ReportResult> {
  const detail = opts.detail ?? ctx.config.detailedReport
  let q: Record<string, string>
  let period: string | undefined
  if (opts.start && opts.end) {
    const from = moscowToIso(opts.start)
    const to = moscowToIso(opts.end)
    if (!from || !to || from > to) return { ok: false, message: msg('sendy.badRange') }
    q = { from, to, detail: String(detail) }
    period = `${moscowTime(Date.parse(from))} — ${moscowTime(Date.parse(to))}`
  } else {
    let shift = opts.shift
    if (shift === undefined) {
      const c = await counters(ctx)
      if (!c.ok) return { ok: false, message: c.message }
      shift = c.c.shift
    }
    q = { shift: String(shift), detail: String(detail) }
  }
  const r = await call(ctx, 'reports', 'GET', undefined, q)
  if (r.kind !== 'ok') return { ok: false, message: failMsg(r) }
  const rep = decodeReport(r.data)
  if (!rep) return { ok: false, message: msg('common.badReply') }
  const text = reportText(rep, {
    title: 'report',
    lang: ctx.config.language,
    width: ctx.config.slipWidth,
    merchant: await merchant(ctx),
    terminalId: ctx.config.terminalId,
    detail,
    ...(period ? { period } : {}),
    mismatches: [],
    queued: opts.queued,
  })
  return { ok: true, slip: reportSlip(text, rep.paid.amount - rep.refunds.amount, 'slip.report'), net: rep.paid.amount - rep.refunds.amount, mismatches: 0 }
}
