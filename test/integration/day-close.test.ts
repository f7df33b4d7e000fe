// End to end in the engine against the O!plati sandbox: the X-report and the day close
// with the provider's own end of day (O!plati's reconcile, E8), next to the till's totals; the
// journal query names a cancelled refund and computes what is left to refund from the database.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import { isFinal } from '../../src/domain/operation.ts'

let h: Harness
afterEach(async () => h?.close())

const act = (body: Record<string, unknown>) => h.sb.control('oplati', 'customer/act', body)

async function paid(amount: number) {
  h.clock.onTick = async () => {
    const op = (await h.ops()).filter((o) => o.kind === 'pay' && !isFinal(o.state)).at(-1)
    if (op?.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
  }
  const r = await h.engine.pay({ paymentTypeId: 'oplati', amount, code: await h.token() })
  await h.engine.settled()
  h.clock.onTick = undefined
  expect(r.ok && (await h.op(r.op.id)).state).toBe('approved')
  return r.ok ? r.op : undefined!
}

it('X-report, then the day close runs O!plati’s reconcile and shows it beside the till’s totals; the shift closes', async () => {
  h = await harness({ provider: 'oplati' })
  expect((await h.engine.listPaymentTypes())[0]).toMatchObject({ id: 'oplati', closeDay: true })
  const a = await paid(1700)
  await paid(500)
  const refund = await h.engine.reverse({ opId: a.id, kind: 'refund', amount: 700 })
  expect(refund.ok && refund.op.state).toBe('approved')
  const undo = await h.engine.reverse({ opId: refund.ok ? refund.op.id : '', kind: 'cancel' })
  expect(undo.ok && undo.op.state).toBe('approved')
  const page = await h.engine.journalPage({})
  const row = (id: string) => page.rows.find((r) => r.op.id === id)!
  expect(row(undo.ok ? undo.op.id : '').kind).toBe('cancelRefund')
  // The refund was cancelled: the whole 17.00 is refundable again.
  expect(row(a.id).remaining).toBe(1700)

  const x = await h.engine.xReport()
  expect(x.report.totals.types[0]).toMatchObject({
    name: 'O!плати',
    number: 3,
    payments: { count: 2, sum: 2200 },
    refunds: { count: 1, sum: 700 },
    cancelRefunds: { count: 1, sum: 700 },
    net: 2200,
  })
  expect(await h.db.shifts.count()).toBe(0)

  const z = await h.engine.closeDay()
  expect(z.ok).toBe(true)
  if (!z.ok) return
  expect(z.report.shift).toBe(1)
  expect(z.report.providers).toHaveLength(1)
  const pc = z.report.providers![0]!
  expect(pc).toMatchObject({ paymentTypeId: 'oplati', ok: true, mismatches: 0 })
  expect(pc.slip!.lines.find((l) => l.label === 'report.sales')?.value).toBe('2')
  expect((await h.calls()).some((c) => c.route === 'reports')).toBe(true)
  expect((await h.ops()).filter((o) => o.kind === 'reconcile')).toHaveLength(1)
  expect(await h.engine.shiftStatus()).toMatchObject({ number: 2 })
  expect(await h.engine.closeDay()).toMatchObject({ ok: false, message: { key: 'shift.nothingToClose' } })
  const again = await h.engine.shiftReport({ shift: 1 })
  expect(again.ok && again.report.totals.total[0]?.net).toBe(2200)
  expect(again.ok && again.report.providers?.[0]).toMatchObject({ ok: true, mismatches: 0 })
})

it('a second Z on the same day reconciles O!plati’s whole day against that day’s operations: no false mismatch', async () => {
  h = await harness({ provider: 'oplati' })
  await paid(1700)
  const z1 = await h.engine.closeDay()
  expect(z1.ok && z1.report.providers?.[0]).toMatchObject({ ok: true, mismatches: 0 })
  // The second till shift has no O!plati sale (only an X-style reconcile opens it), the same Minsk day.
  await h.clock.advance(60_000)
  const rec = await h.engine.reconcile({ paymentTypeId: 'oplati' })
  expect(rec.ok).toBe(true)
  const z2 = await h.engine.closeDay()
  expect(z2.ok).toBe(true)
  if (!z2.ok) return
  expect(z2.report.shift).toBe(2)
  const pc = z2.report.providers![0]!
  expect(pc).toMatchObject({ ok: true, mismatches: 0 })
  expect(pc.slip!.lines.find((l) => l.label === 'report.sales')?.value).toBe('1')
  expect(pc.slip!.lines.some((l) => l.label === 'report.onlyServer')).toBe(false)
})
