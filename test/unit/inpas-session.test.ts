// § 6.2–§ 6.6 (and § 2.10, § 3.2–§ 3.4): the inpas-sbp operation machine, alone and wired to the link layer.
// Messages are built with the codec; timers are events, run by a small virtual clock in `Sim`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACK,
  EOT,
  NAK,
  buildMessage,
  encodeSohFrames,
  encodeStxFrame,
  formatReceipt,
  formatSbpLink,
  parseMessage,
  type SaFieldsInput,
} from '../../workers/providers/inpas-sbp/codec/index.ts'
import { clientStep, createClient, type ClientEffect, type ClientState, type ClientTimer } from '../../workers/providers/inpas-sbp/machine.ts'
import { INPAS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'
import { INPAS_RU } from '../../workers/providers/inpas-sbp/messages.ru.ts'
import { INPAS_UZ } from '../../workers/providers/inpas-sbp/messages.uz.ts'
import { INPAS_EN } from '../../workers/providers/inpas-sbp/messages.en.ts'
import {
  RESOLVE_ATTEMPTS_MAX,
  RESOLVE_BACKOFF_MS,
  createSession,
  matchSlip,
  sessionConfig,
  transition,
  type InpasRequest,
  type OriginalPayment,
  type SessionConfig,
  type SessionEffect,
  type SessionEvent,
  type SessionOutcome,
  type SessionState,
  otherOperation,
} from '../../workers/providers/inpas-sbp/session.ts'

const TID = '99000001'
const SENT_AT = '20250115100000'
/** § 7 defaults: custom profile (PDK-SBP/1) on the sandbox, qrSBP on, timeout 180. */
const CUSTOM = sessionConfig({ terminalId: TID, sbpProfile: 'custom', qrSBP: true, transport: 'sandbox' })
const SWITCH = sessionConfig({ terminalId: TID, sbpProfile: 'switch', qrSBP: true })

const paySbp = (amount = 12345, ecrNo = 7): InpasRequest => ({ kind: 'pay', method: 'sbp', amount, ecrNo, sentAt: SENT_AT })
const payCard = (amount = 12345, ecrNo = 7): InpasRequest => ({ kind: 'pay', method: 'card', amount, ecrNo, sentAt: SENT_AT })
const ORIGINAL: OriginalPayment = {
  approved: true,
  method: 'sbp',
  switched: false,
  amount: 50000,
  refunded: 0,
  sameDay: true,
  fields: { 13: 'AB12CD', 14: '500000000001', 26: '7' },
}
const refund = (amount: number, original: Partial<OriginalPayment> = {}): InpasRequest => ({
  kind: 'refund',
  amount,
  ecrNo: 8,
  sentAt: SENT_AT,
  original: { ...ORIGINAL, ...original },
})

function data(fields: SaFieldsInput, extra: Array<readonly [number, string]> = []): Uint8Array {
  const r = buildMessage(fields, { extra })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}
function frames(d: Uint8Array): Uint8Array[] {
  if (d.length <= 507) {
    const r = encodeStxFrame(d)
    if (!r.ok) throw new Error('too long')
    return [r.value]
  }
  const r = encodeSohFrames(d)
  if (!r.ok) throw new Error('too long')
  return r.value
}
const message = (fields: SaFieldsInput, extra: Array<readonly [number, string]> = []): SessionEvent => {
  const d = data(fields, extra)
  return { type: 'message', data: d, message: parseMessage(d) }
}

const SLIP = formatReceipt([
  {
    tag: 'DF',
    text: 'ЧЕК КЛИЕНТА\r\nОПЛАТА ПОКУПКИ\r\n15.01.2025        10:00:30\r\nСУММА (RUB):              123.45\r\nОДОБРЕНО\r\nКОД АВТОРИЗАЦИИ:    A1B2C3\r\n№ ССЫЛКИ:     000000000042\r\n',
  },
  { tag: 'DA', text: 'ЧЕК КАССИРА\r\n' },
])
const approvedResult = (extra: SaFieldsInput = {}, tags: Array<readonly [number, string]> = [[200, 'SBP']]) =>
  message(
    {
      operationCode: 1,
      amount: 12345,
      currencyCode: 643,
      status: 1,
      responseCodeHost: '00',
      textResponse: 'ОДОБРЕНО',
      referenceNumber: '000000000042',
      authorizationCode: 'A1B2C3',
      terminalId: TID,
      terminalTrxId: 7,
      receiptData: SLIP,
      ...extra,
    },
    tags,
  )
const WAIT = message({ operationCode: 21 })

/** Drive the session with events; collect effects. */
function drive(config: SessionConfig, request: InpasRequest, events: SessionEvent[]): { state: SessionState; effects: SessionEffect[] } {
  let state = createSession(config, request)
  const effects: SessionEffect[] = []
  for (const e of [{ type: 'start' } as SessionEvent, ...events]) {
    const r = transition(state, e)
    state = r.state
    effects.push(...r.effects)
  }
  return { state, effects }
}
const started = (config: SessionConfig, request: InpasRequest, events: SessionEvent[] = []) =>
  drive(config, request, [{ type: 'committed' }, { type: 'acked' }, ...events])

type AnyEffect = SessionEffect | ClientEffect
const outcomes = (fx: readonly AnyEffect[]): SessionOutcome[] => fx.flatMap((e) => (e.type === 'outcome' ? [e.outcome] : []))
const final = (fx: readonly AnyEffect[]) => outcomes(fx).filter((o) => o.kind !== 'unknown')
const sends = (fx: SessionEffect[]) => fx.flatMap((e) => (e.type === 'send' ? [e] : []))
const prompts = (fx: readonly AnyEffect[]) => fx.flatMap((e) => (e.type === 'showPrompt' ? [e.message.key] : []))
const fieldMap = (f: ReadonlyArray<readonly [number, string]>) => Object.fromEntries(f)

describe('§ 3.2/§ 6.3: requests and local validation', () => {
  it('§ 7.15: an SBP pay journals first, then sends {0, 4, 25, 26, 27, 200:"SBP"} with both timers', () => {
    const a = drive(CUSTOM, paySbp(), [])
    expect(sends(a.effects)).toEqual([])
    const commit = a.effects.find((e) => e.type === 'commit')
    expect(commit?.type === 'commit' && fieldMap(commit.fields)).toEqual({ 0: '12345', 4: '643', 25: '1', 26: '7', 27: TID, 200: 'SBP' })
    const b = drive(CUSTOM, paySbp(), [{ type: 'committed' }])
    const sent = sends(b.effects)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.kind).toBe('money')
    expect(parseMessage(sent[0]!.data).ok && fieldMap(sent[0]!.fields)).toEqual({ 0: '12345', 4: '643', 25: '1', 26: '7', 27: TID, 200: 'SBP' })
    expect(b.effects).toContainEqual({ type: 'setTimer', name: 'op.message', ms: 45_000 })
    expect(b.effects).toContainEqual({ type: 'setTimer', name: 'op.deadline', ms: 180_000 })
    expect(prompts(b.effects)).toEqual([INPAS_MSG.waitQr])
  })

  it('a card pay in the custom profile asks for CARD and shows the key-1 hint', () => {
    const { effects } = drive(CUSTOM, payCard(), [{ type: 'committed' }])
    expect(fieldMap(sends(effects)[0]!.fields)[200]).toBe('CARD')
    expect(prompts(effects)).toEqual([INPAS_MSG.waitCard])
  })

  it('§ 7.18: the switch profile sends a plain op-1 frame without tag 200 and shows inpas.wait.switch', () => {
    const { effects } = drive(SWITCH, paySbp(), [{ type: 'committed' }])
    expect(fieldMap(sends(effects)[0]!.fields)).toEqual({ 0: '12345', 4: '643', 25: '1', 26: '7', 27: TID })
    expect(prompts(effects)).toEqual([INPAS_MSG.waitSwitch])
  })

  it.each([0, -1, 1.5, 1_000_000_000_000, Number.NaN])('§ 7.23: amount %s is refused locally; nothing journaled or sent', (amount) => {
    const { effects, state } = drive(CUSTOM, paySbp(amount), [{ type: 'committed' }])
    expect(effects).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.amountInvalid } }])
    expect(state.phase).toBe('done')
  })

  it('§ 7.6: with qrSBP off an SBP pay is refused with inpas.qr.disabled', () => {
    const { effects } = drive({ ...CUSTOM, qrSBP: false }, paySbp(), [])
    expect(effects).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.qrDisabled } }])
  })

  it('§ 7.19: custom profile with the default codes on a real port refuses SBP (codesUnconfirmed); edited codes or sandbox pass', () => {
    expect(drive({ ...CUSTOM, transport: 'webserial' }, paySbp(), []).effects).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.adminCodesUnconfirmed } }])
    expect(drive({ ...CUSTOM, transport: 'webserial', sbpPayOp: 210 }, paySbp(), []).effects[0]!.type).toBe('commit')
    expect(drive({ ...CUSTOM, transport: 'webserial' }, payCard(), []).effects[0]!.type).toBe('commit')
  })

  it('§ 7.43: an SBP refund sends sbpRefundOp with 14/13 of the original and no card prompt the same day', () => {
    const { effects } = drive(CUSTOM, refund(50000), [{ type: 'committed' }])
    expect(fieldMap(sends(effects)[0]!.fields)).toEqual({ 0: '50000', 4: '643', 13: 'AB12CD', 14: '500000000001', 25: '29', 26: '8', 27: TID, 200: 'SBP' })
    expect(prompts(effects)).toEqual([INPAS_MSG.waitTerminal])
  })

  it('§ 7.46: a later-day SBP refund shows inpas.refund.tapCard before sending', () => {
    const { effects } = drive(CUSTOM, refund(50000, { sameDay: false }), [{ type: 'committed' }])
    const iPrompt = effects.findIndex((e) => e.type === 'showPrompt')
    const iSend = effects.findIndex((e) => e.type === 'send')
    expect(prompts(effects)).toEqual([INPAS_MSG.refundTapCard])
    expect(iPrompt).toBeLessThan(iSend)
  })

  it('§ 7.44/§ 7.48/§ 7.45/§ 7.47: refund rules refuse locally, nothing journaled', () => {
    const refused = (r: InpasRequest, c: SessionConfig = CUSTOM) => drive(c, r, []).effects
    expect(refused(refund(30001, { refunded: 20000 }))).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.refundExceeds, params: { rest: '300.00' } } }])
    expect(refused(refund(100, { approved: false }))).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.refundNotRefundable } }])
    expect(refused(refund(20000), { ...CUSTOM, sameDayPartialRefund: 'block' })).toEqual([{ type: 'refuse', message: { key: INPAS_MSG.refundPartialSameDay } }])
    expect(refused(refund(50000), { ...CUSTOM, sameDayPartialRefund: 'block' })[0]!.type).toBe('commit') // full refund is fine
    expect(refused(refund(20000, { sameDay: false }), { ...CUSTOM, sameDayPartialRefund: 'block' })[0]!.type).toBe('commit')
    expect(refused(refund(50000, { switched: true }), { ...CUSTOM, switchedRefund: 'cash' })).toEqual([
      { type: 'refuse', message: { key: INPAS_MSG.refundSwitched } },
    ])
  })
})

