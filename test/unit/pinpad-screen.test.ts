// The emulated pin-pad's screen for the `#/pinpad` page (sandbox/inpas/screen.ts): a pure function of the emulator
// state — idle, the card prompt, the SBP QR with a valid link, processing, the result text — plus the scripted
// customer and the faults armed; and the page's manual customer controls (`customerPay`, `customerDecline`).
import { describe, expect, it } from 'vitest'
import { ACK, buildSale, encodeStxFrame, parseSbpLink } from '../../workers/providers/inpas-sbp/codec/index.ts'
import { createPinpad, parseControl, pinpadScreen, type Pinpad } from '../../sandbox/inpas/index.ts'

function frame(r: { ok: true; value: Uint8Array } | { ok: false }): Uint8Array {
  if (!r.ok) throw new Error('build')
  const f = encodeStxFrame(r.value)
  if (!f.ok) throw new Error('frame')
  return f.value
}

const SBP_SALE = frame(buildSale({ amount: 12345, currency: 643, ecrNo: 1, terminalId: '99000001', extra: [[200, 'SBP']] }))
const CARD_SALE = frame(buildSale({ amount: 500, currency: 643, ecrNo: 2, terminalId: '99000001' }))

/** A pin-pad whose every frame the "till" ACKs at once. */
function pad(): Pinpad {
  const p = createPinpad({ seed: 3 })
  p.onData((b) => {
    if (b[0] === 0x02 || b[0] === 0x01) p.write(Uint8Array.of(ACK))
  })
  return p
}

describe('pin-pad screen (pure)', () => {
  it('idle at first; the same state always gives the same screen and is not changed by it', () => {
    const p = pad()
    const before = JSON.stringify(p.state, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))
    const a = pinpadScreen(p.state)
    expect(pinpadScreen(p.state)).toEqual(a)
    expect(JSON.stringify(p.state, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))).toBe(before)
    expect(a).toMatchObject({ kind: 'idle', plugged: true, tid: '99000001', text: '', faults: [], customer: { outcome: 'pay' } })
  })

  it('SBP sale: the QR with a valid dynamic link for the amount; the customer pays on the page → processing → ОДОБРЕНО', () => {
    const p = pad()
    p.control({ action: 'customer', choice: 'qr', outcome: 'ignore' })
    p.write(SBP_SALE)
    const qr = pinpadScreen(p.state)
    expect(qr).toMatchObject({ kind: 'qr', operation: 'sale', amount: 12345, currency: 643, ecrNo: 1, customer: { outcome: 'ignore' } })
    const link = parseSbpLink(qr.link ?? '')
    expect(link.ok && link.value).toMatchObject({ dynamic: true, sum: 12345 })
    expect(qr.link).toContain('TEST')
    p.advance(60_000)
    expect(pinpadScreen(p.state).kind).toBe('qr') // nobody acts with the script set to ignore
    expect(p.control({ action: 'customerPay' }).ok).toBe(true)
    expect(pinpadScreen(p.state)).toMatchObject({ kind: 'processing', amount: 12345, text: 'ОБРАБОТКА...' })
    p.advance(1000)
    expect(pinpadScreen(p.state)).toMatchObject({ kind: 'result', approved: true, text: 'ОДОБРЕНО', amount: 12345, operation: 'sale' })
    expect(p.journal().map((e) => [e.kind, e.status, e.method])).toEqual([['sale', 1, 'sbp']])
  })

  it('card sale: the card prompt; key 1 shows a QR even without the notify; the bank declines on the page → ОТКАЗАНО', () => {
    const p = pad()
    p.control({ action: 'customer', outcome: 'ignore' })
    p.write(CARD_SALE)
    expect(pinpadScreen(p.state)).toMatchObject({ kind: 'card', amount: 500, text: 'ПРИЛОЖИТЕ КАРТУ. 1 - ОПЛАТА QR СБП' })
    p.control({ action: 'pressKey1' })
    const qr = pinpadScreen(p.state)
    expect(qr.kind).toBe('qr')
    expect(parseSbpLink(qr.link ?? '').ok).toBe(true)
    p.control({ action: 'customerDecline' })
    p.advance(1000)
    expect(pinpadScreen(p.state)).toMatchObject({ kind: 'result', approved: false, text: 'ОТКАЗАНО' })
    expect(p.journal()[0]).toMatchObject({ status: 16, switched: true })
  })

  it('tap card pays a card sale; customerPay with nothing in flight is ignored (logged)', () => {
    const p = pad()
    expect(p.control({ action: 'customerPay' }).notices.some((n) => n.kind === 'log')).toBe(true)
    p.control({ action: 'customer', outcome: 'ignore' })
    p.write(CARD_SALE)
    p.control({ action: 'customerPay' })
    p.advance(1000)
    expect(pinpadScreen(p.state)).toMatchObject({ kind: 'result', approved: true })
    expect(p.journal()[0]).toMatchObject({ method: 'card', switched: false })
  })

  it('armed faults and the unplugged device are on the screen state', () => {
    const p = pad()
    p.control({ action: 'nak', n: 2 })
    p.control({ action: 'loseResult' })
    p.control({ action: 'split', sizes: [1, 2] })
    p.control({ action: 'corruptNext' })
    p.control({ action: 'unplug' })
    expect(pinpadScreen(p.state)).toMatchObject({ plugged: false, faults: ['nak×2', 'corruptNext', 'split[1,2]', 'loseResult'] })
  })

  it('the JSON controls of the bridge parse the page actions', () => {
    expect(parseControl({ action: 'customerPay' })).toEqual({ ok: true, action: { action: 'customerPay' } })
    expect(parseControl({ action: 'customerDecline', args: [] })).toEqual({ ok: true, action: { action: 'customerDecline' } })
  })
})
