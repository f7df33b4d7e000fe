// The Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5) driven with raw SA frames built by the codec, on the
// fake clock: every behaviour E1–E23 and every control of § 5.3, plus one run over a real TCP socket.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ACK,
  EOT,
  FrameDecoder,
  NAK,
  STX,
  buildCheckLink,
  buildHostRelayReply,
  buildReceiptCopy,
  buildRefund,
  buildSale,
  buildSettlement,
  buildStatusRequest,
  decodeCp1251,
  encodeSohFrames,
  encodeStxFrame,
  encodeTlv,
  parseMessage,
  parseReceipt,
  parseSbpLink,
  tlvText,
  type FrameEvent,
  type MessageBuildResult,
  type SaMessage,
} from '../../workers/providers/inpas-sbp/codec/index.ts'
import { createPinpad, type PinpadOptions } from '../../sandbox/inpas/index.ts'
import { startPinpadTcp, type RunningPinpadTcp } from '../../sandbox/inpas/tcp.ts'

const TID = '99000001'

function data(r: MessageBuildResult): Uint8Array {
  if (!r.ok) throw new Error(`build failed: ${JSON.stringify(r.error)}`)
  return r.value
}

function stx(payload: Uint8Array): Uint8Array {
  const r = encodeStxFrame(payload)
  if (!r.ok) throw new Error('frame too long')
  return r.value
}

/** DATA from tag/text pairs (ascending). */
function tlv(fields: Array<[number, string]>): Uint8Array {
  const r = encodeTlv([...fields].sort((a, b) => a[0] - b[0]))
  if (!r.ok) throw new Error('tlv')
  return r.value
}

const sale = (amount: number, ecrNo: number, method?: 'SBP' | 'CARD') =>
  stx(data(buildSale({ amount, currency: 643, ecrNo, terminalId: TID, ...(method ? { extra: [[200, method]] } : {}) })))
const refund = (amount: number, ecrNo: number, rrn: string, authCode?: string) =>
  stx(data(buildRefund({ amount, currency: 643, ecrNo, terminalId: TID, rrn, ...(authCode ? { authCode } : {}), extra: [[200, 'SBP']] })))
const checkLink = () => stx(data(buildCheckLink({ terminalId: TID })))
const status = (ecrNo: number, origOp = 1) => stx(data(buildStatusRequest({ op: 200, ecrNo, origOp, terminalId: TID })))

interface Got {
  at: number
  msg: SaMessage
  via: 'stx' | 'soh'
  fragments: number
}

/**
 * A test till: decodes everything the pin-pad writes, ACKs good frames (unless told not to), and records
 * messages, control bytes and raw chunks with their times.
 */
function harness(options: PinpadOptions = {}) {
  const pad = createPinpad({ seed: 42, ...options })
  const decoder = new FrameDecoder()
  const got: Got[] = []
  const controls: Array<{ at: number; byte: number }> = []
  const events: Array<{ at: number; ev: FrameEvent }> = []
  const chunks: Array<{ at: number; bytes: Uint8Array }> = []
  const t = {
    pad,
    got,
    controls,
    events,
    chunks,
    autoAck: true,
    send(bytes: Uint8Array) {
      pad.write(bytes)
    },
    /** Messages with this op code. */
    ops(op: number): Got[] {
      return got.filter((g) => g.msg.op === op)
    },
    final(op: number): SaMessage | undefined {
      return got.find((g) => g.msg.op === op && g.msg.fields.status !== undefined)?.msg
    },
    /** Advance the fake clock in small steps until `cond` holds (no real sleeping). */
    waitFor(cond: () => boolean, limitMs = 400_000, stepMs = 100): void {
      for (let spent = 0; !cond(); spent += stepMs) {
        if (spent >= limitMs) throw new Error(`condition not met within ${limitMs} ms`)
        pad.advance(stepMs)
      }
    },
    controlBytes(byte: number): number {
      return controls.filter((c) => c.byte === byte).length
    },
  }
  pad.onData((bytes) => {
    chunks.push({ at: pad.now(), bytes })
    for (const ev of decoder.push(bytes)) {
      events.push({ at: pad.now(), ev })
      if (ev.kind === 'ack' || ev.kind === 'nak' || ev.kind === 'eot') {
        controls.push({ at: pad.now(), byte: ev.kind === 'ack' ? ACK : ev.kind === 'nak' ? NAK : EOT })
      } else if (ev.kind === 'frame') {
        const m = parseMessage(ev.payload)
        if (!m.ok) throw new Error(`pin-pad sent a malformed message: ${JSON.stringify(m.error)}`)
        if (!ev.repeat) got.push({ at: pad.now(), msg: m.value, via: ev.via, fragments: ev.fragments })
        if (t.autoAck) pad.write(Uint8Array.of(ACK))
      } else if (ev.kind === 'fragment' || ev.kind === 'dropped') {
        if (t.autoAck) pad.write(Uint8Array.of(ACK))
      }
    }
  })
  return t
}

type Harness = ReturnType<typeof harness>

/** Run a sale to its final result; returns the result. */
function pay(t: Harness, amount: number, ecrNo: number, method?: 'SBP' | 'CARD'): SaMessage {
  const before = t.got.length
  t.send(sale(amount, ecrNo, method))
  let result: SaMessage | undefined
  t.waitFor(() => (result = t.got.slice(before).find((g) => g.msg.op === 1 && g.msg.fields.status !== undefined)?.msg) !== undefined)
  return result!
}