describe('§ 6.5: final result → outcome', () => {
  it('§ 7.15: 39 = 1 with 200:"SBP" → approved, method sbp, RRN/auth/TID, customer slip; no EOT after it', () => {
    const { effects, state } = started(CUSTOM, paySbp(), [WAIT, approvedResult()])
    const [o] = final(effects)
    expect(o?.kind).toBe('approved')
    if (o?.kind !== 'approved') return
    expect(o.ref).toMatchObject({ ecrNo: 7, rrn: '000000000042', authCode: 'A1B2C3', terminalId: TID, method: 'sbp', switched: false, offline: false })
    expect(o.slip?.customer).toContain('ОПЛАТА ПОКУПКИ')
    expect(o.slip?.cashier).toContain('ЧЕК КАССИРА')
    expect(o.review).toEqual([])
    expect(effects.some((e) => e.type === 'eot')).toBe(false)
    expect(state.phase).toBe('done')
    for (const name of ['op.message', 'op.deadline', 'op.retry'] as const) expect(effects).toContainEqual({ type: 'cancelTimer', name })
  })

  it('§ 7.16: a card result with a masked PAN → approved, method card', () => {
    const { effects } = started(CUSTOM, payCard(), [approvedResult({ pan: '************6639' }, [])])
    expect(final(effects)[0]).toMatchObject({ kind: 'approved', ref: { method: 'card', switched: false } })
  })

  it('§ 7.17: a card request that the customer paid by QR (key 1) → method sbp, switched', () => {
    const { effects } = started(CUSTOM, payCard(), [approvedResult({}, [[200, 'SBP']])])
    expect(final(effects)[0]).toMatchObject({ kind: 'approved', ref: { method: 'sbp', switched: true } })
  })

  it('the switch profile: SBP via key 1 on a plain op-1 request is journaled as switched (B9)', () => {
    const { effects } = started(SWITCH, paySbp(), [approvedResult({}, [])])
    expect(final(effects)[0]).toMatchObject({ kind: 'approved', ref: { method: 'sbp', switched: true } })
  })

  it('39 = 17 (offline) → approved, marked offline', () => {
    const { effects } = started(CUSTOM, paySbp(), [approvedResult({ status: 17 })])
    expect(final(effects)[0]).toMatchObject({ kind: 'approved', ref: { offline: true } })
  })

  it('§ 7.20: 39 = 16 → declined with field 19 shown and the host code in the code', () => {
    const { effects } = started(CUSTOM, paySbp(), [approvedResult({ status: 16, responseCodeHost: '05', textResponse: 'ОТКАЗАНО^X.JPG~' })])
    expect(final(effects)).toEqual([
      {
        kind: 'declined',
        code: '16/05',
        message: { key: INPAS_MSG.resultDeclined, params: { text: 'ОТКАЗАНО' }, server: 'ОТКАЗАНО' },
        notSent: false,
        via: 'result',
        review: [],
      },
    ])
  })

  it('§ 7.21: 39 = 53 → declined inpas.result.aborted; 39 = 34 → inpas.result.noConnection', () => {
    const a = started(CUSTOM, paySbp(), [approvedResult({ status: 53, responseCodeHost: 'ER3', textResponse: 'ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~' })])
    expect(final(a.effects)[0]).toMatchObject({ kind: 'declined', code: '53/ER3', message: { key: INPAS_MSG.resultAborted, server: 'ОПЕРАЦИЯ ПРЕРВАНА' } })
    const b = started(CUSTOM, paySbp(), [approvedResult({ status: 34 })])
    expect(final(b.effects)[0]).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.resultNoConnection } })
  })

  it.each([
    ['0', { status: 0 }],
    ['absent', { status: undefined }],
  ])('39 %s → unknown, then resolution (no EOT: it was a result)', (_n, extra) => {
    const { effects } = started(CUSTOM, paySbp(), [approvedResult(extra as SaFieldsInput)])
    expect(outcomes(effects)).toEqual([{ kind: 'unknown', reason: 'no-status', message: { key: INPAS_MSG.resultUnknown } }])
    expect(effects.some((e) => e.type === 'eot')).toBe(false)
    expect(effects).toContainEqual({ type: 'setTimer', name: 'op.retry', ms: RESOLVE_BACKOFF_MS[0] })
  })

  it('§ 7.33: a malformed reply → unknown, logged as hex', () => {
    const d = Uint8Array.of(0x19, 0x01, 0x00, 0x31, 0x27, 0x09, 0x00, 0x31)
    const { effects } = started(CUSTOM, paySbp(), [{ type: 'message', data: d, message: parseMessage(d) }])
    expect(outcomes(effects)[0]).toMatchObject({ kind: 'unknown', reason: 'malformed' })
    expect(effects).toContainEqual(expect.objectContaining({ type: 'log', hex: '1901003127090031' }))
  })

  it('§ 6.5: field 27 ≠ id → outcome as usual plus inpas.tid.mismatch; amounts compare numerically', () => {
    const { effects } = started(CUSTOM, paySbp(1000), [approvedResult({ terminalId: '12345678', amount: 1000 }, [[200, 'SBP']])])
    expect(effects).toContainEqual({ type: 'notice', message: { key: INPAS_MSG.tidMismatch, params: { got: '12345678', want: TID } } })
    expect(final(effects)[0]).toMatchObject({ kind: 'approved', review: ['terminal-id'] })
    const padded = data({ operationCode: 1, status: 1, terminalId: TID }, [[0, '00001000']])
    const b = started(CUSTOM, paySbp(1000), [{ type: 'message', data: padded, message: parseMessage(padded) }])
    expect(final(b.effects)[0]).toMatchObject({ kind: 'approved', review: [] })
    const c = started(CUSTOM, paySbp(1000), [approvedResult({ amount: 999 })])
    expect(final(c.effects)[0]).toMatchObject({ kind: 'approved', review: ['amount'] })
  })

  it('§ 7.45/§ 7.47: the terminal declining a same-day partial or a switched refund gives the same advice', () => {
    const decline = message({ operationCode: 29, status: 16, textResponse: 'ОТКАЗАНО' })
    const a = started(CUSTOM, refund(20000), [decline])
    expect(final(a.effects)[0]).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.refundPartialSameDay } })
    const b = started(CUSTOM, refund(50000, { switched: true }), [decline])
    expect(final(b.effects)[0]).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.refundSwitched } })
  })

  it('messages after the outcome are ignored: one outcome per operation', () => {
    const { effects } = started(CUSTOM, paySbp(), [
      approvedResult(),
      approvedResult({ status: 16 }),
      { type: 'timer', name: 'op.deadline' },
      { type: 'linkError', reason: 'eot' },
    ])
    expect(outcomes(effects)).toHaveLength(1)
  })
})

