// The pure parts of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.1): `step` never mutates its input and
// asks for time only through `wakeAt`; the seeded RNG, the slips and the JSON control parser; chunking of the
// till's bytes never changes the answer (property); the core and the in-memory runner import nothing from node:*.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACK,
  buildCheckLink,
  buildSale,
  encodeStxFrame,
  isCp1251,
  parseReceipt,
  parseSbpLink,
  formatSbpLink,
} from '../../workers/providers/inpas-sbp/codec/index.ts'
import { createPinpadState, moneySlip, parseControl, step, totalsSlip, type Effect, type PinpadState } from '../../sandbox/inpas/index.ts'
import { drawAuthCode, drawQrcId, drawRrn, rngNext } from '../../sandbox/inpas/rng.ts'

function frame(r: { ok: true; value: Uint8Array } | { ok: false }): Uint8Array {
  if (!r.ok) throw new Error('build')
  const f = encodeStxFrame(r.value)
  if (!f.ok) throw new Error('frame')
  return f.value
}

const SALE = frame(buildSale({ amount: 12345, currency: 643, ecrNo: 1, terminalId: '99000001', extra: [[200, 'SBP']] }))
const CHECK = frame(buildCheckLink({ terminalId: '99000001' }))

/** A stable picture of a state (typed arrays as plain arrays) to compare before and after a step. */
function snapshot(s: PinpadState): string {
  const seen = new WeakSet<object>()
  return JSON.stringify(s, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return Array.from(v)
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[seen]'
      seen.add(v)
    }
    return v
  })
}

const writes = (fx: Effect[]) => fx.flatMap((e) => (e.type === 'write' ? Array.from(e.bytes) : []))
const wake = (fx: Effect[]) => fx.find((e) => e.type === 'wakeAt')

describe('step', () => {
  it('never mutates the state it is given', () => {
    let s = createPinpadState({ seed: 3 })
    for (const ev of [
      { type: 'bytes' as const, now: 0, data: SALE },
      { type: 'bytes' as const, now: 10, data: Uint8Array.of(ACK) },
      { type: 'control' as const, now: 20, action: { action: 'nak' as const, n: 1 } },
      { type: 'tick' as const, now: 3500 },
    ]) {
      const before = snapshot(s)
      const r = step(s, ev)
      expect(snapshot(s)).toBe(before)
      s = r.state
    }
  })

  it('asks for a tick with wakeAt while something is pending, and for nothing when idle', () => {
    const idle = createPinpadState()
    const a = step(idle, { type: 'bytes', now: 0, data: CHECK })
    // ACK + reply written; the reply awaits its ACK for 5 s.
    expect(writes(a.effects)[0]).toBe(ACK)
    expect(wake(a.effects)).toEqual({ type: 'wakeAt', at: 5000 })
    const b = step(a.state, { type: 'bytes', now: 100, data: Uint8Array.of(ACK) })
    expect(wake(b.effects)).toBeUndefined()
    const c = step(b.state, { type: 'tick', now: 60_000 })
    expect(c.effects).toEqual([])
  })

  it('a tick at the ACK deadline resends the identical frame', () => {
    const a = step(createPinpadState(), { type: 'bytes', now: 0, data: CHECK })
    const sent = writes(a.effects).slice(1)
    const b = step(a.state, { type: 'tick', now: 5000 })
    expect(writes(b.effects)).toEqual(sent)
  })

  it('is deterministic: the same seed and events give the same effects', () => {
    const run = (seed: number) => {
      let s = createPinpadState({ seed })
      const out: number[] = []
      for (const ev of [
        { type: 'bytes' as const, now: 0, data: SALE },
        { type: 'bytes' as const, now: 1, data: Uint8Array.of(ACK) },
        { type: 'bytes' as const, now: 2, data: Uint8Array.of(ACK) },
        { type: 'tick' as const, now: 3500 },
      ]) {
        const r = step(s, ev)
        s = r.state
        out.push(...writes(r.effects))
      }
      return out
    }
    expect(run(9)).toEqual(run(9))
    expect(run(9)).not.toEqual(run(10))
  })

  it('property: however the till chunks a request (within the 1 s rule), the pin-pad answers the same bytes', () => {
    const whole = writes(step(createPinpadState({ seed: 1 }), { type: 'bytes', now: 0, data: SALE }).effects)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SALE.length }), { minLength: 1, maxLength: 20 }), (cuts) => {
        let s = createPinpadState({ seed: 1 })
        const out: number[] = []
        let at = 0
        for (let i = 0; at < SALE.length; i++) {
          const n = cuts[i % cuts.length]!
          const r = step(s, { type: 'bytes', now: 0, data: SALE.subarray(at, at + n) })
          s = r.state
          out.push(...writes(r.effects))
          at += n
        }
        expect(out).toEqual(whole)
      }),
    )
  })
})

describe('rng', () => {
  it('is a pure function of its state', () => {
    expect(rngNext(7)).toEqual(rngNext(7))
    const [x, next] = rngNext(7)
    expect(x).toBeGreaterThanOrEqual(0)
    expect(x).toBeLessThan(1)
    expect(next).not.toBe(7)
  })

  it('draws RRNs, auth codes and QRC ids of the right shape; the QRC id makes a valid SBP link', () => {
    const cell = { rng: 123 }
    expect(drawRrn(cell)).toMatch(/^\d{12}$/)
    expect(drawAuthCode(cell)).toMatch(/^\d{6}$/)
    const qrcId = drawQrcId(cell)
    expect(qrcId).toMatch(/^[A-Z0-9]{32}$/)
    expect(qrcId).toContain('TEST')
    expect(parseSbpLink(formatSbpLink({ qrcId, type: '02', bank: '100000000004', sum: 12345 })).ok).toBe(true)
  })
})