function lastFinal(t: Harness, op: number, from = 0): SaMessage | undefined {
  return t.got
    .slice(from)
    .filter((g) => g.msg.op === op && (g.msg.fields.status !== undefined || op === 63))
    .at(-1)?.msg
}

const method = (m: SaMessage) => tlvText(m.tlv, 200)

describe('E1 link layer', () => {
  it('ACKs a good frame, NAKs a bad CRC, and skips stray bytes between frames', () => {
    const t = harness()
    const bad = checkLink()
    bad[bad.length - 1]! ^= 0x01
    t.send(bad)
    expect(t.controls.map((c) => c.byte)).toEqual([NAK])
    t.send(Uint8Array.of(0x55, 0x00, 0x33))
    t.send(checkLink())
    expect(t.controls.map((c) => c.byte)).toEqual([NAK, ACK])
    expect(t.final(26)?.fields.status).toBe(1)
  })

  it('takes a frame delivered one byte at a time within the 1 s inter-byte limit', () => {
    const t = harness()
    const f = checkLink()
    for (const b of f) {
      t.send(Uint8Array.of(b))
      t.pad.advance(900)
    }
    expect(t.final(26)?.fields.terminalId).toBe(TID)
  })

  it('drops a partial frame after a 1 s gap and hunts for the next STX', () => {
    const t = harness()
    const f = checkLink()
    t.send(f.subarray(0, 5))
    t.pad.advance(1000)
    // Without the resync the next frame's bytes would be swallowed by the partial one.
    t.send(checkLink())
    expect(t.controls.map((c) => c.byte)).toEqual([ACK])
    expect(t.ops(26)).toHaveLength(1)
  })

  it('resends its own frame on NAK at most 3 times, then sends EOT', () => {
    const t = harness()
    t.autoAck = false
    t.send(checkLink())
    for (let i = 0; i < 4; i++) t.send(Uint8Array.of(NAK))
    const frames = t.events.filter((e) => e.ev.kind === 'frame')
    expect(frames).toHaveLength(4)
    expect(t.controlBytes(EOT)).toBe(1)
    // Nothing more is sent afterwards.
    t.pad.advance(30_000)
    expect(t.events.filter((e) => e.ev.kind === 'frame')).toHaveLength(4)
  })

  it('waits 5 s for the ACK, resends the identical bytes, and gives up with EOT after 3 resends', () => {
    const t = harness()
    t.autoAck = false
    t.send(checkLink())
    expect(t.events.filter((e) => e.ev.kind === 'frame')).toHaveLength(1)
    t.pad.advance(4999)
    expect(t.events.filter((e) => e.ev.kind === 'frame')).toHaveLength(1)
    t.pad.advance(1)
    const frames = t.chunks.filter((c) => c.bytes[0] === STX)
    expect(frames).toHaveLength(2)
    expect(frames[1]!.bytes).toEqual(frames[0]!.bytes)
    t.pad.advance(15_000)
    expect(t.chunks.filter((c) => c.bytes[0] === STX)).toHaveLength(4)
    expect(t.controlBytes(EOT)).toBe(1)
  })

  it('accepts a request sent as SOH fragments (§ 2.4: the emulator MAY accept SOH)', () => {
    const t = harness()
    const long = tlv([
      [25, '26'],
      [27, TID],
      [86, 'x'.repeat(900)],
    ])
    const frames = encodeSohFrames(long)
    if (!frames.ok) throw new Error()
    expect(frames.value.length).toBeGreaterThan(1)
    for (const f of frames.value) t.send(f)
    expect(t.controlBytes(ACK)).toBe(frames.value.length)
    expect(t.final(26)?.fields.status).toBe(1)
  })
})

describe('E2 check link', () => {
  it('answers {25:26, 39:1, 27:tid}', () => {
    const t = harness()
    t.send(checkLink())
    const m = t.final(26)!
    expect(m.fields).toMatchObject({ operationCode: 26, status: 1, terminalId: TID })
  })
})