describe('§ 2.10/§ 3.3/§ 3.4: intermediate messages', () => {
  it('every frame (the op-21 wait included) restarts the per-message timer', () => {
    const { effects } = started(CUSTOM, paySbp(), [{ type: 'heard' }, WAIT, { type: 'heard' }, WAIT])
    expect(effects.filter((e) => e.type === 'setTimer' && e.name === 'op.message')).toHaveLength(3)
    expect(outcomes(effects)).toEqual([])
  })

  const link = formatSbpLink({ qrcId: 'AD1000TESTEMU0000000000000000001', type: '02', bank: '100000000004', sum: 12345 })
  const notify = (l: string) => message({ operationCode: 201, cardWaitTimeout: 110, receiptData: formatReceipt([{ tag: 'DF', text: l }]) })
  const MIRROR = { ...CUSTOM, mirrorQr: true }

  it('§ 7.24: with mirrorQr a valid op-201 link for this amount is shown as a QR', () => {
    const { effects } = started(MIRROR, paySbp(), [notify(link)])
    expect(effects).toContainEqual({ type: 'showQr', link })
    expect(outcomes(effects)).toEqual([])
  })

  it('§ 7.24: a wrong crc, a different sum or a static link is not shown, and is logged', () => {
    const wrongCrc = link.replace(/crc=....$/, 'crc=0000')
    const otherSum = formatSbpLink({ qrcId: 'AD1000TESTEMU0000000000000000001', type: '02', bank: '100000000004', sum: 12346 })
    const editedSum = link.replace('sum=12345', 'sum=12346')
    const stat = formatSbpLink({ qrcId: 'AS1000TESTEMU0000000000000000001', type: '01', bank: '100000000004' })
    for (const l of [wrongCrc, otherSum, editedSum, stat]) {
      const { effects } = started(MIRROR, paySbp(), [notify(l)])
      expect(effects.some((e) => e.type === 'showQr')).toBe(false)
      expect(effects.some((e) => e.type === 'log' && e.level === 'warn' && e.text.startsWith('QR notify not shown'))).toBe(true)
    }
  })

  it('without mirrorQr the link is not shown', () => {
    const { effects } = started(CUSTOM, paySbp(), [notify(link)])
    expect(effects.some((e) => e.type === 'showQr')).toBe(false)
  })

  it('a QR notify during a card payment (the customer pressed 1) switches the hint to inpas.wait.qr', () => {
    const { effects } = started(CUSTOM, payCard(), [notify(link)])
    expect(prompts(effects)).toEqual([INPAS_MSG.waitCard, INPAS_MSG.waitQr])
  })

  it('§ 7.49: during a refund a QR notify (key 1) changes nothing', () => {
    const { effects, state } = started(MIRROR, refund(50000), [notify(link)])
    expect(effects.some((e) => e.type === 'showQr')).toBe(false)
    expect(prompts(effects)).toEqual([INPAS_MSG.waitTerminal])
    expect(state.phase).toBe('waiting')
  })

  it("op 52 shows the terminal's cashier text as received", () => {
    const { effects } = started(CUSTOM, payCard(), [message({ operationCode: 52, cashierRequest: 'ВСТАВЬТЕ^КАРТУ' })])
    expect(effects).toContainEqual({ type: 'showPrompt', message: { key: INPAS_MSG.waitTerminal, server: 'ВСТАВЬТЕ КАРТУ' } })
  })

  it('§ 7.53: host relay is refused at once (67 = 1), the admin is told once, field 70 never logged; the 34 final declines', () => {
    const open = message({ operationCode: 63, commandMode: 1, commandMode2: 16, fileData: new TextEncoder().encode('127.0.0.1;15444;') })
    const dataReq = message({ operationCode: 63, commandMode: 0, commandMode2: 17, fileData: Uint8Array.of(0x16, 0x03, 0x01, 0xaa) })
    const close = message({ operationCode: 63, commandMode: 0, commandMode2: 16 })
    const { effects } = started(CUSTOM, paySbp(), [open, dataReq, close, approvedResult({ status: 34, textResponse: 'НЕТ СОЕДИНЕНИЯ' })])
    const replies = sends(effects)
      .filter((s) => s.kind === 'reply')
      .map((s) => fieldMap(s.fields))
    expect(replies).toEqual([
      { 25: '63', 65: '16', 67: '1' },
      { 25: '63', 65: '17', 67: '1' },
      { 25: '63', 65: '16', 67: '0' },
    ])
    expect(effects.filter((e) => e.type === 'notice')).toEqual([{ type: 'notice', message: { key: INPAS_MSG.adminHostRelay } }])
    const logs = effects.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.text : ''))
    expect(logs.join('\n')).toContain('127.0.0.1;15444;')
    expect(logs.join('\n')).not.toMatch(/16 ?03 ?01/)
    expect(logs.join('\n')).not.toContain(String.fromCharCode(0x16))
    expect(final(effects)[0]).toMatchObject({ kind: 'declined', message: { key: INPAS_MSG.resultNoConnection } })
  })
})

