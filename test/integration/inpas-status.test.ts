// The cashier's «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51): engine.checkStatus goes through the inpas-sbp
// provider (check-link, then the PDK status by ecrNo) against the in-memory pin-pad emulator on the virtual clock.
// A read journals nothing; a needs-attention operation is settled by a definitive answer.
import { afterEach, describe, expect, it } from 'vitest'
import { inpasHarness, type InpasHarness } from '../support/engine.ts'
import { TID } from '../support/inpas.ts'
import { INPAS_MSG, INPAS_STATUS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'

let h: InpasHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function pay(hh: InpasHarness, method: 'card' | 'sbp', amount = 12345) {
  const r = await hh.engine.pay({ paymentTypeId: 'inpas', amount, code: '', method })
  if (!r.ok) throw new Error(`pay refused: ${JSON.stringify(r.message)}`)
  await hh.engine.settled()
  return hh.op(r.op.id)
}

/** Frames the till sent (not single ACK/NAK/EOT bytes), from the emulator trace. */
const statusRequests = (hh: InpasHarness) => hh.pad.trace().filter((t) => t.dir === 'in' && t.hex.length > 20).length

describe('inpas-sbp: «Проверить статус»', () => {
  it('§ 7.51: an approved payment → the status by ecrNo says approved, same RRN; the journal is unchanged', async () => {
    h = await inpasHarness()
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('approved')
    const before = statusRequests(h)
    const r = await h.engine.checkStatus({ opId: o.id })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.settled).toBe(false)
    expect(r.answer).toMatchObject({
      ok: true,
      outcome: 'approved',
      matches: true,
      message: { key: INPAS_STATUS_MSG.approved, params: { ecrNo: 1, rrn: o.ref } },
    })
    expect(await h.op(o.id)).toEqual(o)
    // check-link and the status went to the pin-pad; no money moved.
    expect(statusRequests(h)).toBe(before + 2)
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('a refund: its own status (op 34 = the refund op) → approved, matches; a declined payment is not asked', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'sbp', 50000)
    const refund = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 20000 })
    expect(refund.ok && refund.op.state).toBe('approved')
    if (!refund.ok) return
    const stored = await h.op(refund.op.id)
    const r = await h.engine.checkStatus({ opId: refund.op.id })
    expect(r.ok && r.answer).toMatchObject({ ok: true, outcome: 'approved', matches: true })
    expect(r.ok && r.answer.ok && r.answer.message.params?.rrn).toBe(h.pad.journal()[1]!.rrn)
    expect(await h.op(refund.op.id)).toEqual(stored)

    h.control({ action: 'bank', declineNext: true })
    const d = await pay(h, 'sbp', 700)
    expect(d.state).toBe('declined')
    expect((await h.engine.checkStatus({ opId: d.id })).ok).toBe(false)
  })

  it('a needs-attention payment (check-link from another TID) is settled approved by the status once the TID is right', async () => {
    h = await inpasHarness()
    h.control({ action: 'loseResult' })
    // The customer pays at ~3.5 s; the result is lost; the resolve's check-link (after 45 s) meets another terminal.
    h.at(10_000, () => void h!.control({ action: 'setTid', tid: '12345678' }))
    const o = await pay(h, 'sbp')
    expect(o).toMatchObject({ state: 'needs-attention', message: { key: INPAS_MSG.resultNeedsAttention } })
    expect(h.pad.journal()).toHaveLength(1)
    const sale = h.pad.journal()[0]!

    h.control({ action: 'setTid', tid: TID })
    const r = await h.engine.checkStatus({ opId: o.id })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.settled).toBe(true)
    expect(r.answer).toMatchObject({ ok: true, outcome: 'approved' })
    const after = await h.op(o.id)
    expect(after).toMatchObject({ state: 'approved', ref: sale.rrn, details: { rrn: sale.rrn, authCode: sale.authCode, via: 'status', method: 'sbp' } })
    expect(after.history.at(-1)).toMatchObject({ state: 'approved', note: expect.stringMatching(/settled by status check/) })
    expect(after.slip?.lines.some((l) => l.label === 'slip.rrn')).toBe(true)
    // Settled once: a second check only reads.
    const again = await h.engine.checkStatus({ opId: o.id })
    expect(again.ok && again.settled).toBe(false)
    expect(again.ok && again.answer).toMatchObject({ ok: true, matches: true })
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('a needs-attention payment the pin-pad never saw is settled declined (no such operation)', async () => {
    h = await inpasHarness()
    h.control({ action: 'lose', n: 1 })
    h.control({ action: 'setTid', tid: '12345678' })
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('needs-attention')
    h.control({ action: 'setTid', tid: TID })
    const r = await h.engine.checkStatus({ opId: o.id })
    expect(r.ok && r.settled).toBe(true)
    expect(r.ok && r.answer).toMatchObject({ ok: true, outcome: 'not-found', message: { key: INPAS_STATUS_MSG.notFound } })
    expect((await h.op(o.id)).state).toBe('declined')
    expect(h.pad.journal()).toHaveLength(0)
  })
})
