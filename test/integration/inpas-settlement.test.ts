// The till's day close runs the Inpas pin-pad's settlement (сверка итогов, op 59) through the engine,
// against the pin-pad emulator on a virtual clock. The pin-pad answers 39 = 1 with its debit/credit totals
// (fields 29–32) and a totals slip (field 90, titled «СВЕРКА ИТОГОВ»), and the settlement closes the same-day
// window; the provider compares the totals with the journal's approved Inpas payments and refunds of the day.
import { afterEach, describe, expect, it } from 'vitest'
import { inpasHarness, type InpasHarness } from '../support/engine.ts'
import { TID } from '../support/inpas.ts'
import { INPAS_SETTLE_MSG } from '../../workers/providers/inpas-sbp/messages.ts'

let h: InpasHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function pay(hh: InpasHarness, method: 'card' | 'sbp', amount: number) {
  const r = await hh.engine.pay({ paymentTypeId: 'inpas', amount, code: '', method })
  if (!r.ok) throw new Error(`pay refused: ${JSON.stringify(r.message)}`)
  await hh.engine.settled()
  return hh.op(r.op.id)
}

const line = (slip: { lines: { label: string; value: string | number }[] } | undefined, label: string) => slip?.lines.find((l) => l.label === label)?.value

describe('inpas-sbp: the day close runs the settlement (op 59)', () => {
  it('payments and a refund of the day: the pin-pad’s totals match the journal, its slip is shown, the shift closes', async () => {
    h = await inpasHarness()
    expect((await h.engine.listPaymentTypes()).find((t) => t.id === 'inpas')).toMatchObject({ closeDay: true })
    const a = await pay(h, 'sbp', 50000)
    const b = await pay(h, 'card', 20000)
    expect([a.state, b.state]).toEqual(['approved', 'approved'])
    const r = await h.engine.reverse({ opId: a.id, kind: 'refund', amount: 5000 })
    expect(r.ok && r.op.state).toBe('approved')
    const money = h.moneyFrames()

    const z = await h.engine.closeDay()
    expect(z.ok).toBe(true)
    if (!z.ok) return
    const pc = z.report.providers?.find((p) => p.paymentTypeId === 'inpas')
    expect(pc).toMatchObject({ ok: true, mismatches: 0, net: 65000 })
    expect(line(pc!.slip, 'report.sales')).toBe('2')
    expect(line(pc!.slip, 'report.salesSum')).toBe(70000)
    expect(line(pc!.slip, 'report.refunds')).toBe('1')
    expect(line(pc!.slip, 'report.refundsSum')).toBe(5000)
    expect(line(pc!.slip, 'slip.terminalId')).toBe(TID)
    expect(pc!.slip!.text?.join('\n')).toContain('СВЕРКА ИТОГОВ')
    // No money moved, and the pin-pad's day is settled (the same-day window is closed).
    expect(h.moneyFrames()).toBe(money)
    expect(h.pad.journal().every((e) => e.settled)).toBe(true)
    const rec = (await h.ops()).filter((o) => o.kind === 'reconcile')
    expect(rec).toHaveLength(1)
    expect(rec[0]).toMatchObject({ state: 'approved', amount: 65000, message: { key: 'report.allMatch' } })
    expect(await h.db.queue.count()).toBe(0)
    expect(await h.engine.shiftStatus()).toMatchObject({ number: 2 })
  })

  it('a payment the pin-pad approved but the journal holds as declined is a mismatch of count and of sum', async () => {
    h = await inpasHarness()
    await pay(h, 'sbp', 30000)
    const b = await pay(h, 'sbp', 10000)
    await h.db.operations.update(b.id, { state: 'declined' })
    const z = await h.engine.closeDay({ force: true })
    expect(z.ok).toBe(true)
    if (!z.ok) return
    const pc = z.report.providers?.find((p) => p.paymentTypeId === 'inpas')
    expect(pc).toMatchObject({ ok: true, mismatches: 2, net: 40000 })
    expect((await h.ops()).find((o) => o.kind === 'reconcile')).toMatchObject({ message: { key: 'report.mismatches', params: { count: 2 } } })
  })

  it('a pin-pad that does not answer: a clear message, nothing queued, and the till’s day close still completes', async () => {
    h = await inpasHarness()
    await pay(h, 'sbp', 50000)
    h.control({ action: 'lose', n: 100 })
    const z = await h.engine.closeDay()
    expect(z.ok).toBe(true)
    if (!z.ok) return
    expect(z.report.providers?.find((p) => p.paymentTypeId === 'inpas')).toMatchObject({ ok: false, message: { key: INPAS_SETTLE_MSG.noAnswer } })
    expect((await h.ops()).filter((o) => o.kind === 'reconcile')).toHaveLength(0)
    expect(await h.db.queue.count()).toBe(0)
    expect(await h.engine.shiftStatus()).toMatchObject({ number: 2 })
    expect(h.pad.journal().some((e) => e.settled)).toBe(false)
  })
})