describe('§ 6.1/§ 6.2/§ 6.6: link errors, timers, cancel, unplug', () => {
  it('§ 7.26: NAK ×4 → declined inpas.link.error, not sent (no resolution)', () => {
    const { effects } = drive(CUSTOM, paySbp(), [{ type: 'committed' }, { type: 'linkError', reason: 'nak-limit' }])
    expect(outcomes(effects)).toEqual([{ kind: 'declined', code: 'link', message: { key: INPAS_MSG.linkError }, notSent: true, via: 'link', review: [] }])
  })

  it('§ 7.35: EOT before the ACK → declined inpas.link.refused', () => {
    const { effects } = drive(CUSTOM, paySbp(), [{ type: 'committed' }, { type: 'linkError', reason: 'refused' }])
    expect(outcomes(effects)).toMatchObject([{ kind: 'declined', message: { key: INPAS_MSG.linkRefused }, notSent: true }])
  })

  it.each(['no-ack', 'eot', 'bad-frames'] as const)('link error %s during the exchange → unknown (never declined)', (reason) => {
    const { effects } = started(CUSTOM, paySbp(), [{ type: 'linkError', reason }])
    expect(outcomes(effects)).toEqual([{ kind: 'unknown', reason, message: { key: INPAS_MSG.resultUnknown } }])
    expect(prompts(effects).at(-1)).toBe(INPAS_MSG.resultUnknown)
  })

  it.each([
    ['op.message', 'message-timeout'],
    ['op.deadline', 'deadline'],
  ] as const)('§ 6.2: timer %s → EOT → unknown (%s)', (name, reason) => {
    const { effects } = started(CUSTOM, paySbp(), [{ type: 'timer', name }])
    const iEot = effects.findIndex((e) => e.type === 'eot')
    const iOutcome = effects.findIndex((e) => e.type === 'outcome')
    expect(iEot).toBeGreaterThanOrEqual(0)
    expect(iEot).toBeLessThan(iOutcome)
    expect(outcomes(effects)).toMatchObject([{ kind: 'unknown', reason }])
  })

  it("§ 6.6: the cashier's cancel while waiting sends EOT and goes unknown — never straight to declined", () => {
    const { effects } = started(CUSTOM, paySbp(), [{ type: 'cancel' }])
    expect(effects.some((e) => e.type === 'eot')).toBe(true)
    expect(outcomes(effects)).toMatchObject([{ kind: 'unknown', reason: 'cancelled' }])
  })

  it('§ 7.41: unplugged before the request was written → declined "not sent", no bytes', () => {
    const { effects } = drive(CUSTOM, paySbp(), [{ type: 'disconnected' }, { type: 'committed' }])
    expect(sends(effects)).toEqual([])
    expect(outcomes(effects)).toMatchObject([{ kind: 'declined', notSent: true, message: { key: INPAS_MSG.resultNotSent } }])
    expect(prompts(effects)).toContain(INPAS_MSG.portDisconnected)
  })

  it('§ 7.40: unplugged after the write → unknown, inpas.port.disconnected shown; after reconnect check-link, status → approved', () => {
    const statusOk = message(
      {
        operationCode: 200,
        terminalTrxId: 7,
        origOperation: 1,
        status: 1,
        amount: 12345,
        referenceNumber: '000000000042',
        authorizationCode: 'A1B2C3',
        terminalId: TID,
      },
      [[200, 'SBP']],
    )
    const { effects } = started(CUSTOM, paySbp(), [
      { type: 'disconnected' },
      { type: 'timer', name: 'op.retry' }, // nothing may go out while the port is closed
      { type: 'connected' },
      message({ operationCode: 26, status: 1, terminalId: TID }),
      statusOk,
    ])
    expect(outcomes(effects).map((o) => o.kind)).toEqual(['unknown', 'approved'])
    expect(prompts(effects).at(-1)).toBe(INPAS_MSG.portDisconnected)
    const q = sends(effects)
      .filter((s) => s.kind === 'query')
      .map((s) => fieldMap(s.fields))
    expect(q).toEqual([
      { 25: '26', 27: TID },
      { 25: '200', 26: '7', 27: TID, 34: '1' },
    ])
    expect(effects.filter((e) => e.type === 'resolving')).toHaveLength(1)
  })
})

