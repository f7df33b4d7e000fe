// A shift report (X, Z, by shift, by period) as a slip for the thermal tape, and as CSV, in the
// cashier's language. Money is formatted here because a till may mix currencies.
import type { Slip, SlipLine } from '../domain/slip.ts'
import { operationsCsv, totalsCsv, type Line } from '../domain/journal.ts'
import type { Report } from '../../workers/engine/shift.ts'
import { i18n } from '../i18n/i18n.svelte.ts'

const TITLES = { x: 'shift.xTitle', z: 'shift.zTitle', shift: 'shift.reportTitle', range: 'shift.rangeTitle' } as const

export function reportTitle(r: Report): string {
  return i18n.t(TITLES[r.title])
}

export function reportPeriod(r: Report): string {
  return `${i18n.dateTime(r.from)} — ${i18n.dateTime(r.to)}`
}

const pair = (l: Line, currency: string) => `${l.count} / ${i18n.money(l.sum, currency)}`

export function reportSlip(r: Report): Slip {
  const lines: SlipLine[] = []
  const text = (label: string, value: string, strong = false) => lines.push({ label, value, format: 'text', ...(strong ? { strong } : {}) })
  if (r.shift !== undefined) text('shift.number', String(r.shift))
  text('shift.period', reportPeriod(r))
  if (r.cashier) text('shift.cashier', r.cashier)
  for (const t of r.totals.types) {
    text(`${t.name}${t.number !== undefined ? ` ${i18n.t('journal.typeNo', { number: t.number })}` : ''}`, '', true)
    text('shift.payments', pair(t.payments, t.currency))
    text('shift.cancels', pair(t.cancels, t.currency))
    text('shift.refunds', pair(t.refunds, t.currency))
    if (t.cancelRefunds.count) text('shift.cancelRefunds', pair(t.cancelRefunds, t.currency))
    text('shift.net', i18n.money(t.net, t.currency), true)
    const pc = r.providers?.find((p) => p.paymentTypeId === t.paymentTypeId)
    if (pc) providerLines(pc)
  }
  for (const pc of r.providers ?? []) if (!r.totals.types.some((t) => t.paymentTypeId === pc.paymentTypeId)) providerLines(pc)
  if (!r.totals.types.length) text('shift.noOps', '—')
  for (const c of r.totals.total) {
    text(`${i18n.t('shift.total')}, ${c.currency}`, '', true)
    text('shift.payments', pair(c.payments, c.currency))
    text('shift.cancels', pair(c.cancels, c.currency))
    text('shift.refunds', pair(c.refunds, c.currency))
    if (c.cancelRefunds.count) text('shift.cancelRefunds', pair(c.cancelRefunds, c.currency))
    text('shift.net', i18n.money(c.net, c.currency), true)
  }
  text('shift.attention', r.totals.attention.length ? String(r.totals.attention.length) : i18n.t('shift.none'))
  for (const a of r.totals.attention) text(`${a.name}: ${i18n.t(`rowKind.${a.kind}`)}`, `${i18n.money(a.amount, a.currency)} · ${i18n.dateTime(a.createdAt)}`)
  text('shift.queued', r.totals.queued.length ? String(r.totals.queued.length) : i18n.t('shift.none'))
  for (const q of r.totals.queued) text(`${q.name}: ${i18n.t(`rowKind.${q.kind}`)}`, `${i18n.money(q.amount, q.currency)} · ${i18n.dateTime(q.createdAt)}`)
  for (const o of r.operations ?? [])
    text(`${i18n.dateTime(o.op.createdAt)} ${i18n.t(`rowKind.${o.kind}`)}`, `${i18n.money(o.op.amount, o.op.currency)} ${i18n.t(`state.${o.op.state}`)}`)
  return {
    title: TITLES[r.title],
    provider: r.shift !== undefined ? `${i18n.t('shift.title')} № ${r.shift}` : '',
    currency: r.totals.total[0]?.currency ?? 'UZS',
    lines,
    copies: 1,
  }

  function providerLines(pc: NonNullable<Report['providers']>[number]) {
    text(
      i18n.t('shift.provider', { name: pc.name }),
      pc.ok ? i18n.t('shift.providerOk', { count: pc.mismatches ?? 0 }) : i18n.m(pc.message ?? { key: 'shift.providerFailed' }),
      true,
    )
    // The provider's own report lines: its totals and every mismatch, next to the till's.
    for (const l of pc.slip?.lines ?? []) {
      const value =
        l.format === 'money'
          ? i18n.money(Number(l.value), pc.slip!.currency)
          : typeof l.value === 'string' && /^slip\./.test(l.value)
            ? i18n.t(l.value)
            : String(l.value)
      text(l.label, l.amount !== undefined ? `${value} · ${i18n.money(l.amount, pc.slip!.currency)}` : value)
    }
  }
}

export function reportCsv(r: Report): string {
  const head = { title: `${reportTitle(r)}${r.shift !== undefined ? ` ${r.shift}` : ''}`, period: reportPeriod(r) }
  const totals = totalsCsv(r.totals, head, i18n.t)
  return r.operations
    ? `${totals}\r\n${operationsCsv(
        r.operations.map((o) => ({ o: o.op, kind: o.kind, typeName: o.typeName })),
        i18n.t,
        i18n.dateTime,
      )}`
    : totals
}