describe('E3/E4/E9/E10/E11/E12 sale', () => {
  it('custom SBP: QR at once, op 21 after the ACK, QR notify 201 with a valid link, approval with slip in SOH fragments', () => {
    const t = harness()
    const result = pay(t, 12345, 7, 'SBP')
    // Order on the wire: ACK, op 21, op 201, then the result.
    expect(t.controls[0]!.byte).toBe(ACK)
    expect(t.got[0]!.msg.op).toBe(21)
    const notify = t.ops(201)[0]!.msg
    const payload = parseReceipt(notify.fields.receiptData!)
    expect(payload[0]!.tag).toBe('DF')
    const link = parseSbpLink(payload[0]!.text)
    expect(link.ok).toBe(true)
    if (link.ok) {
      expect(link.value.type).toBe('02')
      expect(link.value.sum).toBe(12345)
      expect(link.value.cur).toBe('RUB')
      expect(link.value.qrcId).toContain('TEST')
    }
    expect(notify.fields.cardWaitTimeout).toBe(120)
    // E4
    expect(result.fields).toMatchObject({ status: 1, responseCodeHost: '00', textResponse: 'ОДОБРЕНО', amount: 12345, terminalTrxId: 7, terminalId: TID })
    expect(result.fields.referenceNumber).toMatch(/^\d{12}$/)
    expect(result.fields.authorizationCode).toMatch(/^\d{6}$/)
    expect(method(result)).toBe('SBP')
    expect(result.fields.pan).toBeUndefined()
    // E10: the result with its slip exceeds 507 bytes → SOH fragments numbered 1, 2, …, 0.
    const resultGot = t.got.find((g) => g.msg === result)!
    expect(resultGot.via).toBe('soh')
    expect(resultGot.fragments).toBeGreaterThan(1)
    const numbers = t.events.filter((e) => e.ev.kind === 'fragment').map((e) => (e.ev as { number: number }).number)
    expect(numbers).toEqual(Array.from({ length: resultGot.fragments - 1 }, (_, i) => i + 1))
    // E11
    const slip = parseReceipt(result.fields.receiptData!)
    expect(slip.map((r) => r.tag)).toEqual(['DF', 'DA', 'DE'])
    expect(slip[0]!.text).toContain('ЧЕК КЛИЕНТА')
    expect(slip[0]!.text).toContain('ОПЛАТА СБП')
    expect(slip[1]!.text).toContain('ЧЕК КАССИРА')
    expect(slip[0]!.text).toContain(`№ ССЫЛКИ:           ${result.fields.referenceNumber}`)
    for (const line of slip[0]!.text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(32)
    // E12
    const [entry] = t.pad.journal()
    expect(entry).toMatchObject({ ecrNo: 7, amount: 12345, method: 'sbp', switched: false, status: 1, refunded: 0 })
    expect(entry!.rrn).toBe(result.fields.referenceNumber)
    expect(entry!.terminalDate).toBe(result.fields.terminalDateTime)
    expect(entry!.slip).toBe(result.fields.receiptData)
  })

  it('SOH fragments each await their own ACK', () => {
    const t = harness()
    t.autoAck = false
    t.send(sale(100, 1, 'SBP'))
    t.send(Uint8Array.of(ACK)) // op 21
    t.send(Uint8Array.of(ACK)) // op 201
    t.pad.advance(3500)
    expect(t.events.filter((e) => e.ev.kind === 'fragment')).toHaveLength(1)
    t.pad.advance(1000)
    expect(t.events.filter((e) => e.ev.kind === 'fragment')).toHaveLength(1)
    t.send(Uint8Array.of(ACK))
    expect(t.events.filter((e) => e.ev.kind === 'fragment')).toHaveLength(2)
  })

  it('card prompt: the customer taps a card → CARD with a masked PAN', () => {
    const t = harness()
    const r = pay(t, 5000, 1, 'CARD')
    expect(method(r)).toBe('CARD')
    expect(r.fields.pan).toMatch(/^\*{12}\d{4}$/)
    expect(t.ops(201)).toHaveLength(0)
    expect(parseReceipt(r.fields.receiptData!)[0]!.text).toContain('ОПЛАТА ПОКУПКИ')
  })

  it('card prompt: key 1 switches to QR → SBP, switched, notify in the custom profile', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(5000, 1, 'CARD'))
    t.pad.advance(1000)
    t.pad.control({ action: 'pressKey1' })
    expect(t.ops(201)).toHaveLength(1)
    t.pad.control({ action: 'customer', outcome: 'pay', afterMs: 2000 })
    // A new prompt picks the script up; this QR is paid by hand: the script was "ignore" when the QR appeared.
    t.pad.control({ action: 'tapCard' }) // a tap on the QR screen is ignored
    expect(t.pad.summary().phase).toBe('qr')
    t.pad.control({ action: 'cancelOnPinpad' })
    expect(t.final(1)?.fields.status).toBe(53)
  })

  it('scripted switch: the customer presses 1 and pays by QR → SBP, switched = true', () => {
    const t = harness({ customer: { choice: 'switch' } })
    const r = pay(t, 5000, 1, 'CARD')
    expect(method(r)).toBe('SBP')
    expect(t.pad.journal()[0]).toMatchObject({ method: 'sbp', switched: true })
  })

  it('switch profile (no tag 200): plain op 1, key 1 shows the QR but no notify is sent', () => {
    const t = harness({ customer: { choice: 'switch' } })
    const r = pay(t, 5000, 1)
    expect(method(r)).toBe('SBP')
    expect(t.ops(201)).toHaveLength(0)
  })
})