describe('§ 6.4: lost reply → resolving', () => {
  const checkOk = message({ operationCode: 26, status: 1, terminalId: TID })
  const lostThen = (config: SessionConfig, r: InpasRequest, events: SessionEvent[]) =>
    started(config, r, [{ type: 'timer', name: 'op.message' }, { type: 'timer', name: 'op.retry' }, ...events])

  it('§ 7.36: the status says approved → approved via status, with RRN and method; no payment repeated', () => {
    const status = message(
      { operationCode: 200, terminalTrxId: 7, origOperation: 1, status: 1, amount: 12345, referenceNumber: '000000000042', authorizationCode: 'A1B2C3' },
      [[200, 'SBP']],
    )
    const { effects } = lostThen(CUSTOM, paySbp(), [checkOk, status])
    expect(final(effects)).toMatchObject([{ kind: 'approved', via: 'status', ref: { rrn: '000000000042', method: 'sbp' } }])
    expect(sends(effects).filter((s) => s.kind === 'money')).toHaveLength(1)
    expect(prompts(effects)).toContain(INPAS_MSG.resultUnknown)
  })

  it('§ 7.37/§ 7.52: "no such operation" (39 = 0 echoing 26) → declined: it never started', () => {
    const none = message({ operationCode: 200, terminalTrxId: 7, status: 0, textResponse: 'НЕТ ДАННЫХ' })
    const { effects } = lostThen(CUSTOM, paySbp(), [checkOk, none])
    expect(final(effects)).toMatchObject([{ kind: 'declined', via: 'status', message: { server: 'НЕТ ДАННЫХ' } }])
  })

  it('§ 7.52: 39 = 0 without the echo → the receipt-copy path', () => {
    const noEcho = message({ operationCode: 200, status: 0 })
    const { effects, state } = lostThen(CUSTOM, paySbp(), [checkOk, noEcho])
    expect(fieldMap(sends(effects).at(-1)!.fields)).toEqual({ 25: '63', 27: TID, 64: '1', 65: '22' })
    expect(state.phase).toBe('copying')
  })

  const copy = (slip: string) => message({ operationCode: 63, commandMode2: 22, receiptData: slip })
  const SWITCH_LOST = (events: SessionEvent[], r = paySbp()) => lostThen(SWITCH, r, [checkOk, ...events])

  it('§ 7.38: no status op → receipt copy; a matching approved slip → approved with RRN/auth from the slip', () => {
    const { effects } = SWITCH_LOST([copy(SLIP)])
    expect(fieldMap(sends(effects).filter((s) => s.kind === 'query')[1]!.fields)).toEqual({ 25: '63', 27: TID, 64: '1', 65: '22' })
    expect(final(effects)).toMatchObject([{ kind: 'approved', via: 'receipt-copy', ref: { rrn: '000000000042', authCode: 'A1B2C3' } }])
  })

  it('§ 7.38: a non-matching slip → needs-attention (and nothing is repeated)', () => {
    const { effects } = SWITCH_LOST([copy(SLIP)], paySbp(99999))
    expect(final(effects)).toMatchObject([{ kind: 'needs-attention', message: { key: INPAS_MSG.resultNeedsAttention } }])
    expect(sends(effects).filter((s) => s.kind === 'money')).toHaveLength(1)
  })

  it('a matching slip without «ОДОБРЕНО» → declined', () => {
    const { effects } = SWITCH_LOST([copy(SLIP.replace('ОДОБРЕНО', 'ОТКАЗАНО'))])
    expect(final(effects)).toMatchObject([{ kind: 'declined', via: 'receipt-copy' }])
  })

  it('slip matching: operation line, amount, time window and an RRN not journaled yet', () => {
    const t = { kind: 'pay' as const, amount: 12345, sentAt: SENT_AT, knownRrns: [] as string[] }
    expect(matchSlip(SLIP, t, 180)).toEqual({ match: true, approved: true, rrn: '000000000042', authCode: 'A1B2C3' })
    expect(matchSlip(SLIP, { ...t, kind: 'refund' }, 180)).toMatchObject({ match: false, why: 'operation line' })
    expect(matchSlip(SLIP, { ...t, amount: 12346 }, 180)).toMatchObject({ match: false, why: 'amount' })
    expect(matchSlip(SLIP, { ...t, sentAt: '20250115095830' }, 180)).toMatchObject({ match: true }) // 1 min slack before
    expect(matchSlip(SLIP, { ...t, sentAt: '20250115095900' }, 180)).toMatchObject({ match: true })
    expect(matchSlip(SLIP, { ...t, sentAt: '20250115100131' }, 180)).toMatchObject({ match: false, why: 'time' })
    expect(matchSlip(SLIP, { ...t, sentAt: '20250115095429' }, 180)).toMatchObject({ match: false, why: 'time' })
    expect(matchSlip(SLIP, { ...t, knownRrns: ['000000000042'] }, 180)).toMatchObject({ match: false })
  })

  it('§ 6.4: EOT (busy) from the terminal → retry with growing backoff; after the limit → needs-attention', () => {
    const events: SessionEvent[] = []
    for (let i = 0; i < RESOLVE_ATTEMPTS_MAX; i++) events.push({ type: 'linkError', reason: 'refused' }, { type: 'timer', name: 'op.retry' })
    const { effects } = lostThen(CUSTOM, paySbp(), events)
    const waits = effects.flatMap((e) => (e.type === 'setTimer' && e.name === 'op.retry' ? [e.ms] : []))
    expect(waits.slice(0, 4)).toEqual(RESOLVE_BACKOFF_MS.slice(0, 4))
    expect(waits.every((ms, i) => i === 0 || ms >= waits[i - 1]!)).toBe(true)
    expect(final(effects)).toMatchObject([{ kind: 'needs-attention' }])
    expect(final(effects).some((o) => o.kind === 'declined')).toBe(false)
  })

  it('a resolve query without reply → EOT, retry (never declined because a timer expired)', () => {
    const { effects, state } = lostThen(CUSTOM, paySbp(), [{ type: 'timer', name: 'op.message' }])
    expect(state.phase).toBe('stalled')
    expect(effects.filter((e) => e.type === 'eot')).toHaveLength(2)
    expect(final(effects)).toEqual([])
  })

  it('check-link from a different terminal → inpas.tid.mismatch and needs-attention (no status from the wrong pin-pad)', () => {
    const { effects } = lostThen(CUSTOM, paySbp(), [message({ operationCode: 26, status: 1, terminalId: '12345678' })])
    expect(effects).toContainEqual({ type: 'notice', message: { key: INPAS_MSG.tidMismatch, params: { got: '12345678', want: TID } } })
    expect(final(effects)).toMatchObject([{ kind: 'needs-attention', reason: 'terminal-id' }])
  })

  it('§ 7.42: a valid late result while resolving is used as the resolution', () => {
    const { effects } = lostThen(CUSTOM, paySbp(), [approvedResult()])
    expect(final(effects)).toMatchObject([{ kind: 'approved', via: 'late-result' }])
  })

  it('a late result with 39 = 0, or another ecrNo, does not resolve', () => {
    const { effects } = lostThen(CUSTOM, paySbp(), [approvedResult({ status: 0 }), approvedResult({ terminalTrxId: 99 })])
    expect(final(effects)).toEqual([])
  })

  it('§ 7.50: a lost refund reply asks the status with 34 = 29 and decides by it', () => {
    const status = message({ operationCode: 200, terminalTrxId: 8, origOperation: 29, status: 16, textResponse: 'ОТКАЗАНО' })
    const { effects } = lostThen(CUSTOM, refund(50000), [checkOk, status])
    expect(fieldMap(sends(effects).filter((s) => s.kind === 'query')[1]!.fields)).toMatchObject({ 25: '200', 26: '8', 34: '29' })
    expect(final(effects)).toMatchObject([{ kind: 'declined', via: 'status' }])
  })

  it('§ 7.51/§ 7.39: a status request (reload or «Проверить статус») goes straight to check-link and status', () => {
    const r: InpasRequest = { kind: 'status', of: 'pay', method: 'sbp', amount: 12345, ecrNo: 7, sentAt: SENT_AT, rrn: '000000000042' }
    const status = message({ operationCode: 200, terminalTrxId: 7, status: 1, referenceNumber: '000000000042' }, [[200, 'SBP']])
    const { effects } = drive(CUSTOM, r, [checkOk, status])
    expect(effects.some((e) => e.type === 'commit')).toBe(false)
    expect(sends(effects).map((s) => fieldMap(s.fields))).toEqual([
      { 25: '26', 27: TID },
      { 14: '000000000042', 25: '200', 26: '7', 27: TID, 34: '1' },
    ])
    expect(outcomes(effects)).toMatchObject([{ kind: 'approved', via: 'status' }])
  })
})

