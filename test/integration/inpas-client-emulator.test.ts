// The inpas-sbp client machines (link + operation, workers/providers/inpas-sbp/machine.ts) against the pin-pad
// emulator core (sandbox/inpas), in memory on one virtual clock: § 7 scenarios that concern the client's link
// and operation logic, with the emulator's own fault controls (§ 5.3).
import { describe, expect, it } from 'vitest'
import {
  createPinpadState,
  nextWake,
  step,
  type ControlAction,
  type CreateStateOptions,
  type JournalEntry,
  type PinpadState,
} from '../../sandbox/inpas/index.ts'
import { clientStep, createClient, type ClientEffect, type ClientState, type ClientTimer } from '../../workers/providers/inpas-sbp/machine.ts'
import { INPAS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'
import { createSession, sessionConfig, type InpasRequest, type SessionConfig, type SessionOutcome } from '../../workers/providers/inpas-sbp/session.ts'

const TID = '99000001'
const CONFIG = sessionConfig({ terminalId: TID, sbpProfile: 'custom', qrSBP: true, transport: 'sandbox', mirrorQr: true })
/** The emulator's calendar start (DEFAULT_CALENDAR_START) as terminal-local `YYYYMMDDhhmmss`. */
const SENT_AT = '20250115100000'

class Bench {
  now = 0
  pad: PinpadState
  padWake: number | null = null
  client!: ClientState
  timers = new Map<ClientTimer, number>()
  effects: ClientEffect[] = []
  queue: Array<{ to: 'pad' | 'client'; bytes: Uint8Array } | { to: 'committed' }> = []
  journal: readonly JournalEntry[] = []

  constructor(options: CreateStateOptions = {}) {
    this.pad = createPinpadState({ seed: 7, ...options })
  }

  padEvent(e: Parameters<typeof step>[1]): void {
    const r = step(this.pad, e)
    this.pad = r.state
    this.padWake = nextWake(this.pad)
    for (const f of r.effects) {
      if (f.type === 'write') this.queue.push({ to: 'client', bytes: f.bytes })
      else if (f.type === 'notice' && f.notice.kind === 'journal') this.journal = f.notice.journal
    }
  }

  clientEvent(e: Parameters<typeof clientStep>[1]): void {
    const r = clientStep(this.client, e)
    this.client = r.state
    for (const f of r.effects) {
      if (f.type === 'write') this.queue.push({ to: 'pad', bytes: f.bytes })
      else if (f.type === 'setTimer') this.timers.set(f.name, this.now + f.ms)
      else if (f.type === 'cancelTimer') this.timers.delete(f.name)
      else if (f.type === 'commit') this.queue.push({ to: 'committed' })
    }
    this.effects.push(...r.effects)
  }

  control(action: ControlAction): this {
    this.padEvent({ type: 'control', now: this.now, action })
    this.flush()
    return this
  }

  flush(): void {
    while (this.queue.length) {
      const item = this.queue.shift()!
      if (item.to === 'pad') this.padEvent({ type: 'bytes', now: this.now, data: item.bytes })
      else if (item.to === 'client') this.clientEvent({ type: 'bytes', bytes: item.bytes })
      else this.clientEvent({ type: 'committed' })
    }
  }

  /** Run one operation to its final outcome (or until `limitMs` of virtual time). */
  run(config: SessionConfig, request: InpasRequest, limitMs = 600_000): SessionOutcome | undefined {
    this.client = createClient(createSession(config, request))
    this.effects = []
    this.timers.clear()
    this.clientEvent({ type: 'start' })
    const end = this.now + limitMs
    for (;;) {
      this.flush()
      const o = this.finalOutcome()
      if (o) return o
      let next = this.padWake ?? Infinity
      for (const t of this.timers.values()) next = Math.min(next, t)
      if (next === Infinity || next > end) return undefined
      this.now = Math.max(this.now, next)
      if (this.padWake !== null && this.padWake <= this.now) this.padEvent({ type: 'tick', now: this.now })
      for (const [name, at] of [...this.timers]) {
        if (at <= this.now && this.timers.get(name) === at) {
          this.timers.delete(name)
          this.clientEvent({ type: 'timer', name })
          this.flush()
        }
      }
    }
  }

  finalOutcome(): SessionOutcome | undefined {
    for (const e of this.effects) if (e.type === 'outcome' && e.outcome.kind !== 'unknown') return e.outcome
    return undefined
  }
  outcomes(): SessionOutcome[] {
    return this.effects.flatMap((e) => (e.type === 'outcome' ? [e.outcome] : []))
  }
  readJournal(): readonly JournalEntry[] {
    this.control({ action: 'journal' })
    return this.journal
  }
  moneySent(): number {
    return this.effects.filter((e) => e.type === 'sent' && e.kind === 'money').length
  }
}

let ecr = 100
const pay = (method: 'card' | 'sbp', amount = 12345): InpasRequest => ({ kind: 'pay', method, amount, ecrNo: ++ecr, sentAt: SENT_AT })

describe('inpas-sbp client against the pin-pad emulator', () => {
  it('§ 7.15/§ 7.24: SBP pay → QR mirrored, approved, method sbp, slip; the emulator journal holds one sale', () => {
    const b = new Bench()
    const o = b.run(CONFIG, pay('sbp'))
    expect(o).toMatchObject({ kind: 'approved', via: 'result', ref: { method: 'sbp', switched: false, terminalId: TID } })
    expect(o?.kind === 'approved' && o.slip?.customer).toBeTruthy()
    const qr = b.effects.find((e) => e.type === 'showQr')
    expect(qr?.type === 'showQr' && qr.link).toMatch(/^https:\/\/qr\.nspk\.ru\/.*sum=12345&cur=RUB&crc=[0-9A-F]{4}$/)
    expect(b.readJournal()).toHaveLength(1)
  })

  it('§ 7.16/§ 7.17: card pay → card; the customer presses 1 → sbp, switched', () => {
    const b = new Bench()
    expect(b.control({ action: 'customer', choice: 'card', outcome: 'pay' }).run(CONFIG, pay('card'))).toMatchObject({
      kind: 'approved',
      ref: { method: 'card' },
    })
    expect(b.control({ action: 'customer', choice: 'switch', outcome: 'pay' }).run(CONFIG, pay('card'))).toMatchObject({
      kind: 'approved',
      ref: { method: 'sbp', switched: true },
    })
  })

  it("§ 7.20/§ 7.21: the bank declines → declined; nobody pays → 53 → aborted (before the till's deadline)", () => {
    const b = new Bench()
    expect(b.control({ action: 'bank', declineNext: true }).run(CONFIG, pay('sbp'))).toMatchObject({ kind: 'declined', via: 'result' })
    const o = b.control({ action: 'customer', choice: 'qr', outcome: 'ignore' }).run(CONFIG, pay('sbp'))
    expect(o).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.resultAborted }, via: 'result' })
    expect(b.outcomes().some((x) => x.kind === 'unknown')).toBe(false)
  })

  it('§ 7.22: a wait storm then approval → approved, and the till sent no EOT', () => {
    const b = new Bench()
    const o = b.control({ action: 'waitStorm', everyMs: 5000, forMs: 150_000 }).run(CONFIG, pay('sbp'))
    expect(o).toMatchObject({ kind: 'approved' })
    expect(b.effects.some((e) => e.type === 'write' && e.bytes.length === 1 && e.bytes[0] === 0x04)).toBe(false)
  })

  it('§ 7.25/§ 7.26: nak(1) → resent once and approved; nak(4) → declined inpas.link.error', () => {
    const b = new Bench()
    expect(b.control({ action: 'nak', n: 1 }).run(CONFIG, pay('sbp'))).toMatchObject({ kind: 'approved' })
    expect(b.control({ action: 'nak', n: 4 }).run(CONFIG, pay('sbp'))).toMatchObject({ kind: 'declined', notSent: true, message: { key: INPAS_MSG.linkError } })
  })

  it('§ 7.27: dropAck(1) → op 21 stands for the ACK, one sale; lose(1) → unknown, status "no such operation" → declined', () => {
    const b = new Bench()
    expect(b.control({ action: 'dropAck', n: 1 }).run(CONFIG, pay('sbp'))).toMatchObject({ kind: 'approved' })
    expect(b.moneySent()).toBe(1)
    expect(b.readJournal()).toHaveLength(1)
    const o = b.control({ action: 'lose', n: 1 }).run(CONFIG, pay('sbp'))
    expect(b.outcomes()[0]).toMatchObject({ kind: 'unknown', reason: 'no-ack' })
    expect(o).toMatchObject({ kind: 'declined', via: 'status' })
    expect(b.readJournal()).toHaveLength(1)
  })

  it('§ 7.28–§ 7.32: corrupt, duplicated, split, stray and gapped results are processed once', () => {
    const controls: ControlAction[] = [
      { action: 'corruptNext' },
      { action: 'dupNext' },
      { action: 'split', sizes: [1] },
      { action: 'stray', bytes: [0x06, 0x15, 0x55] },
      { action: 'gapMs', ms: 1500 },
    ]
    for (const c of controls) {
      const b = new Bench()
      const o = b.control(c).run(CONFIG, pay('sbp'))
      expect(o, c.action).toMatchObject({ kind: 'approved' })
      expect(
        b.outcomes().filter((x) => x.kind !== 'unknown'),
        c.action,
      ).toHaveLength(1)
      expect(b.moneySent(), c.action).toBe(1)
    }
  })

  it('§ 7.36/§ 7.37: loseResult → per-message timer, unknown, status → approved (paid) or declined (not paid); no second charge', () => {
    const b = new Bench()
    const o = b.control({ action: 'loseResult' }).run(CONFIG, pay('sbp'))
    expect(b.outcomes()[0]).toMatchObject({ kind: 'unknown', reason: 'message-timeout' })
    expect(o).toMatchObject({ kind: 'approved', via: 'status' })
    expect(b.moneySent()).toBe(1)
    const c = new Bench()
    const d = c.control({ action: 'customer', choice: 'qr', outcome: 'decline' }).control({ action: 'loseResult' }).run(CONFIG, pay('sbp'))
    expect(d).toMatchObject({ kind: 'declined' })
  })

  it('§ 7.38: sbpStatusOp = 0 and a lost result → the receipt copy decides', () => {
    const b = new Bench()
    const o = b
      .control({ action: 'customer', choice: 'card', outcome: 'pay' })
      .control({ action: 'loseResult' })
      .run({ ...CONFIG, sbpStatusOp: 0 }, pay('card'))
    expect(o).toMatchObject({ kind: 'approved', via: 'receipt-copy' })
  })

  it('§ 7.35: eotAt(request) → declined inpas.link.refused; eotAt(waiting) → unknown → resolved by status', () => {
    const b = new Bench()
    expect(b.control({ action: 'eotAt', stage: 'request' }).run(CONFIG, pay('sbp'))).toMatchObject({
      kind: 'declined',
      message: { key: INPAS_MSG.linkRefused },
    })
    const o = b.control({ action: 'eotAt', stage: 'waiting' }).run(CONFIG, pay('sbp'))
    expect(b.outcomes()[0]).toMatchObject({ kind: 'unknown', reason: 'eot' })
    expect(o).toMatchObject({ kind: 'declined', via: 'status' })
  })

  it('§ 7.53: host relay via the till → refused, final 34 → declined, admin notice', () => {
    const b = new Bench()
    const o = b.control({ action: 'hostLink', mode: 'via-ecr' }).run(CONFIG, pay('sbp'))
    expect(o).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.resultNoConnection } })
    expect(b.effects).toContainEqual({ type: 'notice', message: { key: INPAS_MSG.adminHostRelay } })
  })

  it('§ 7.43: a same-day full SBP refund of an approved payment → approved', () => {
    const b = new Bench()
    const p = b.run(CONFIG, pay('sbp', 50000))
    expect(p?.kind).toBe('approved')
    if (p?.kind !== 'approved') return
    const fields: Record<number, string> = {}
    if (p.ref.rrn) fields[14] = p.ref.rrn
    if (p.ref.authCode) fields[13] = p.ref.authCode
    const r: InpasRequest = {
      kind: 'refund',
      amount: 50000,
      ecrNo: ++ecr,
      sentAt: SENT_AT,
      original: { approved: true, method: 'sbp', switched: false, amount: 50000, refunded: 0, sameDay: true, fields },
    }
    expect(b.run(CONFIG, r)).toMatchObject({ kind: 'approved' })
    expect(b.readJournal().map((j) => j.kind)).toEqual(['sale', 'refund'])
  })
})