describe('E5–E8 outcomes and waits', () => {
  it('E5: the customer declines → 39 = 16 «ОТКАЗАНО»; bank.declineNext declines once', () => {
    const t = harness({ customer: { outcome: 'decline' } })
    expect(pay(t, 100, 1, 'SBP').fields).toMatchObject({ status: 16, textResponse: 'ОТКАЗАНО' })
    t.pad.control({ action: 'customer', outcome: 'pay' })
    t.pad.control({ action: 'bank', declineNext: true })
    expect(pay(t, 100, 2, 'SBP').fields.status).toBe(16)
    expect(pay(t, 100, 3, 'SBP').fields.status).toBe(1)
  })

  it('E6: nobody pays → 53 after the QR lifetime (120 s) or the card wait (60 s)', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(119_900)
    expect(t.final(1)).toBeUndefined()
    t.pad.advance(100)
    expect(t.final(1)?.fields).toMatchObject({ status: 53, responseCodeHost: 'ER3', textResponse: 'ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~' })
    const t2 = harness({ customer: { outcome: 'ignore' } })
    t2.send(sale(100, 1, 'CARD'))
    t2.pad.advance(60_000)
    expect(t2.final(1)?.fields.status).toBe(53)
  })

  it('E7: the red key (cancelOnPinpad, or the scripted "cancel") aborts with 53', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.control({ action: 'cancelOnPinpad' })
    expect(t.final(1)?.fields.status).toBe(53)
    const t2 = harness({ customer: { outcome: 'cancel', afterMs: 1000 } })
    expect(pay(t2, 100, 1, 'SBP').fields.status).toBe(53)
  })

  it('E8: op 21 right after the ACK and every 5 s while busy', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'CARD'))
    t.pad.advance(20_000)
    expect(t.ops(21).map((g) => g.at)).toEqual([0, 5000, 10_000, 15_000, 20_000])
    t.pad.control({ action: 'tapCard' })
    t.waitFor(() => t.final(1) !== undefined)
    const n = t.ops(21).length
    t.pad.advance(30_000)
    expect(t.ops(21)).toHaveLength(n)
  })

  it('waitStorm: op 21 every 5 s for 150 s, then the approval', () => {
    const t = harness()
    t.pad.control({ action: 'waitStorm', everyMs: 5000, forMs: 150_000 })
    const r = pay(t, 100, 1, 'SBP')
    expect(r.fields.status).toBe(1)
    expect(t.got.find((g) => g.msg === r)!.at).toBe(150_000)
    // 0, 5 s, …, 145 s; at 150 s the held result goes out instead.
    expect(t.ops(21).length).toBe(30)
    expect(t.controlBytes(EOT)).toBe(0)
  })
})

describe('E13–E16 refunds', () => {
  function paid(options: PinpadOptions = {}) {
    const t = harness(options)
    const r = pay(t, 50_000, 1, 'SBP')
    return { t, rrn: r.fields.referenceNumber!, auth: r.fields.authorizationCode! }
  }

  function doRefund(t: Harness, amount: number, ecrNo: number, rrn: string, auth?: string): SaMessage {
    const from = t.got.length
    t.send(refund(amount, ecrNo, rrn, auth))
    let r: SaMessage | undefined
    t.waitFor(() => (r = lastFinal(t, 29, from)) !== undefined)
    return r!
  }

  it('E13: same day, full refund → approved without a card prompt', () => {
    const { t, rrn, auth } = paid()
    t.pad.control({ action: 'customer', outcome: 'ignore' })
    const r = doRefund(t, 50_000, 2, rrn, auth)
    expect(r.fields).toMatchObject({ status: 1, amount: 50_000, terminalTrxId: 2 })
    expect(method(r)).toBe('SBP')
    expect(parseReceipt(r.fields.receiptData!)[0]!.text).toContain('ВОЗВРАТ СБП')
    expect(t.pad.journal()[0]!.refunded).toBe(50_000)
  })

  it('E13: same-day partial refunds up to the remaining; above it → 16 (E16)', () => {
    const { t, rrn } = paid()
    expect(doRefund(t, 20_000, 2, rrn).fields.status).toBe(1)
    expect(t.pad.journal()[0]!.refunded).toBe(20_000)
    expect(doRefund(t, 30_001, 3, rrn).fields.status).toBe(16)
    expect(doRefund(t, 30_000, 4, rrn).fields.status).toBe(1)
    expect(t.pad.journal()[0]!.refunded).toBe(50_000)
  })

  it('E13: bank.sameDayPartial = false → a same-day partial refund is declined, remaining unchanged', () => {
    const { t, rrn } = paid()
    t.pad.control({ action: 'bank', sameDayPartial: false })
    expect(doRefund(t, 20_000, 2, rrn).fields.status).toBe(16)
    expect(t.pad.journal()[0]!.refunded).toBe(0)
    expect(doRefund(t, 50_000, 3, rrn).fields.status).toBe(1)
  })

  it('E14: a later-day refund needs a card tap; tapCard → approved', () => {
    const { t, rrn } = paid({ customer: { outcome: 'pay' } })
    t.pad.control({ action: 'customer', outcome: 'ignore' })
    t.pad.control({ action: 'clock.nextDay' })
    const from = t.got.length
    t.send(refund(10_000, 2, rrn))
    t.pad.advance(2000)
    expect(t.pad.summary().phase).toBe('refund-card')
    t.pad.control({ action: 'pressKey1' }) // B5: ignored in refunds
    expect(t.pad.summary().phase).toBe('refund-card')
    t.pad.control({ action: 'tapCard' })
    t.waitFor(() => lastFinal(t, 29, from) !== undefined)
    expect(lastFinal(t, 29, from)!.fields.status).toBe(1)
  })

  it('E14: a later-day refund without a tap → 53 after the card wait; remaining unchanged', () => {
    const { t, rrn } = paid()
    t.pad.control({ action: 'customer', outcome: 'ignore' })
    t.pad.control({ action: 'clock.nextDay' })
    const r = doRefund(t, 10_000, 2, rrn)
    expect(r.fields.status).toBe(53)
    expect(t.pad.journal()[0]!.refunded).toBe(0)
  })

  it('E20: a settlement closes the same-day window', () => {
    const { t, rrn } = paid()
    t.send(stx(data(buildSettlement({ terminalId: TID }))))
    const s = t.final(59)!
    expect(s.fields).toMatchObject({ status: 1, debitCount: 1, debitAmount: 50_000 })
    expect(parseReceipt(s.fields.receiptData!)[0]!.text).toContain('СВЕРКА ИТОГОВ')
    t.pad.control({ action: 'customer', outcome: 'ignore' })
    t.send(refund(50_000, 2, rrn))
    t.pad.advance(1000)
    expect(t.pad.summary().phase).toBe('refund-card')
  })

  it('E15: a switched payment cannot be refunded when bank.switchedRefund = false', () => {
    const t = harness({ customer: { choice: 'switch' } })
    const p = pay(t, 10_000, 1, 'CARD')
    t.pad.control({ action: 'bank', switchedRefund: false })
    expect(doRefund(t, 10_000, 2, p.fields.referenceNumber!).fields).toMatchObject({ status: 16 })
    t.pad.control({ action: 'bank', switchedRefund: true })
    expect(doRefund(t, 10_000, 3, p.fields.referenceNumber!).fields.status).toBe(1)
  })

  it('E16: an unknown RRN or a wrong auth code → 16', () => {
    const { t, rrn } = paid()
    expect(doRefund(t, 100, 2, '000000000000').fields.status).toBe(16)
    expect(doRefund(t, 100, 3, rrn, 'XXXXXX').fields.status).toBe(16)
  })
})