describe("the machine's invariants (property)", () => {
  const pool: SessionEvent[] = [
    { type: 'committed' },
    { type: 'acked' },
    { type: 'heard' },
    WAIT,
    approvedResult(),
    approvedResult({ status: 16 }),
    approvedResult({ status: 0 }),
    message({ operationCode: 26, status: 1, terminalId: TID }),
    message({ operationCode: 200, terminalTrxId: 7, status: 0 }),
    message({ operationCode: 200, status: 0 }),
    message({ operationCode: 63, commandMode2: 22, receiptData: SLIP }),
    message({ operationCode: 63, commandMode: 1, commandMode2: 16 }),
    { type: 'linkError', reason: 'refused' },
    { type: 'linkError', reason: 'eot' },
    { type: 'linkError', reason: 'no-ack' },
    { type: 'linkError', reason: 'nak-limit' },
    { type: 'timer', name: 'op.message' },
    { type: 'timer', name: 'op.deadline' },
    { type: 'timer', name: 'op.retry' },
    { type: 'cancel' },
    { type: 'disconnected' },
    { type: 'connected' },
  ]
  it('one money request at most, one final outcome at most, never an EOT after a result, never declined by a timer', () => {
    fc.assert(
      fc.property(fc.constantFrom(CUSTOM, SWITCH), fc.array(fc.constantFrom(...pool), { maxLength: 40 }), (config, events) => {
        let state = createSession(config, paySbp())
        let finals = 0
        let money = 0
        let resultSeen = false
        for (const e of [{ type: 'start' } as SessionEvent, ...events]) {
          const r = transition(state, e)
          for (const f of r.effects) {
            if (f.type === 'send' && f.kind === 'money') money++
            // A result ends its exchange; a later resolve query (a result without a definitive status goes
            // to § 6.4) is a new exchange, which its own timeout may end with an EOT.
            if (f.type === 'send') resultSeen = false
            if (f.type === 'eot') expect(resultSeen).toBe(false)
            if (f.type === 'outcome' && f.outcome.kind !== 'unknown') {
              finals++
              if (f.outcome.kind === 'declined') expect(e.type).not.toBe('timer')
            }
          }
          if (e.type === 'message' && state.phase === 'waiting' && e.message.ok && e.message.value.op === 1) resultSeen = true
          state = r.state
        }
        expect(money).toBeLessThanOrEqual(1)
        expect(finals).toBeLessThanOrEqual(1)
      }),
      { numRuns: 500 },
    )
  })
})