describe('slips', () => {
  const base = {
    kind: 'sale' as const,
    method: 'sbp' as const,
    amount: 50_000,
    currency: 643,
    terminalDate: '20250115100003',
    tid: '99000001',
    merchantId: '990000000001',
    statusText: 'ОДОБРЕНО',
    hostCode: '00',
    authCode: '123456',
    rrn: '123456789012',
  }

  it('E11: customer, cashier and product records; 32 columns; CP1251 only', () => {
    const slip = moneySlip(base)
    expect(isCp1251(slip)).toBe(true)
    const records = parseReceipt(slip)
    expect(records.map((r) => r.tag)).toEqual(['DF', 'DA', 'DE'])
    expect(records[0]!.text).toContain('ОПЛАТА ПОКУПКИ')
    expect(records[0]!.text).toContain('ОПЛАТА СБП')
    expect(records[0]!.text).toContain('500.00')
    expect(records[0]!.text).toContain('15.01.2025')
    expect(records[2]!.text).toBe('СБП')
    for (const r of records.slice(0, 2)) for (const line of r.text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(32)
  })

  it('card and refund wording', () => {
    const card = parseReceipt(moneySlip({ ...base, method: 'card', pan: '************1234' }))
    expect(card[0]!.text).toContain('************1234')
    expect(card[0]!.text).not.toContain('СБП')
    expect(card[2]!.text).toBe('VISA Classic')
    expect(parseReceipt(moneySlip({ ...base, kind: 'refund' }))[0]!.text).toContain('ВОЗВРАТ СБП')
  })

  it('E20: the totals slip', () => {
    const slip = totalsSlip({
      title: 'СВЕРКА ИТОГОВ',
      terminalDate: '20250115100003',
      tid: '99000001',
      sales: { count: 2, sum: 300 },
      refunds: { count: 0, sum: 0 },
    })
    expect(isCp1251(slip)).toBe(true)
    expect(parseReceipt(slip)[0]!.text).toContain('СВЕРКА ИТОГОВ')
  })
})

describe('parseControl', () => {
  it('maps the bridge JSON {action, args} onto typed actions', () => {
    expect(parseControl({ action: 'nak', args: [2] })).toEqual({ ok: true, action: { action: 'nak', n: 2 } })
    expect(parseControl({ action: 'lose' })).toEqual({ ok: true, action: { action: 'lose' } })
    expect(parseControl({ action: 'split', args: [[1, 2]] })).toEqual({ ok: true, action: { action: 'split', sizes: [1, 2] } })
    expect(parseControl({ action: 'stray', args: [[6, 4, 21, 85]] })).toEqual({ ok: true, action: { action: 'stray', bytes: [6, 4, 21, 85] } })
    expect(parseControl({ action: 'eotAt', args: ['waiting'] })).toEqual({ ok: true, action: { action: 'eotAt', stage: 'waiting' } })
    expect(parseControl({ action: 'customer', args: { choice: 'switch', outcome: 'pay', afterMs: 10 } })).toEqual({
      ok: true,
      action: { action: 'customer', choice: 'switch', outcome: 'pay', afterMs: 10 },
    })
    expect(parseControl({ action: 'bank', args: { sameDayPartial: false, junk: 1 } })).toEqual({ ok: true, action: { action: 'bank', sameDayPartial: false } })
    expect(parseControl({ action: 'nextDay' })).toEqual({ ok: true, action: { action: 'clock.nextDay' } })
    expect(parseControl({ action: 'clock.advance', args: [1000] })).toEqual({ ok: true, action: { action: 'clock.advance', ms: 1000 } })
    expect(parseControl({ action: 'waitStorm', args: { everyMs: 5000, forMs: 150000 } })).toEqual({
      ok: true,
      action: { action: 'waitStorm', everyMs: 5000, forMs: 150000 },
    })
  })

  it('refuses what it cannot read', () => {
    for (const bad of [
      null,
      1,
      {},
      { action: 'eotAt', args: ['later'] },
      { action: 'customer', args: { outcome: 'maybe' } },
      { action: 'gapMs' },
      { action: 'x' },
    ]) {
      expect(parseControl(bad).ok).toBe(false)
    }
  })
})

describe('layering', () => {
  it('the core and the in-memory runner import nothing from node:* (only tcp.ts, main.ts and the Node end of the WebSocket bridge may)', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../sandbox/inpas')
    const codec = join(dirname(fileURLToPath(import.meta.url)), '../../workers/providers/inpas-sbp/codec')
    const files = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && f !== 'tcp.ts' && f !== 'main.ts' && f !== 'ws-bridge.ts')
        .map((f) => join(dir, f)),
      ...readdirSync(codec)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(codec, f)),
    ]
    expect(files.length).toBeGreaterThan(10)
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      expect(text, f).not.toMatch(/from ['"]node:|require\(|from ['"](fs|net|http|path)['"]|from ['"]\.\/(tcp|main)\.ts['"]/)
    }
  })
})