describe('E17 status and receipt copy', () => {
  it('status by ecrNo returns the stored result; an unknown ecrNo → 39 = 0 with 26 echoed and «НЕТ ДАННЫХ»', () => {
    const t = harness()
    const p = pay(t, 777, 41, 'SBP')
    t.send(status(41))
    const s = lastFinal(t, 200)!
    expect(s.fields).toMatchObject({ status: 1, terminalTrxId: 41, origOperation: 1, amount: 777, referenceNumber: p.fields.referenceNumber })
    expect(tlvText(s.tlv, 200)).toBe('SBP')
    t.send(status(99))
    expect(lastFinal(t, 200)!.fields).toMatchObject({ status: 0, terminalTrxId: 99, textResponse: 'НЕТ ДАННЫХ' })
    expect(t.pad.journal()).toHaveLength(1)
  })

  it('status of a refund (34 = 29) and of a declined payment', () => {
    const t = harness()
    const p = pay(t, 1000, 1, 'SBP')
    t.send(refund(1000, 2, p.fields.referenceNumber!))
    t.waitFor(() => lastFinal(t, 29) !== undefined)
    t.send(status(2, 29))
    expect(lastFinal(t, 200)!.fields).toMatchObject({ status: 1, origOperation: 29 })
    t.send(status(2, 1))
    expect(lastFinal(t, 200)!.fields.status).toBe(0)
    t.pad.control({ action: 'customer', outcome: 'decline' })
    pay(t, 1000, 3, 'SBP')
    t.send(status(3))
    expect(lastFinal(t, 200)!.fields.status).toBe(16)
  })

  it('receipt copy: 64 = 1 gives the last slip, 64 = 0 finds one by RRN', () => {
    const t = harness()
    const a = pay(t, 1000, 1, 'SBP')
    const b = pay(t, 2000, 2, 'CARD')
    t.send(stx(data(buildReceiptCopy({ last: true, terminalId: TID }))))
    let copy = lastFinal(t, 63)!
    expect(copy.fields.commandMode2).toBe(22)
    expect(copy.fields.receiptData).toBe(b.fields.receiptData)
    t.send(stx(data(buildReceiptCopy({ last: false, rrn: a.fields.referenceNumber!, terminalId: TID }))))
    copy = lastFinal(t, 63)!
    expect(copy.fields.receiptData).toBe(a.fields.receiptData)
    expect(parseReceipt(copy.fields.receiptData!)[0]!.text).toContain('ОДОБРЕНО')
  })

  it('receipt copy with nothing to copy → 39 = 0', () => {
    const t = harness()
    t.send(stx(data(buildReceiptCopy({ last: true }))))
    expect(lastFinal(t, 63)!.fields).toMatchObject({ status: 0, textResponse: 'НЕТ ДАННЫХ' })
  })
})

describe('E18/E19 busy and unknown ops', () => {
  it('E18: a request while an operation runs gets EOT instead of ACK; a byte-identical resend is ACKed once more', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    const req = sale(100, 1, 'SBP')
    t.send(req)
    t.send(checkLink())
    expect(t.controls.map((c) => c.byte)).toEqual([ACK, EOT])
    t.send(req)
    expect(t.controls.map((c) => c.byte)).toEqual([ACK, EOT, ACK])
    t.pad.control({ action: 'cancelOnPinpad' })
    expect(t.pad.journal()).toHaveLength(1)
    t.send(checkLink())
    expect(t.final(26)).toBeDefined()
  })

  it('E19: an unknown op gets the final {25:op, 39:0}', () => {
    const t = harness()
    t.send(stx(tlv([[25, '77']])))
    expect(t.final(77)!.fields).toMatchObject({ operationCode: 77, status: 0 })
  })

  it('op 41 display is answered with 64 and 67 = 0', () => {
    const t = harness()
    t.send(
      stx(
        tlv([
          [25, '41'],
          [57, '30'],
          [64, '4'],
          [90, '0xDF^^hello~'],
        ]),
      ),
    )
    expect(t.ops(41)[0]!.msg.fields).toMatchObject({ commandMode: 4, commandResult: 0 })
  })
})