// ---------------------------------------------------------------------------------------------------------
// Wired to the link layer: a virtual clock runs the timers; the terminal's side is scripted bytes.

class Sim {
  now = 0
  state: ClientState
  timers = new Map<ClientTimer, number>()
  effects: ClientEffect[] = []
  written: number[][] = []

  constructor(config: SessionConfig, request: InpasRequest) {
    this.state = createClient(createSession(config, request))
  }
  send(e: Parameters<typeof clientStep>[1]): ClientEffect[] {
    const r = clientStep(this.state, e)
    this.state = r.state
    for (const f of r.effects) {
      if (f.type === 'setTimer') this.timers.set(f.name, this.now + f.ms)
      else if (f.type === 'cancelTimer') this.timers.delete(f.name)
      else if (f.type === 'write') this.written.push([...f.bytes])
    }
    this.effects.push(...r.effects)
    return r.effects
  }
  /** Start and answer the journal at once. */
  begin(): this {
    this.send({ type: 'start' })
    if (this.effects.some((e) => e.type === 'commit')) this.send({ type: 'committed' })
    return this
  }
  bytes(b: Uint8Array | number[]): this {
    this.send({ type: 'bytes', bytes: b instanceof Uint8Array ? b : Uint8Array.from(b) })
    return this
  }
  /** Advance the clock by `ms`, firing due timers in order. */
  advance(ms: number): this {
    const end = this.now + ms
    for (;;) {
      let next: [ClientTimer, number] | undefined
      for (const t of this.timers) if (t[1] <= end && (!next || t[1] < next[1])) next = t
      if (!next) break
      this.now = next[1]
      this.timers.delete(next[0])
      this.send({ type: 'timer', name: next[0] })
    }
    this.now = end
    return this
  }
  lastWritten(): number[] {
    return this.written.at(-1) ?? []
  }
}

const stx = (d: Uint8Array) => frames(d)[0]!
const resultBytes = (fields: SaFieldsInput = {}, tags: Array<readonly [number, string]> = [[200, 'SBP']]) => {
  const e = approvedResult(fields, tags)
  return e.type === 'message' ? e.data : new Uint8Array()
}

