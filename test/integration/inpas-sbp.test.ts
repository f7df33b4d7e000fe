// The engine with the inpas-sbp provider against the in-memory pin-pad emulator, through the sandbox's fake Web
// Serial port and the provider's own Web Serial adapter, on one virtual clock (docs/protocols/inpas-sbp.md § 7, the
// scenarios that concern the engine: journal states, method, refunds, lost replies, reload, unplug, link faults).
import { afterEach, describe, expect, it } from 'vitest'
import { inpasHarness, type InpasHarness } from '../support/engine.ts'
import { TID } from '../support/inpas.ts'
import { INPAS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'
import type { Clock } from '../../workers/engine/clock.ts'
import type { SerialLike } from '../../workers/transport/serial.ts'

let h: InpasHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const states = (o: { history: { state: string }[] }) => [...new Set(o.history.map((x) => x.state))]

async function pay(hh: InpasHarness, method: 'card' | 'sbp', amount = 12345) {
  const r = await hh.engine.pay({ paymentTypeId: 'inpas', amount, code: '', method })
  if (!r.ok) throw new Error(`pay refused: ${JSON.stringify(r.message)}`)
  await hh.engine.settled()
  return hh.op(r.op.id)
}

describe('inpas-sbp: engine + provider against the pin-pad emulator', () => {
  it('§ 7.15/§ 7.24: «Оплата QR СБП» → created → sent → approved, method sbp; the QR link was shown on the cashier screen', async () => {
    h = await inpasHarness()
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('approved')
    expect(states(o)).toEqual(['created', 'sent', 'approved'])
    expect(o.details).toMatchObject({ method: 'sbp', requested: 'sbp', switched: false, terminalId: TID, ecrNo: 1 })
    expect(o.ref).toMatch(/^\d{12}$/)
    expect(o.slip?.lines.some((l) => l.label === 'slip.rrn')).toBe(true)
    const shown = h.patches.filter((p) => p.id === o.id && p.mods.display).map((p) => p.mods.display)
    expect(shown[0]).toMatchObject({ kind: 'qr', payload: expect.stringMatching(/^https:\/\/qr\.nspk\.ru\/.*sum=12345&cur=RUB&crc=[0-9A-F]{4}$/) })
    expect(h.messages(o.id)).toContain(INPAS_MSG.waitQr)
    expect(o.display).toBeUndefined()
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('§ 7.16: card → the customer taps → approved, method card; ecrNo grows per operation', async () => {
    h = await inpasHarness()
    h.control({ action: 'customer', choice: 'card', outcome: 'pay' })
    const a = await pay(h, 'card')
    expect(a).toMatchObject({ state: 'approved', details: { method: 'card', switched: false, ecrNo: 1 } })
    expect(h.messages(a.id)).toContain(INPAS_MSG.waitCard)
    const b = await pay(h, 'card', 500)
    expect(b.details).toMatchObject({ ecrNo: 2 })
  })

  it('§ 7.17: card, the customer presses 1 and pays by QR → approved, method sbp, switched', async () => {
    h = await inpasHarness()
    h.control({ action: 'customer', choice: 'switch', outcome: 'pay' })
    const o = await pay(h, 'card')
    expect(o).toMatchObject({ state: 'approved', details: { method: 'sbp', requested: 'card', switched: true } })
  })

  it('§ 7.20/§ 7.21: the bank declines → declined with the terminal text; nobody pays → 53 → aborted, never unknown', async () => {
    h = await inpasHarness()
    h.control({ action: 'bank', declineNext: true })
    const d = await pay(h, 'sbp')
    expect(d.state).toBe('declined')
    expect(d.error?.code).toMatch(/^16/)
    h.control({ action: 'customer', choice: 'qr', outcome: 'ignore' })
    const a = await pay(h, 'sbp')
    expect(a).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.resultAborted } })
    expect(states(a)).toEqual(['created', 'sent', 'declined'])
  })

  it('§ 7.6: qrSBP = false → an SBP pay is refused with inpas.qr.disabled and nothing is sent', async () => {
    h = await inpasHarness({ values: { qrSBP: 'false' } })
    const r = await h.engine.pay({ paymentTypeId: 'inpas', amount: 100, code: '', method: 'sbp' })
    await h.engine.settled()
    expect(r.ok && r.op).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.qrDisabled } })
    expect(h.pad.trace().filter((t) => t.dir === 'in')).toHaveLength(0)
  })

  it('§ 7.8: no granted port → declined inpas.port.notGranted, no bytes', async () => {
    h = await inpasHarness()
    const empty = Object.assign(new EventTarget(), { getPorts: async () => [] }) as SerialLike
    h.setSerial(empty)
    const o = await pay(h, 'card')
    expect(o).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.portNotGranted } })
    expect(states(o)).toEqual(['created', 'declined'])
  })

  it('§ 7.43/§ 7.44: same-day refunds of an SBP payment, partial then the rest; more than the rest is refused locally', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'sbp', 50000)
    const r1 = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 20000 })
    expect(r1.ok && r1.op).toMatchObject({ state: 'approved', kind: 'refund', details: { method: 'sbp' } })
    expect(r1.ok && h.messages(r1.op.id)).not.toContain(INPAS_MSG.refundTapCard)
    const tooMuch = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 30001 })
    expect(tooMuch.ok).toBe(false)
    const r2 = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 30000 })
    expect(r2.ok && r2.op.state).toBe('approved')
    expect(h.pad.journal().map((j) => [j.kind, j.amount, j.status])).toEqual([
      ['sale', 50000, 1],
      ['refund', 20000, 1],
      ['refund', 30000, 1],
    ])
  })

  it('§ 7.45: the bank refuses a same-day partial refund → declined with inpas.refund.partialSameDay', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'sbp', 50000)
    h.control({ action: 'bank', sameDayPartial: false })
    const r = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 20000 })
    expect(r.ok && r.op).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.refundPartialSameDay } })
  })

  it('§ 7.46: a refund on a later day asks for the card tap, then approved', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'sbp', 50000)
    await h.clock.advance(24 * 3600_000)
    const r = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 10000 })
    expect(r.ok && r.op.state).toBe('approved')
    expect(r.ok && h.messages(r.op.id)).toContain(INPAS_MSG.refundTapCard)
  })

  it('§ 7.36: the result is lost → per-message timer, unknown → resolving → status → approved, one sale only', async () => {
    h = await inpasHarness()
    h.control({ action: 'loseResult' })
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('approved')
    expect(states(o)).toEqual(['created', 'sent', 'unknown', 'resolving', 'approved'])
    expect(o.details).toMatchObject({ via: 'status', method: 'sbp' })
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('§ 7.27: no ACK for the request (lost on the wire) → no resend, unknown, status "no such operation" → declined', async () => {
    h = await inpasHarness()
    h.control({ action: 'lose', n: 1 })
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('declined')
    expect(states(o)).toEqual(['created', 'sent', 'unknown', 'resolving', 'declined'])
    expect(h.pad.journal()).toHaveLength(0)
  })

  it('§ 7.28: a corrupted result frame is NAKed, resent, and processed once', async () => {
    h = await inpasHarness()
    h.control({ action: 'corruptNext' })
    const o = await pay(h, 'sbp')
    expect(o.state).toBe('approved')
    expect(states(o)).toEqual(['created', 'sent', 'approved'])
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('§ 7.26: the request NAKed 4 times → declined inpas.link.error, not sent', async () => {
    h = await inpasHarness()
    h.control({ action: 'nak', n: 4 })
    const o = await pay(h, 'sbp')
    expect(o).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.linkError }, details: { notSent: true } })
  })

  it('§ 7.40: unplugged after the request, the customer pays meanwhile, replugged → disconnected shown, then approved by status', async () => {
    h = await inpasHarness()
    h.at(1_000, () => void h!.control({ action: 'unplug' }))
    h.at(20_000, () => void h!.control({ action: 'replug' }))
    const o = await pay(h, 'sbp')
    expect(h.messages(o.id)).toContain(INPAS_MSG.portDisconnected)
    expect(o.state).toBe('approved')
    expect(states(o)).toEqual(['created', 'sent', 'unknown', 'resolving', 'approved'])
    expect(h.pad.journal()).toHaveLength(1)
  })

  it('§ 7.39: the tab dies after `sent`; a new engine on the same database resumes and resolves it without a second payment', async () => {
    h = await inpasHarness()
    // The dead tab: its clock never wakes again.
    const dead: Clock = { now: () => h!.clock.now(), sleep: () => new Promise<void>(() => undefined) }
    const first = h.makeEngine({ clock: dead })
    await first.start()
    void first.pay({ paymentTypeId: 'inpas', amount: 12345, code: '', method: 'sbp' })
    let id: string | undefined
    for (let i = 0; i < 500 && !id; i++) {
      await new Promise((r) => setImmediate(r))
      // `sent` is journaled before the first byte (§ 6.3): wait for the request to reach the pin-pad too.
      if (h.pad.trace().some((t) => t.dir === 'in')) id = (await h.ops()).find((o) => o.state === 'sent')?.id
    }
    expect(id).toBeDefined()
    await h.opened.at(-1)!.close() // the browser closes a dead tab's port
    await h.clock.advance(10_000) // the customer pays on the pin-pad meanwhile; the result has nowhere to go
    const second = h.makeEngine()
    await second.start()
    await second.settled()
    const o = await h.op(id!)
    expect(o.state).toBe('approved')
    expect(o.details).toMatchObject({ via: 'status' })
    expect(h.pad.journal()).toHaveLength(1)
    second.stop()
  })

  it('§ 7.10/§ 7.11: the admin check-link answers with the TID; another TID → inpas.tid.mismatch', async () => {
    h = await inpasHarness()
    const ok = await h.engine.providerAction('inpas', 'checkLink')
    expect(ok).toMatchObject({ ok: true, message: { key: INPAS_MSG.adminLinkOk, params: { tid: TID } } })
    h.control({ action: 'setTid', tid: '12345678' })
    const bad = await h.engine.providerAction('inpas', 'checkLink')
    expect(bad).toMatchObject({ ok: true, message: { key: INPAS_MSG.tidMismatch, params: { got: '12345678', want: TID } } })
    expect(await h.engine.providerStatus('inpas')).toMatchObject({ ok: true, status: { tid: '12345678', notice: INPAS_MSG.tidMismatch } })
  })

  it('§ 7.4: a terminal id of 7 characters or with Cyrillic is refused with inpas.cfg.id, and nothing changes', async () => {
    h = await inpasHarness()
    for (const id of ['9900000', 'ТЕРМ0001']) {
      const r = await h.engine.savePaymentType({
        id: 'inpas',
        number: 4,
        name: 'Inpas SmartSale',
        provider: 'inpas-sbp',
        values: { transport: 'sandbox', qrSBP: 'true', id },
      })
      expect(r.ok).toBe(false)
      expect(JSON.stringify(r)).toContain(INPAS_MSG.cfgId)
    }
    expect((await h.engine.listPaymentTypes()).find((t) => t.id === 'inpas')?.values.id).toBe(TID)
  })

  it('§ 7.47: a switched payment: the bank refuses its refund → inpas.refund.switched; with switchedRefund = cash it is refused locally', async () => {
    h = await inpasHarness({ pad: { customer: { choice: 'switch', afterMs: 3_000, outcome: 'pay' } } })
    const p = await pay(h, 'card')
    expect(p.details).toMatchObject({ switched: true })
    h.control({ action: 'bank', switchedRefund: false })
    const r = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 1000 })
    expect(r.ok && r.op).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.refundSwitched } })
    await h.engine.savePaymentType({
      id: 'inpas',
      number: 4,
      name: 'Inpas SmartSale',
      provider: 'inpas-sbp',
      values: { transport: 'sandbox', qrSBP: 'true', id: TID, sbpProfile: 'custom', mirrorQr: 'true', switchedRefund: 'cash' },
    })
    const before = h.pad.journal().length
    const cash = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 1000 })
    expect(cash.ok && cash.op).toMatchObject({ state: 'declined', message: { key: INPAS_MSG.refundSwitched } })
    expect(h.pad.journal().length).toBe(before)
  })

  it('§ 7.48: a declined payment cannot be refunded, and nothing is sent', async () => {
    h = await inpasHarness()
    h.control({ action: 'bank', declineNext: true })
    const p = await pay(h, 'sbp')
    expect(p.state).toBe('declined')
    const before = h.pad.journal().length
    expect((await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 100 })).ok).toBe(false)
    expect(h.pad.journal().length).toBe(before)
  })

  it('§ 7.49: key 1 during a refund changes nothing', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'card', 50000)
    await h.clock.advance(24 * 3600_000)
    h.at(1_000, () => h!.control({ action: 'pressKey1' }))
    const r = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 10000 })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', details: { method: 'card' } })
  })

  it('§ 7.50: a refund whose result is lost is decided by its status', async () => {
    h = await inpasHarness()
    const p = await pay(h, 'sbp', 50000)
    h.control({ action: 'loseResult' })
    const r = await h.engine.reverse({ opId: p.id, kind: 'refund', amount: 20000 })
    const o = await h.op(r.ok ? r.op.id : '')
    expect(o.state).toBe('approved')
    expect(states(o)).toContain('resolving')
    expect(h.pad.journal().filter((j) => j.kind === 'refund')).toHaveLength(1)
  })
})