describe('E21 host link via the till', () => {
  it('asks the till to open 127.0.0.1;port; and, refused (67 = 1), ends with 39 = 34 «НЕТ СОЕДИНЕНИЯ»', () => {
    const t = harness()
    t.pad.control({ action: 'hostLink', mode: 'via-ecr' })
    t.send(sale(100, 1, 'SBP'))
    t.waitFor(() => t.ops(63).length > 0)
    const open = t.ops(63)[0]!.msg
    expect(open.fields).toMatchObject({ commandMode: 1, commandMode2: 16 })
    expect(decodeCp1251(open.fields.fileData!)).toMatch(/^127\.0\.0\.1;\d+;$/)
    expect(open.fields.status).toBeUndefined()
    t.send(stx(data(buildHostRelayReply({ sub: 16, result: 1 }))))
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.final(1)!.fields).toMatchObject({ status: 34, textResponse: 'НЕТ СОЕДИНЕНИЯ' })
  })

  it('with 67 = 0 the terminal closes the relay and authorises', () => {
    const t = harness()
    t.pad.control({ action: 'hostLink', mode: 'via-ecr' })
    t.send(sale(100, 1, 'SBP'))
    t.waitFor(() => t.ops(63).length > 0)
    t.send(stx(data(buildHostRelayReply({ sub: 16, result: 0 }))))
    expect(t.ops(63)[1]!.msg.fields).toMatchObject({ commandMode: 0, commandMode2: 16 })
    t.send(stx(data(buildHostRelayReply({ sub: 16, result: 0 }))))
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.final(1)!.fields.status).toBe(1)
  })

  it('bank.hostDown → 39 = 34', () => {
    const t = harness()
    t.pad.control({ action: 'bank', hostDown: true })
    expect(pay(t, 100, 1, 'SBP').fields.status).toBe(34)
  })
})

describe('E22/E23 unplug and EOT from the till', () => {
  it('E22: unplugged mid-operation the customer still pays; after replug the status says approved', () => {
    const t = harness()
    const notices: string[] = []
    t.pad.onNotice((n) => n.kind !== 'log' && notices.push(n.kind))
    t.send(sale(100, 5, 'SBP'))
    t.pad.control({ action: 'unplug' })
    const before = t.chunks.length
    t.pad.advance(10_000)
    expect(t.chunks.length).toBe(before)
    t.send(checkLink()) // ignored while unplugged
    expect(t.chunks.length).toBe(before)
    expect(t.pad.journal()[0]!.status).toBe(1)
    t.pad.control({ action: 'replug' })
    expect(notices).toEqual(['unplug', 'replug'])
    t.send(checkLink())
    expect(t.final(26)).toBeDefined()
    t.send(status(5))
    expect(lastFinal(t, 200)!.fields.status).toBe(1)
    t.send(stx(data(buildReceiptCopy({ last: true }))))
    expect(lastFinal(t, 63)!.fields.receiptData).toBe(t.pad.journal()[0]!.slip)
  })

  it('E23: EOT before the customer paid aborts (53) and the result is still sent', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(1000)
    t.send(Uint8Array.of(EOT))
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.final(1)!.fields.status).toBe(53)
  })

  it('E23: EOT after the customer paid keeps the payment and sends it', () => {
    const t = harness({ customer: { afterMs: 1000 } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(1200) // paid at 1 s, the bank answers at 1.5 s
    t.send(Uint8Array.of(EOT))
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.final(1)!.fields.status).toBe(1)
  })
})