describe('§ 7 scenarios over bytes (link + operation machine)', () => {
  it('§ 7.22: a wait storm (op 21 every 5 s for 150 s) then approval → approved, and the till sent no EOT', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    const wait = stx(data({ operationCode: 21 }))
    for (let t = 0; t < 150_000; t += 5000) sim.advance(5000).bytes(wait)
    sim.advance(1000).bytes(stx(resultBytes()))
    expect(final(sim.effects)).toMatchObject([{ kind: 'approved' }])
    expect(sim.written.some((w) => w.length === 1 && w[0] === EOT)).toBe(false)
    expect(sim.timers.size).toBe(0)
  })

  it("§ 7.21: the pin-pad's 120 s QR lifetime ends with 53 long before the till's 180 s deadline", () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    const wait = stx(data({ operationCode: 21 }))
    for (let t = 0; t < 120_000; t += 5000) sim.advance(5000).bytes(wait)
    sim.bytes(stx(resultBytes({ status: 53, textResponse: 'ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~' })))
    expect(outcomes(sim.effects)).toMatchObject([{ kind: 'declined', message: { key: INPAS_MSG.resultAborted } }])
  })

  it('§ 7.25: NAK once → the identical bytes resent, payment completes', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin()
    const first = sim.lastWritten()
    sim.bytes([NAK])
    expect(sim.lastWritten()).toEqual(first)
    sim.bytes([ACK]).bytes(stx(resultBytes()))
    expect(final(sim.effects)).toMatchObject([{ kind: 'approved' }])
  })

  it('§ 7.26: NAK ×4 → 4 transmissions, EOT, declined inpas.link.error', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin()
    for (let i = 0; i < 4; i++) sim.bytes([NAK])
    expect(sim.written.filter((w) => w[0] === 0x02)).toHaveLength(4)
    expect(sim.lastWritten()).toEqual([EOT])
    expect(outcomes(sim.effects)).toMatchObject([{ kind: 'declined', message: { key: INPAS_MSG.linkError } }])
  })

  it('§ 7.27: lost request: 5 s without ACK → no resend, EOT, unknown; check-link then status "no such operation" → declined', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin()
    sim.advance(5000)
    expect(sim.written.filter((w) => w[0] === 0x02)).toHaveLength(1)
    expect(sim.lastWritten()).toEqual([EOT])
    expect(outcomes(sim.effects)).toMatchObject([{ kind: 'unknown', reason: 'no-ack' }])
    sim.advance(RESOLVE_BACKOFF_MS[0]!)
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 26, status: 1, terminalId: TID })))
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 200, terminalTrxId: 7, status: 0, textResponse: 'НЕТ ДАННЫХ' })))
    expect(final(sim.effects)).toMatchObject([{ kind: 'declined', via: 'status' }])
  })

  it('§ 7.29: a duplicated result is ACKed twice and produces one outcome', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    const r = stx(resultBytes())
    sim.bytes(r).bytes(r)
    expect(sim.written.filter((w) => w.length === 1 && w[0] === ACK)).toHaveLength(2)
    expect(outcomes(sim.effects)).toHaveLength(1)
  })

  it('§ 7.31: an SOH result with a long slip is reassembled and its slip used', () => {
    const slip = formatReceipt([{ tag: 'DF', text: 'ЧЕК КЛИЕНТА\r\n' + 'СТРОКА ЧЕКА\r\n'.repeat(80) }])
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    const fr = frames(resultBytes({ receiptData: slip }))
    expect(fr.length).toBeGreaterThan(1)
    for (const f of fr) sim.bytes(f)
    expect(sim.written.filter((w) => w.length === 1 && w[0] === ACK)).toHaveLength(fr.length)
    expect(final(sim.effects)[0]).toMatchObject({ kind: 'approved', slip: { raw: slip } })
  })

  it('§ 7.36: lost result → per-message timer → EOT, inpas.result.unknown, status → approved, one money request', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    sim.advance(45_000)
    expect(sim.lastWritten()).toEqual([EOT])
    expect(prompts(sim.effects)).toContain(INPAS_MSG.resultUnknown)
    sim.advance(RESOLVE_BACKOFF_MS[0]!)
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 26, status: 1, terminalId: TID })))
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 200, terminalTrxId: 7, origOperation: 1, status: 1, referenceNumber: '000000000042' }, [[200, 'SBP']])))
    expect(final(sim.effects)).toMatchObject([{ kind: 'approved', via: 'status' }])
    const money = sim.effects.filter((e) => e.type === 'sent' && e.kind === 'money')
    expect(money).toHaveLength(1)
  })

  it('§ 7.35 waiting: EOT after the ACK → unknown → resolved by status', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK]).bytes([EOT])
    expect(outcomes(sim.effects)).toMatchObject([{ kind: 'unknown', reason: 'eot' }])
    sim.advance(RESOLVE_BACKOFF_MS[0]!)
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 26, status: 1, terminalId: TID })))
    sim.bytes([ACK]).bytes(stx(data({ operationCode: 200, terminalTrxId: 7, status: 16 })))
    expect(final(sim.effects)).toMatchObject([{ kind: 'declined', via: 'status' }])
  })

  it('the ACK of a frame is written before anything the frame causes (the relay reply follows the ACK)', () => {
    const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
    const before = sim.written.length
    sim.bytes(stx(data({ operationCode: 63, commandMode: 1, commandMode2: 16 })))
    const after = sim.written.slice(before)
    expect(after[0]).toEqual([ACK])
    expect(after[1]![0]).toBe(0x02)
  })

  it('§ 7.30 property: any chunking with stray bytes between frames gives the same outcome', () => {
    const wait = stx(data({ operationCode: 21 }))
    const res = stx(resultBytes())
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }), fc.boolean(), (sizes, withStray) => {
        const stray = withStray ? [0x55, 0x33] : []
        const stream = Uint8Array.from([...stray, ...wait, ...stray, ...wait, ...stray, ...res, ...stray])
        const sim = new Sim(CUSTOM, paySbp()).begin().bytes([ACK])
        let at = 0
        for (let i = 0; at < stream.length; i++) {
          const n = sizes[i % sizes.length]!
          sim.bytes(stream.subarray(at, at + n))
          at += n
        }
        expect(final(sim.effects)).toMatchObject([{ kind: 'approved', ref: { rrn: '000000000042' } }])
      }),
      { numRuns: 100 },
    )
  })
})

describe('§ 6.7 messages', () => {
  it('every key the client uses has ru, uz and en text, and the placeholders agree across languages', () => {
    for (const key of Object.values(INPAS_MSG)) {
      const t = { ru: INPAS_RU[key], uz: INPAS_UZ[key], en: INPAS_EN[key] }
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(t.ru && t.uz && t.en).toBeTruthy()
      expect(ph(t.uz)).toEqual(ph(t.ru))
      expect(ph(t.en)).toEqual(ph(t.ru))
    }
    expect(INPAS_RU['inpas.choose.qr']).toBe('Оплата QR СБП')
    expect(Object.keys(INPAS_UZ).sort()).toEqual(Object.keys(INPAS_RU).sort())
    expect(Object.keys(INPAS_EN).sort()).toEqual(Object.keys(INPAS_RU).sort())
  })
})

describe('a status reply about another operation with our ecrNo (a till whose counter started afresh)', () => {
  const t = { amount: 15_000, sentAt: '20260301120000', knownRrns: ['111111111111'] }
  it('is ours when the amount, the time and the RRN fit', () => {
    expect(otherOperation({ amount: 15_000, terminalDateTime: '20260301120005', referenceNumber: '222222222222' }, t)).toBeUndefined()
    // The pin-pad's clock may be a little behind the till's.
    expect(otherOperation({ amount: 15_000, terminalDateTime: '20260301115930' }, t)).toBeUndefined()
  })
  it('is another when the amount differs, it was made more than a minute before our request, or its RRN is journaled', () => {
    expect(otherOperation({ amount: 10_000, terminalDateTime: '20260301120005' }, t)).toBe('amount')
    expect(otherOperation({ amount: 15_000, terminalDateTime: '20260301115800' }, t)).toBe('time')
    expect(otherOperation({ amount: 15_000, terminalDateTime: '20260228120005' }, t)).toBe('time')
    expect(otherOperation({ amount: 15_000, referenceNumber: '111111111111' }, t)).toBe('rrn already journaled')
  })
})