describe('§ 5.3 wire faults', () => {
  it('nak(n): the next n till frames are NAKed; the identical resend is processed once', () => {
    const t = harness()
    t.pad.control({ action: 'nak', n: 2 })
    const f = checkLink()
    t.send(f)
    t.send(f)
    t.send(f)
    expect(t.controls.map((c) => c.byte)).toEqual([NAK, NAK, ACK])
    expect(t.ops(26)).toHaveLength(1)
  })

  it('dropAck(1): the request is processed without ACK; op 21 comes first; one sale in the journal', () => {
    const t = harness()
    t.pad.control({ action: 'dropAck', n: 1 })
    t.send(sale(100, 1, 'SBP'))
    expect(t.controlBytes(ACK)).toBe(0)
    expect(t.got[0]!.msg.op).toBe(21)
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.pad.journal()).toHaveLength(1)
  })

  it('lose(1): the request vanishes (no ACK, no op); status then finds nothing', () => {
    const t = harness()
    t.pad.control({ action: 'lose', n: 1 })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(5000)
    expect(t.chunks).toHaveLength(0)
    t.send(Uint8Array.of(EOT))
    t.send(status(1))
    expect(lastFinal(t, 200)!.fields).toMatchObject({ status: 0, terminalTrxId: 1 })
  })

  it('corruptNext(): the till sees a bad CRC, NAKs, gets a clean resend, one result', () => {
    const t = harness()
    t.send(checkLink())
    t.pad.control({ action: 'corruptNext' })
    t.autoAck = false
    t.send(checkLink())
    expect(t.events.some((e) => e.ev.kind === 'corrupt')).toBe(true)
    t.send(Uint8Array.of(NAK))
    t.send(Uint8Array.of(ACK))
    expect(t.ops(26)).toHaveLength(2)
  })

  it('corruptNext on a SOH result: the fragment is resent and the result is processed once', () => {
    const t = harness({ customer: { afterMs: 1000 } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(1400)
    t.pad.control({ action: 'corruptNext', byteIndex: 20 })
    t.autoAck = false
    t.pad.advance(200)
    expect(t.events.some((e) => e.ev.kind === 'corrupt')).toBe(true)
    t.autoAck = true
    t.send(Uint8Array.of(NAK))
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.got.filter((g) => g.msg.op === 1)).toHaveLength(1)
  })

  it('dupNext(): the next frame is sent twice; both are ACKed; the journal holds one result', () => {
    const t = harness({ customer: { afterMs: 1000 } })
    t.pad.control({ action: 'dupNext' })
    t.send(sale(100, 1))
    // The op 21 after the ACK goes out twice; the till ACKs both copies.
    const frames = t.chunks.filter((c) => c.bytes[0] === STX)
    expect(frames).toHaveLength(2)
    expect(frames[1]!.bytes).toEqual(frames[0]!.bytes)
    expect(t.controlBytes(ACK)).toBe(1)
    t.waitFor(() => t.final(1) !== undefined)
    expect(t.final(1)!.fields.status).toBe(1)
    expect(t.got.filter((g) => g.msg.op === 1)).toHaveLength(1)
    expect(t.pad.journal()).toHaveLength(1)
    t.send(checkLink())
    expect(t.final(26)).toBeDefined()
  })

  it('split([1]): byte-by-byte delivery yields the same messages', () => {
    const a = harness()
    const b = harness()
    b.pad.control({ action: 'split', sizes: [1] })
    const ra = pay(a, 4242, 3, 'SBP')
    const rb = pay(b, 4242, 3, 'SBP')
    expect(b.chunks.every((c) => c.bytes.length === 1)).toBe(true)
    expect(rb.fields).toEqual(ra.fields)
    b.pad.control({ action: 'split', sizes: [3, 7] })
    b.send(checkLink())
    expect(b.chunks.at(-1)!.bytes.length).toBeLessThanOrEqual(7)
  })

  it('stray(bytes): injected between frames; a decoding till still parses the same result', () => {
    const t = harness()
    t.pad.control({ action: 'stray', bytes: [0x55, 0x00] })
    t.send(checkLink())
    expect(t.chunks.map((c) => c.bytes[0])).toEqual([ACK, 0x55, STX])
    expect(t.final(26)?.fields.status).toBe(1)
  })

  it('gapMs(1500): the frame pauses in the middle; a 1 s till drops it and gets the 5 s resend', () => {
    const t = harness()
    t.pad.control({ action: 'gapMs', ms: 1500 })
    t.autoAck = false
    t.send(checkLink())
    const frameChunks = () => t.chunks.filter((c) => c.bytes[0] !== ACK)
    expect(frameChunks()).toHaveLength(1)
    t.pad.advance(1500)
    expect(frameChunks()).toHaveLength(2)
    expect(frameChunks()[1]!.at - frameChunks()[0]!.at).toBe(1500)
    t.pad.advance(5000)
    expect(frameChunks()).toHaveLength(3)
    expect(frameChunks()[2]!.bytes[0]).toBe(STX)
  })

  it('loseResult(): the operation completes but its result is never sent; status finds it approved', () => {
    const t = harness()
    t.pad.control({ action: 'loseResult' })
    t.send(sale(100, 9, 'SBP'))
    t.pad.advance(60_000)
    expect(t.final(1)).toBeUndefined()
    expect(t.pad.journal()[0]!.status).toBe(1)
    t.send(Uint8Array.of(EOT))
    t.send(status(9))
    expect(lastFinal(t, 200)!.fields.status).toBe(1)
  })

  it("eotAt('request'): EOT instead of ACK, nothing processed", () => {
    const t = harness()
    t.pad.control({ action: 'eotAt', stage: 'request' })
    t.send(sale(100, 1, 'SBP'))
    expect(t.controls.map((c) => c.byte)).toEqual([EOT])
    t.pad.advance(10_000)
    expect(t.pad.journal()).toHaveLength(0)
  })

  it("eotAt('waiting'): EOT after the ACK, the operation aborts silently (53 journaled)", () => {
    const t = harness()
    t.pad.control({ action: 'eotAt', stage: 'waiting' })
    t.send(sale(100, 1, 'SBP'))
    expect(t.controls.map((c) => c.byte)).toEqual([ACK, EOT])
    t.pad.advance(10_000)
    expect(t.got).toHaveLength(0)
    t.send(status(1))
    expect(lastFinal(t, 200)!.fields.status).toBe(53)
  })

  it("eotAt('result'): EOT instead of the result; the result is journaled", () => {
    const t = harness()
    t.pad.control({ action: 'eotAt', stage: 'result' })
    t.send(sale(100, 1, 'SBP'))
    t.pad.advance(10_000)
    expect(t.final(1)).toBeUndefined()
    expect(t.controls.at(-1)!.byte).toBe(EOT)
    expect(t.pad.journal()[0]!.status).toBe(1)
  })

  it('reboot(): forgets the operation in flight (53 journaled, nothing sent)', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.control({ action: 'reboot' })
    t.pad.advance(200_000)
    expect(t.final(1)).toBeUndefined()
    expect(t.pad.journal()[0]!.status).toBe(53)
    expect(t.pad.summary().busy).toBe(false)
  })
})

describe('§ 5.3 device, clock and inspection controls', () => {
  it('setTid changes field 27 of check link and of results', () => {
    const t = harness()
    t.pad.control({ action: 'setTid', tid: '12345678' })
    t.send(checkLink())
    expect(t.final(26)!.fields.terminalId).toBe('12345678')
  })

  it('clock.advance moves timers on the fake clock; clock.nextDay moves the calendar by a day', () => {
    const t = harness({ customer: { outcome: 'ignore' } })
    t.send(sale(100, 1, 'SBP'))
    t.pad.control({ action: 'clock.advance', ms: 120_000 })
    expect(t.final(1)?.fields.status).toBe(53)
    expect(t.final(1)!.fields.terminalDateTime).toBe('20250115100200')
    t.pad.control({ action: 'clock.nextDay' })
    expect(t.pad.summary().terminalDateTime).toBe('20250116100200')
  })

  it('journal and trace controls answer with notices; the trace has every byte with its time', () => {
    const t = harness()
    t.send(checkLink())
    const j = t.pad.control({ action: 'journal' })
    expect(j.notices[0]).toMatchObject({ kind: 'journal', journal: [] })
    const tr = t.pad.control({ action: 'trace' })
    const trace = tr.notices[0]!.kind === 'trace' ? tr.notices[0]!.trace : []
    // request in, ACK out, reply out, the till's ACK in
    expect(trace.map((e) => e.dir)).toEqual(['in', 'out', 'out', 'in'])
    expect(trace[1]!.hex).toBe('06')
    expect(t.pad.traceText()).toContain('< 02 ')
  })

  it('JSON controls ({action, args}) as the bridge sends them', () => {
    const t = harness()
    expect(t.pad.control({ action: 'nak', args: [1] }).ok).toBe(true)
    expect(t.pad.control({ action: 'customer', args: { outcome: 'decline' } }).ok).toBe(true)
    expect(t.pad.control({ action: 'bogus', args: [] }).ok).toBe(false)
    t.send(checkLink())
    expect(t.controls[0]!.byte).toBe(NAK)
  })

  it('the same seed gives the same bytes', () => {
    const a = harness({ seed: 5 })
    const b = harness({ seed: 5 })
    pay(a, 100, 1, 'SBP')
    pay(b, 100, 1, 'SBP')
    expect(b.pad.traceText()).toBe(a.pad.traceText())
    const c = harness({ seed: 6 })
    pay(c, 100, 1, 'SBP')
    expect(c.pad.traceText()).not.toBe(a.pad.traceText())
  })
})

describe('TCP runner', () => {
  let running: RunningPinpadTcp | undefined
  afterEach(async () => {
    await running?.close()
    running = undefined
  })

  function connect(port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s))
      s.once('error', reject)
    })
  }

  it('serves SA bytes on 127.0.0.1, refuses a second client, takes controls over HTTP', async () => {
    running = await startPinpadTcp({ port: 0, controlPort: 0, seed: 1 })
    const sock = await connect(running.port)
    const decoder = new FrameDecoder()
    const messages: SaMessage[] = []
    const bytes: number[] = []
    let wake: (() => void) | undefined
    sock.on('data', (chunk: Buffer) => {
      for (const b of chunk) bytes.push(b)
      for (const ev of decoder.push(new Uint8Array(chunk))) {
        if (ev.kind === 'frame') {
          const m = parseMessage(ev.payload)
          if (m.ok) messages.push(m.value)
          sock.write(Uint8Array.of(ACK))
        }
      }
      wake?.()
    })
    const until = (cond: () => boolean) =>
      new Promise<void>((resolve) => {
        if (cond()) return resolve()
        wake = () => {
          if (cond()) resolve()
        }
      })

    sock.write(checkLink())
    await until(() => messages.some((m) => m.op === 26))
    expect(bytes[0]).toBe(ACK)
    expect(messages[0]!.fields).toMatchObject({ status: 1, terminalId: TID })

    const second = await connect(running.port)
    await new Promise<void>((resolve) => second.on('close', () => resolve()))

    const base = `http://127.0.0.1:${running.controlPort}`
    const r = await fetch(`${base}/control`, { method: 'POST', body: JSON.stringify({ action: 'setTid', args: ['12345678'] }) })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { ok: boolean; state: { tid: string } }).state.tid).toBe('12345678')
    const bad = await fetch(`${base}/control`, { method: 'POST', body: JSON.stringify({ action: 'nope' }) })
    expect(bad.status).toBe(400)
    sock.write(checkLink())
    await until(() => messages.filter((m) => m.op === 26).length === 2)
    expect(messages[1]!.fields.terminalId).toBe('12345678')
    expect(await (await fetch(`${base}/trace`)).text()).toContain('< 02 ')
    expect(((await (await fetch(`${base}/state`)).json()) as { plugged: boolean }).plugged).toBe(true)

    const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()))
    await fetch(`${base}/control`, { method: 'POST', body: JSON.stringify({ action: 'unplug' }) })
    await closed
    sock.destroy()
    second.destroy()
  })
})
