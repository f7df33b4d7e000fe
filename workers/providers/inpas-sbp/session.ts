// The operation machine of the inpas-sbp client (docs/protocols/inpas-sbp.md § 2.10, § 3.2–§ 3.4, § 6.2–§ 6.6):
// one pay, refund or status operation as a pure `transition(state, event) → { state, effects }`.
// Owns: local validation (§ 6.3 step 1, § 6.6 refund rules), the request fields of both SBP profiles (§ 3.2),
// intermediate messages (op 21 waits, op 52 cashier text, the PDK QR notify, host-relay refusal), the final
// result → outcome mapping (§ 6.5), the operation timers (§ 6.2), and the lost-reply resolution (§ 6.4:
// check-link, then PDK status or the receipt copy). It speaks to the link layer only through events
// (`acked`, `heard`, `message`, `linkError`) and effects (`send`, `eot`, `resetLink`); it does no I/O and
// knows nothing of the engine: a later adapter maps its effects onto OpCtx.
//
// Readings of the protocol where it is not explicit (PDK):
// - A frame whose op equals the money request's op but has no field 39 (and is not a relay request) is taken
//   as a final without a status → `unknown` (§ 6.5 "39 absent"), rather than ignored (§ 2.10).
// - A malformed reply (good CRC, bad TLV or no op) during the money exchange makes the operation `unknown`
//   without an EOT from the till: it may have been the result, and no EOT is ever sent after a result.
// - Resolution always starts with check-link (§ 6.4 step 1), after RESOLVE_BACKOFF_MS[0] so that a result
//   still in flight can arrive first. A check-link whose field 27 names another terminal ends the operation
//   in `needs-attention` (a status from a different pin-pad cannot resolve it). Failed attempts (EOT busy,
//   no reply, link errors) retry with backoff; after RESOLVE_ATTEMPTS_MAX failures → `needs-attention`
//   (never `declined` because a timer expired, § 6.4.5).
// - "Switched" (B9) = a pay whose request did not ask for SBP (card choice, or the `switch` profile where
//   the customer presses 1 to get the QR) but whose result says SBP.
// - In the `custom` profile a card pay carries `sbpMethodTag = "CARD"`; SBP pay and refunds of SBP payments
//   carry `"SBP"` and `sbpExtraFields`. A card refund is a plain op 29.
// - Receipt-copy matching (§ 6.4 step 3): the customer copy (0xDF) must contain the operation line
//   («ОПЛАТА ПОКУПКИ» for a sale, any line with «ВОЗВРАТ» for a refund), the amount on the «СУММА» line, a
//   date-time `DD.MM.YYYY hh:mm[:ss]` within [sent − 1 min, sent + timeout + 1 min] (terminal-local times,
//   compared as written), and an RRN not already in the journal.
// - The cashier's cancel before the first byte is `declined` (not sent); after it, EOT → `unknown` (§ 6.6).
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { hex } from '../../../src/domain/hex.ts'
import {
  AMOUNT_MAX_MINOR,
  OP,
  PDK_SBP1,
  RECEIPT_TAG,
  SERVICE,
  STATUS,
  STATUS_TEXT,
  TAG,
  buildHostRelayReply,
  buildMessage,
  decodeCp1251,
  displayText,
  parseReceipt,
  parseSbpLink,
  statusOutcome,
  tlvText,
  type MessageParseResult,
  type SaMessage,
  type TlvValue,
} from './codec/index.ts'
import type { LinkErrorReason, SendKind } from './link.ts'
import { INPAS_MSG } from './messages.ts'

/** § 6.2 / § 1.1: per-message wait, `messageTimeoutS` default ([D4] TIMEOUT_2 = 45). */
export const MESSAGE_TIMEOUT_S = 45
/** § 1.1: the overall operation deadline, `timeout` default (seed: twice the bank's recommendation). */
export const OPERATION_TIMEOUT_S = 180
/** PDK (§ 6.4 "retry with backoff"): waits before resolve attempts; the last value repeats. */
export const RESOLVE_BACKOFF_MS: readonly number[] = [1000, 2000, 5000, 10_000, 20_000, 30_000]
/** PDK: failed resolve attempts before the operation needs a person (§ 6.4.4). */
export const RESOLVE_ATTEMPTS_MAX = 12
/** § 6.4 step 3: the slip's time may lie this much outside [sent, sent + timeout]. */
export const SLIP_SLACK_MS = 60_000

export type Method = 'card' | 'sbp'
export type Profile = 'switch' | 'custom'

/** The provider settings the machine reads (§ 1.1; names as there). */
export interface SessionConfig {
  /** `id`: field 27 of requests, compared with field 27 of replies. */
  terminalId: string
  /** `currencyCodeNumeric`: field 4. */
  currency: number
  /** `timeout`, seconds: the overall deadline. */
  timeoutS: number
  messageTimeoutS: number
  qrSBP: boolean
  sbpProfile: Profile
  sbpPayOp: number
  sbpRefundOp: number
  /** 0 = none → the receipt-copy path (§ 6.4). */
  sbpStatusOp: number
  /** 0 = none. */
  sbpQrNotifyOp: number
  sbpMethodTag: number
  sbpExtraFields: ReadonlyArray<readonly [number, string]>
  refundRefTags: readonly number[]
  mirrorQr: boolean
  sameDayPartialRefund: 'allow' | 'block'
  switchedRefund: 'allow' | 'cash'
  transport: 'webserial' | 'polyfill' | 'sandbox'
}

/** § 1.1/§ 3.2 defaults (PDK-SBP/1 codes); `terminalId` has none. */
export function sessionConfig(c: Partial<SessionConfig> & { terminalId: string }): SessionConfig {
  return {
    currency: 643,
    timeoutS: OPERATION_TIMEOUT_S,
    messageTimeoutS: MESSAGE_TIMEOUT_S,
    qrSBP: false,
    sbpProfile: 'switch',
    sbpPayOp: PDK_SBP1.payOp,
    sbpRefundOp: PDK_SBP1.refundOp,
    sbpStatusOp: PDK_SBP1.statusOp,
    sbpQrNotifyOp: PDK_SBP1.qrNotifyOp,
    sbpMethodTag: PDK_SBP1.methodTag,
    sbpExtraFields: [],
    refundRefTags: [TAG.referenceNumber, TAG.authorizationCode],
    mirrorQr: false,
    sameDayPartialRefund: 'allow',
    switchedRefund: 'allow',
    transport: 'webserial',
    ...c,
  }
}

/** What a refund needs to know of the payment it reverses (the engine reads it from the journal). */
export interface OriginalPayment {
  approved: boolean
  method: Method
  switched: boolean
  amount: number
  /** Refunded so far, kopecks. */
  refunded: number
  /** The original's terminal date is today (B6, B7). */
  sameDay: boolean
  /** The original result's fields as text, by tag (for `refundRefTags`). */
  fields: Readonly<Record<number, string>>
}

interface Common {
  /** Kopecks. */
  amount: number
  /** Field 26, allocated by the engine (§ 6.3 step 2). */
  ecrNo: number
  /** When the request leaves, terminal-local `YYYYMMDDhhmmss` (anchors the receipt-copy match, § 6.4). */
  sentAt: string
  /** RRNs already in the journal (§ 6.4 step 3: a slip with one of them is not ours). */
  knownRrns?: readonly string[]
}

export interface PayRequest extends Common {
  kind: 'pay'
  method: Method
}

export interface RefundRequest extends Common {
  kind: 'refund'
  original: OriginalPayment
}

/** Resolve an operation found `sent`/`unknown`/`resolving`, or the cashier's «Проверить статус». */
export interface StatusRequest extends Common {
  kind: 'status'
  of: 'pay' | 'refund'
  method: Method
  /** Field 25 the operation was sent with (defaults from the profile). */
  op?: number
  /** Field 14, when known. */
  rrn?: string
}

export type InpasRequest = PayRequest | RefundRequest | StatusRequest

export type SessionTimer = 'op.message' | 'op.deadline' | 'op.retry'

export type SessionEvent =
  /** Validate and ask the engine to journal the request. */
  | { type: 'start' }
  /** The journal row is `sent` (§ 6.3 step 4): now the first byte may go. */
  | { type: 'committed' }
  /** Link: the request frame was accepted. */
  | { type: 'acked' }
  /** Link: a good frame arrived (restarts the per-message timer). */
  | { type: 'heard' }
  /** Link: a complete message. */
  | { type: 'message'; data: Uint8Array; message: MessageParseResult }
  | { type: 'linkError'; reason: LinkErrorReason }
  | { type: 'timer'; name: SessionTimer }
  /** The cashier's «Отмена» (§ 6.6). */
  | { type: 'cancel' }
  /** The port went away (§ 4.5). */
  | { type: 'disconnected' }
  /** The port is open again. */
  | { type: 'connected' }

export interface InpasRef {
  ecrNo: number
  rrn?: string
  authCode?: string
  terminalId?: string
  hostCode?: string
  terminalDateTime?: string
  method: Method
  switched: boolean
  /** 39 = 17: approved offline. */
  offline: boolean
}

export interface InpasSlip {
  /** Field 90 as received. */
  raw: string
  /** The 0xDF record (print it for the customer). */
  customer?: string
  /** The 0xDA record. */
  cashier?: string
}

/** How an outcome was learnt. */
export type OutcomeVia = 'result' | 'late-result' | 'status' | 'receipt-copy' | 'link' | 'local'

export type UnknownReason = 'no-ack' | 'eot' | 'bad-frames' | 'malformed' | 'no-status' | 'message-timeout' | 'deadline' | 'disconnected' | 'cancelled'

export type SessionOutcome =
  | { kind: 'approved'; ref: InpasRef; slip?: InpasSlip; message: Msg; via: OutcomeVia; review: string[] }
  | { kind: 'declined'; code: string; message: Msg; notSent: boolean; via: OutcomeVia; review: string[] }
  | { kind: 'unknown'; reason: UnknownReason; message: Msg }
  | { kind: 'needs-attention'; reason: string; message: Msg }

export type Fields = ReadonlyArray<readonly [number, string]>

export type SessionEffect =
  /** § 6.3 step 1 failed: show it, journal nothing, send nothing. */
  | { type: 'refuse'; message: Msg }
  /** § 6.3 steps 3–4: journal the request as `sent`, then answer `committed`. */
  | { type: 'commit'; ecrNo: number; op: number; fields: Fields }
  /** Hand DATA to the link (`fields` for the log). */
  | { type: 'send'; data: Uint8Array; fields: Fields; kind: SendKind }
  /** Ask the link to write EOT (give up the exchange). */
  | { type: 'eot' }
  /** Ask the link to forget the previous exchange (new operation, reopened port). */
  | { type: 'resetLink' }
  | { type: 'showPrompt'; message: Msg }
  /** § 3.3: a verified SBP link to mirror as a QR on the customer screen. */
  | { type: 'showQr'; link: string }
  /** For the admin (TID mismatch, host relay). */
  | { type: 'notice'; message: Msg }
  /** The journal moves `unknown → resolving` (the first resolve query goes out). */
  | { type: 'resolving' }
  | { type: 'outcome'; outcome: SessionOutcome }
  | { type: 'setTimer'; name: SessionTimer; ms: number }
  | { type: 'cancelTimer'; name: SessionTimer }
  | { type: 'log'; level: 'info' | 'warn'; text: string; hex?: string }

export type SessionPhase =
  /** Created; waiting for `start`. */
  | 'idle'
  /** Waiting for `committed` before the first byte. */
  | 'committing'
  /** The money request is out; waiting for its final. */
  | 'waiting'
  /** Unknown; waiting for the retry timer or for the port. */
  | 'stalled'
  /** Resolve: check-link sent (§ 6.4 step 1). */
  | 'checking'
  /** Resolve: PDK status sent (§ 6.4 step 2). */
  | 'asking'
  /** Resolve: receipt copy sent (§ 6.4 step 3). */
  | 'copying'
  | 'done'

/** The operation being made or resolved, normalised from the request. */
export interface Target {
  kind: 'pay' | 'refund'
  method: Method
  amount: number
  ecrNo: number
  /** Field 25 of the money request. */
  op: number
  /** The request asked the terminal for SBP (method tag "SBP"). */
  askedSbp: boolean
  rrn?: string
  sentAt: string
  knownRrns: readonly string[]
  original?: OriginalPayment
}

export interface SessionState {
  readonly config: SessionConfig
  readonly request: InpasRequest
  readonly target: Target
  readonly phase: SessionPhase
  /** The link accepted the money request. */
  readonly acked: boolean
  readonly portOpen: boolean
  /** The operation went `unknown` (or is a status request): a valid late final resolves it (§ 6.6). */
  readonly unresolved: boolean
  /** `resolving` was announced. */
  readonly resolvingSaid: boolean
  /** Failed resolve attempts. */
  readonly attempts: number
  /** Key of the last prompt shown (no repeats). */
  readonly prompt: string | null
  readonly qrShown: string | null
  readonly relayNoticed: boolean
  readonly outcome: SessionOutcome | null
}

export interface SessionStep {
  state: SessionState
  effects: SessionEffect[]
}

// ---------------------------------------------------------------------------------------------------------
// Requests (§ 3.2)

/** Field 25 of a money request in this profile. */
export function requestOp(config: SessionConfig, kind: 'pay' | 'refund', method: Method): number {
  const custom = config.sbpProfile === 'custom'
  if (kind === 'pay') return custom && method === 'sbp' ? config.sbpPayOp : OP.sale
  return custom && method === 'sbp' ? config.sbpRefundOp : OP.refund
}

function targetOf(config: SessionConfig, r: InpasRequest): Target {
  const custom = config.sbpProfile === 'custom'
  const knownRrns = r.knownRrns ?? []
  if (r.kind === 'status') {
    return {
      kind: r.of,
      method: r.method,
      amount: r.amount,
      ecrNo: r.ecrNo,
      op: r.op ?? requestOp(config, r.of, r.method),
      askedSbp: custom && r.method === 'sbp',
      ...(r.rrn !== undefined ? { rrn: r.rrn } : {}),
      sentAt: r.sentAt,
      knownRrns,
    }
  }
  const method = r.kind === 'pay' ? r.method : r.original.method
  return {
    kind: r.kind,
    method,
    amount: r.amount,
    ecrNo: r.ecrNo,
    op: requestOp(config, r.kind, method),
    askedSbp: custom && method === 'sbp',
    sentAt: r.sentAt,
    knownRrns,
    ...(r.kind === 'refund' ? { original: r.original } : {}),
  }
}

/** Kopecks as `300.00` for message parameters. */
export function formatMinor(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
}

const DEFAULT_CODES = (c: SessionConfig) =>
  c.sbpPayOp === PDK_SBP1.payOp &&
  c.sbpRefundOp === PDK_SBP1.refundOp &&
  c.sbpStatusOp === PDK_SBP1.statusOp &&
  c.sbpQrNotifyOp === PDK_SBP1.qrNotifyOp &&
  c.sbpMethodTag === PDK_SBP1.methodTag

/** § 6.3 step 1, § 3.2 safety gate, § 6.6 refund rules: a message when the request is refused locally. */
export function validateRequest(config: SessionConfig, r: InpasRequest): Msg | undefined {
  if (!Number.isSafeInteger(r.amount) || r.amount < 1 || r.amount > AMOUNT_MAX_MINOR) return msg(INPAS_MSG.amountInvalid)
  if (!Number.isSafeInteger(r.ecrNo) || r.ecrNo < 0) return msg(INPAS_MSG.amountInvalid)
  if (r.kind === 'pay' && r.method === 'sbp') {
    if (!config.qrSBP) return msg(INPAS_MSG.qrDisabled)
    if (config.sbpProfile === 'custom' && config.transport !== 'sandbox' && DEFAULT_CODES(config)) return msg(INPAS_MSG.adminCodesUnconfirmed)
  }
  if (r.kind === 'refund') {
    const o = r.original
    if (!o.approved) return msg(INPAS_MSG.refundNotRefundable)
    const rest = o.amount - o.refunded
    if (r.amount > rest) return msg(INPAS_MSG.refundExceeds, { rest: formatMinor(Math.max(0, rest)) })
    if (o.switched && config.switchedRefund === 'cash') return msg(INPAS_MSG.refundSwitched)
    if (o.method === 'sbp' && o.sameDay && r.amount < rest && config.sameDayPartialRefund === 'block') return msg(INPAS_MSG.refundPartialSameDay)
  }
  return undefined
}

/** § 3.2: the money request of a pay or refund, as ordered [tag, text] pairs (ascending tags). */
export function moneyRequestFields(config: SessionConfig, r: PayRequest | RefundRequest): Fields {
  const custom = config.sbpProfile === 'custom'
  const method = r.kind === 'pay' ? r.method : r.original.method
  const entries = new Map<number, string>([
    [TAG.amount, String(r.amount)],
    [TAG.currencyCode, String(config.currency).padStart(3, '0')],
    [TAG.operationCode, String(requestOp(config, r.kind, method))],
    [TAG.terminalTrxId, String(r.ecrNo)],
    [TAG.terminalId, config.terminalId],
  ])
  if (r.kind === 'refund') {
    for (const tag of config.refundRefTags) {
      const v = r.original.fields[tag]
      if (v !== undefined && !entries.has(tag)) entries.set(tag, v)
    }
  }
  if (custom) {
    if (method === 'sbp') {
      entries.set(config.sbpMethodTag, PDK_SBP1.methodSbp)
      for (const [tag, v] of config.sbpExtraFields) if (!entries.has(tag)) entries.set(tag, v)
    } else if (r.kind === 'pay') entries.set(config.sbpMethodTag, PDK_SBP1.methodCard)
  }
  return [...entries].sort((a, b) => a[0] - b[0])
}

/** § 2.8: check-link `{25:26, 27:id}`. */
export function checkLinkFields(config: SessionConfig): Fields {
  return [
    [TAG.operationCode, String(OP.checkLink)],
    [TAG.terminalId, config.terminalId],
  ]
}

/** § 3.2 PDK-SBP/1: status `{25:sbpStatusOp, 26:ecrNo, 34:asked op, 27:id [, 14]}`. */
export function statusFields(config: SessionConfig, t: Target): Fields {
  const f: Array<readonly [number, string]> = t.rrn === undefined ? [] : [[TAG.referenceNumber, t.rrn]]
  f.push(
    [TAG.operationCode, String(config.sbpStatusOp)],
    [TAG.terminalTrxId, String(t.ecrNo)],
    [TAG.terminalId, config.terminalId],
    [TAG.origOperation, String(t.op)],
  )
  return f
}

/** § 2.8: copy of the last receipt `{25:63, 27:id, 64:1, 65:22}`. */
export function receiptCopyFields(config: SessionConfig): Fields {
  return [
    [TAG.operationCode, String(OP.service)],
    [TAG.terminalId, config.terminalId],
    [TAG.commandMode, '1'],
    [TAG.commandMode2, String(SERVICE.receiptCopy)],
  ]
}

function encode(fields: Fields): Uint8Array | undefined {
  const r = buildMessage({}, { extra: fields as ReadonlyArray<readonly [number, TlvValue]> })
  return r.ok ? r.value : undefined
}

// ---------------------------------------------------------------------------------------------------------
// The machine

export function createSession(config: SessionConfig, request: InpasRequest, opts: { portOpen?: boolean } = {}): SessionState {
  return {
    config,
    request,
    target: targetOf(config, request),
    phase: 'idle',
    acked: false,
    portOpen: opts.portOpen ?? true,
    unresolved: false,
    resolvingSaid: false,
    attempts: 0,
    prompt: null,
    qrShown: null,
    relayNoticed: false,
    outcome: null,
  }
}

const ALL_TIMERS: readonly SessionTimer[] = ['op.message', 'op.deadline', 'op.retry']
const RESOLVING: readonly SessionPhase[] = ['checking', 'asking', 'copying']

export function transition(state: SessionState, event: SessionEvent): SessionStep {
  const effects: SessionEffect[] = []
  const s = step(state, event, effects)
  return { state: s, effects }
}

function step(s: SessionState, e: SessionEvent, fx: SessionEffect[]): SessionState {
  if (s.phase === 'done') {
    if (e.type === 'message') fx.push({ type: 'log', level: 'info', text: `after the outcome: op ${opText(e.message)} ignored` })
    return s
  }
  switch (e.type) {
    case 'start':
      return onStart(s, fx)
    case 'committed':
      return s.phase === 'committing' ? sendMoney(s, fx) : s
    case 'acked':
      return s.phase === 'waiting' ? { ...s, acked: true } : s
    case 'heard':
      if (s.phase === 'waiting' || RESOLVING.includes(s.phase)) fx.push(messageTimer(s))
      return s
    case 'message':
      return onMessage(s, e.data, e.message, fx)
    case 'linkError':
      return onLinkError(s, e.reason, fx)
    case 'timer':
      return onTimer(s, e.name, fx)
    case 'cancel':
      if (s.phase === 'committing' || s.phase === 'idle') return finish(s, declinedNotSent('cancelled', INPAS_MSG.resultNotSent), fx)
      if (s.phase === 'waiting') {
        fx.push({ type: 'eot' })
        return goUnknown(s, 'cancelled', fx)
      }
      return s
    case 'disconnected':
      return onDisconnected(s, fx)
    case 'connected':
      if (s.portOpen) return s
      if (s.phase === 'stalled') {
        fx.push({ type: 'resetLink' })
        return ask({ ...s, portOpen: true }, 'checking', fx)
      }
      return { ...s, portOpen: true }
  }
}

function opText(m: MessageParseResult): string {
  return m.ok ? String(m.value.op) : 'malformed'
}

function messageTimer(s: SessionState): SessionEffect {
  return { type: 'setTimer', name: 'op.message', ms: s.config.messageTimeoutS * 1000 }
}

function onStart(s: SessionState, fx: SessionEffect[]): SessionState {
  if (s.phase !== 'idle') return s
  const r = s.request
  const refused = validateRequest(s.config, r)
  if (refused) {
    fx.push({ type: 'refuse', message: refused })
    return { ...s, phase: 'done' }
  }
  if (r.kind === 'status') {
    // Nothing to journal first: ask straight away (the operation row already exists).
    fx.push({ type: 'resetLink' })
    const u = { ...s, unresolved: true }
    return s.portOpen ? ask(u, 'checking', fx) : { ...u, phase: 'stalled' }
  }
  const fields = moneyRequestFields(s.config, r)
  if (encode(fields) === undefined) {
    fx.push({ type: 'refuse', message: msg(INPAS_MSG.amountInvalid) })
    return { ...s, phase: 'done' }
  }
  fx.push({ type: 'commit', ecrNo: r.ecrNo, op: s.target.op, fields })
  return { ...s, phase: 'committing' }
}

function initialPrompt(s: SessionState): string {
  const t = s.target
  if (t.kind === 'refund') return t.original?.method === 'sbp' && !t.original.sameDay ? INPAS_MSG.refundTapCard : INPAS_MSG.waitTerminal
  if (t.method === 'card') return INPAS_MSG.waitCard
  return s.config.sbpProfile === 'custom' ? INPAS_MSG.waitQr : INPAS_MSG.waitSwitch
}

function prompt(s: SessionState, key: string, fx: SessionEffect[], server?: string): SessionState {
  if (s.prompt === key && server === undefined) return s
  fx.push({ type: 'showPrompt', message: msg(key, undefined, server) })
  return { ...s, prompt: key }
}

/** § 6.3 step 4 done: hint, then the first byte, with both operation timers (§ 6.2). */
function sendMoney(s: SessionState, fx: SessionEffect[]): SessionState {
  if (s.request.kind === 'status') return s
  if (!s.portOpen) return finish(s, declinedNotSent('disconnected', INPAS_MSG.resultNotSent), fx)
  const fields = moneyRequestFields(s.config, s.request)
  const data = encode(fields)!
  const hinted = prompt(s, initialPrompt(s), fx)
  fx.push({ type: 'resetLink' }, { type: 'send', data, fields, kind: 'money' }, messageTimer(s), {
    type: 'setTimer',
    name: 'op.deadline',
    ms: s.config.timeoutS * 1000,
  })
  return { ...hinted, phase: 'waiting' }
}

function declinedNotSent(code: string, key: string): SessionOutcome {
  return { kind: 'declined', code, message: msg(key), notSent: true, via: 'local', review: [] }
}

function finish(s: SessionState, outcome: SessionOutcome, fx: SessionEffect[]): SessionState {
  for (const name of ALL_TIMERS) fx.push({ type: 'cancelTimer', name })
  fx.push({ type: 'outcome', outcome })
  return { ...s, phase: 'done', outcome }
}

/** § 6.5: the operation may have moved money — say so, then resolve (§ 6.4). */
function goUnknown(s: SessionState, reason: UnknownReason, fx: SessionEffect[]): SessionState {
  fx.push({ type: 'cancelTimer', name: 'op.message' }, { type: 'cancelTimer', name: 'op.deadline' })
  const outcome: SessionOutcome = { kind: 'unknown', reason, message: msg(INPAS_MSG.resultUnknown) }
  fx.push({ type: 'outcome', outcome })
  const shown = prompt(s, INPAS_MSG.resultUnknown, fx)
  return backoff({ ...shown, unresolved: true, outcome }, fx, false)
}

/** Wait before the next resolve attempt (or for the port). `failed` counts the attempt that just failed. */
function backoff(s: SessionState, fx: SessionEffect[], failed: boolean): SessionState {
  const attempts = failed ? s.attempts + 1 : s.attempts
  fx.push({ type: 'cancelTimer', name: 'op.message' })
  if (attempts >= RESOLVE_ATTEMPTS_MAX) {
    return finish(s, { kind: 'needs-attention', reason: 'resolve-attempts', message: msg(INPAS_MSG.resultNeedsAttention) }, fx)
  }
  const ms = RESOLVE_BACKOFF_MS[Math.min(attempts, RESOLVE_BACKOFF_MS.length - 1)]!
  if (s.portOpen) fx.push({ type: 'setTimer', name: 'op.retry', ms })
  return { ...s, attempts, phase: 'stalled' }
}

/** Send one resolve query (§ 6.4) and wait for its reply. */
function ask(s: SessionState, phase: 'checking' | 'asking' | 'copying', fx: SessionEffect[]): SessionState {
  const fields = phase === 'checking' ? checkLinkFields(s.config) : phase === 'asking' ? statusFields(s.config, s.target) : receiptCopyFields(s.config)
  if (!s.resolvingSaid) fx.push({ type: 'resolving' })
  fx.push({ type: 'send', data: encode(fields)!, fields, kind: 'query' }, messageTimer(s))
  return { ...s, phase, resolvingSaid: true }
}

function onTimer(s: SessionState, name: SessionTimer, fx: SessionEffect[]): SessionState {
  if (name === 'op.retry') return s.phase === 'stalled' && s.portOpen ? ask(s, 'checking', fx) : s
  if (s.phase === 'waiting') {
    // § 6.2: either timer → EOT → unknown.
    fx.push({ type: 'eot' })
    return goUnknown(s, name === 'op.message' ? 'message-timeout' : 'deadline', fx)
  }
  if (name === 'op.message' && RESOLVING.includes(s.phase)) {
    fx.push({ type: 'eot' }, { type: 'log', level: 'warn', text: `resolve: no reply in ${s.phase}` })
    return backoff(s, fx, true)
  }
  return s
}

function onDisconnected(s: SessionState, fx: SessionEffect[]): SessionState {
  if (!s.portOpen) return s
  const closed = { ...s, portOpen: false }
  // § 4.5: not yet written → declined "not sent"; written (ACKed or not) → unknown, resolve after reconnect.
  if (s.phase === 'idle' || s.phase === 'committing') {
    fx.push({ type: 'showPrompt', message: msg(INPAS_MSG.portDisconnected) })
    return finish(closed, declinedNotSent('disconnected', INPAS_MSG.resultNotSent), fx)
  }
  const next = s.phase === 'waiting' ? goUnknown(closed, 'disconnected', fx) : closed
  if (next.phase === 'done') return next
  if (s.phase !== 'waiting') fx.push({ type: 'cancelTimer', name: 'op.message' }, { type: 'cancelTimer', name: 'op.retry' })
  fx.push({ type: 'showPrompt', message: msg(INPAS_MSG.portDisconnected) })
  return { ...next, phase: 'stalled', prompt: INPAS_MSG.portDisconnected }
}

function onLinkError(s: SessionState, reason: LinkErrorReason, fx: SessionEffect[]): SessionState {
  if (reason === 'busy') {
    fx.push({ type: 'log', level: 'warn', text: 'link busy: a send while a frame awaited its ACK' })
    return s
  }
  if (s.phase === 'waiting') {
    switch (reason) {
      case 'nak-limit':
        return finish(s, { kind: 'declined', code: 'link', message: msg(INPAS_MSG.linkError), notSent: true, via: 'link', review: [] }, fx)
      case 'refused':
        return finish(s, { kind: 'declined', code: 'refused', message: msg(INPAS_MSG.linkRefused), notSent: true, via: 'link', review: [] }, fx)
      case 'too-long':
        return finish(s, { kind: 'declined', code: 'too-long', message: msg(INPAS_MSG.linkError), notSent: true, via: 'link', review: [] }, fx)
      default:
        return goUnknown(s, reason, fx)
    }
  }
  if (RESOLVING.includes(s.phase)) {
    fx.push({ type: 'log', level: 'info', text: `resolve: ${reason} in ${s.phase}` })
    return backoff(s, fx, true)
  }
  return s
}

// ---------------------------------------------------------------------------------------------------------
// Messages (§ 2.10)

function onMessage(s: SessionState, data: Uint8Array, parsed: MessageParseResult, fx: SessionEffect[]): SessionState {
  if (!parsed.ok) {
    fx.push({ type: 'log', level: 'warn', text: `malformed message (${parsed.error.kind})`, hex: hex(data) })
    // § 6.1: ACKed by the link; a money operation becomes unknown.
    if (s.phase === 'waiting') return goUnknown(s, 'malformed', fx)
    if (RESOLVING.includes(s.phase)) return backoff(s, fx, true)
    return s
  }
  const m = parsed.value
  const f = m.fields
  const t = s.target
  const relay = m.op === OP.service && (f.commandMode2 === SERVICE.hostConnection || f.commandMode2 === SERVICE.hostData) && f.status === undefined
  if (relay) return onRelay(s, m, fx)
  // Replies to the resolve query in flight.
  if (s.phase === 'checking' && m.op === OP.checkLink) return onCheckLink(s, m, fx)
  if (s.phase === 'asking' && m.op === s.config.sbpStatusOp) return onStatus(s, m, fx)
  if (s.phase === 'copying' && m.op === OP.service && f.commandMode2 === SERVICE.receiptCopy) return onCopy(s, m, fx)
  // The money request's final — in time, or late while unresolved (§ 6.6).
  if (m.op === t.op && s.request.kind !== 'status' && (s.phase === 'waiting' || s.unresolved)) {
    if (s.phase === 'waiting') return finishWith(s, judge(s, m, 'result', fx), fx, 'no-status')
    if (f.status !== undefined && statusOutcome(f.status) !== 'unknown' && echoes(f, t.ecrNo)) return finish(s, judge(s, m, 'late-result', fx)!, fx)
    fx.push({ type: 'log', level: 'info', text: `late op ${m.op} without a definitive status ignored` })
    return s
  }
  if (m.op === OP.wait) return s // the link's `heard` restarted the per-message timer
  if (m.op === OP.cashierMessage) {
    const text = f.cashierRequest
    return text ? prompt(s, INPAS_MSG.waitTerminal, fx, text.split('^').filter(Boolean).join(' ')) : s
  }
  if (s.config.sbpProfile === 'custom' && s.config.sbpQrNotifyOp !== 0 && m.op === s.config.sbpQrNotifyOp) return onQrNotify(s, m, fx)
  fx.push({ type: 'log', level: 'info', text: `op ${m.op} ignored in ${s.phase}` })
  return s
}

/** A final-result outcome, or — for 39 = 0/absent/unlisted — unknown and resolve. */
function finishWith(s: SessionState, o: SessionOutcome | undefined, fx: SessionEffect[], reason: UnknownReason): SessionState {
  return o === undefined ? goUnknown(s, reason, fx) : finish(s, o, fx)
}

/** Field 26 does not contradict the operation's ecrNo (terminals may answer −1/absent). */
function echoes(f: SaMessage['fields'], ecrNo: number): boolean {
  return f.terminalTrxId === undefined || f.terminalTrxId === ecrNo
}

/** § 3.2: the method of a result. */
export function methodOf(config: SessionConfig, m: SaMessage): Method {
  const tag = tlvText(m.tlv, config.sbpMethodTag)
  if (tag === PDK_SBP1.methodSbp) return 'sbp'
  if (tag === PDK_SBP1.methodCard) return 'card'
  return m.fields.pan ? 'card' : 'sbp'
}

export function slipOf(text: string | undefined): InpasSlip | undefined {
  if (text === undefined || text === '') return undefined
  const records = parseReceipt(text)
  const customer = records.find((r) => r.tag === RECEIPT_TAG.customer)?.text
  const cashier = records.find((r) => r.tag === RECEIPT_TAG.cashier)?.text
  return { raw: text, ...(customer !== undefined ? { customer } : {}), ...(cashier !== undefined ? { cashier } : {}) }
}

/**
 * § 6.5: a final (result, late result or status reply) → approved / declined, or undefined for 39 = 0,
 * absent or unlisted. Adds the TID notice and the review flags.
 */
function judge(s: SessionState, m: SaMessage, via: OutcomeVia, fx: SessionEffect[]): SessionOutcome | undefined {
  const f = m.fields
  const t = s.target
  const c = s.config
  const verdict = statusOutcome(f.status)
  if (verdict === 'unknown') return undefined
  const review: string[] = []
  if (f.terminalId !== undefined && f.terminalId !== '' && f.terminalId !== c.terminalId) {
    review.push('terminal-id')
    fx.push({ type: 'notice', message: msg(INPAS_MSG.tidMismatch, { got: f.terminalId, want: c.terminalId }) })
  }
  if (f.amount !== undefined && f.amount !== t.amount) review.push('amount')
  if (f.currencyCode !== undefined && f.currencyCode !== c.currency && verdict === 'approved') review.push('currency')
  if (!echoes(f, t.ecrNo)) review.push('ecr-no')
  if (m.suspect) review.push('duplicate-tags')
  if (review.length) fx.push({ type: 'log', level: 'warn', text: `final flagged for review: ${review.join(', ')}` })
  const server = f.textResponse !== undefined ? displayText(f.textResponse) : undefined
  if (verdict === 'approved') {
    const method = methodOf(c, m)
    const ref: InpasRef = {
      ecrNo: t.ecrNo,
      method,
      switched: t.kind === 'pay' && !t.askedSbp && method === 'sbp',
      offline: f.status === STATUS.offline,
      ...(f.referenceNumber ? { rrn: f.referenceNumber } : {}),
      ...(f.authorizationCode ? { authCode: f.authorizationCode } : {}),
      ...(f.terminalId ? { terminalId: f.terminalId } : {}),
      ...(f.responseCodeHost ? { hostCode: f.responseCodeHost } : {}),
      ...(f.terminalDateTime ? { terminalDateTime: f.terminalDateTime } : {}),
    }
    const slip = slipOf(f.receiptData)
    return { kind: 'approved', ref, ...(slip ? { slip } : {}), message: msg(INPAS_MSG.resultApproved), via, review }
  }
  const status = f.status!
  const code = f.responseCodeHost ? `${status}/${f.responseCodeHost}` : String(status)
  return { kind: 'declined', code, message: declineMessage(s, status, server), notSent: false, via, review }
}

function declineMessage(s: SessionState, status: number, server: string | undefined): Msg {
  const t = s.target
  const o = t.original
  // § 6.6: the terminal declined what the bank may not support — give the same advice as the local refusal.
  if (t.kind === 'refund' && o && status === STATUS.declined) {
    if (o.switched) return msg(INPAS_MSG.refundSwitched, undefined, server)
    if (o.method === 'sbp' && o.sameDay && t.amount < o.amount - o.refunded) return msg(INPAS_MSG.refundPartialSameDay, undefined, server)
  }
  if (status === STATUS.aborted) return msg(INPAS_MSG.resultAborted, undefined, server)
  if (status === STATUS.noConnection) return msg(INPAS_MSG.resultNoConnection, undefined, server)
  return msg(INPAS_MSG.resultDeclined, { text: server ?? STATUS_TEXT[status] ?? String(status) }, server)
}

/** § 3.4 (`hostRelay = refuse`): answer at once so the terminal fails fast; keep waiting for the final. */
function onRelay(s: SessionState, m: SaMessage, fx: SessionEffect[]): SessionState {
  const sub = m.fields.commandMode2 as 16 | 17
  const close = sub === SERVICE.hostConnection && m.fields.commandMode === 0
  const r = buildHostRelayReply({ sub, result: close ? 0 : 1 })
  if (r.ok) {
    const fields: Fields = [
      [TAG.operationCode, String(OP.service)],
      [TAG.commandMode2, String(sub)],
      [TAG.commandResult, close ? '0' : '1'],
    ]
    fx.push({ type: 'send', data: r.value, fields, kind: 'reply' })
  }
  const size = m.fields.fileData?.length ?? 0
  if (s.relayNoticed) {
    fx.push({ type: 'log', level: 'info', text: `host relay 63/${sub} refused (field 70: ${size} bytes)` })
    return s
  }
  // Log the requested address once (an open carries "ip;port;"); never the contents of a data transfer.
  const address = sub === SERVICE.hostConnection && m.fields.fileData ? decodeCp1251(m.fields.fileData) : `${size} bytes`
  fx.push(
    { type: 'log', level: 'warn', text: `host relay 63/${sub} requested (${address}); refused` },
    { type: 'notice', message: msg(INPAS_MSG.adminHostRelay) },
  )
  return { ...s, relayNoticed: true }
}

/** § 3.3: the PDK QR notify — show the link only if it is a valid dynamic NSPK link for this amount. */
function onQrNotify(s: SessionState, m: SaMessage, fx: SessionEffect[]): SessionState {
  const t = s.target
  if (t.kind !== 'pay' || s.phase !== 'waiting') {
    fx.push({ type: 'log', level: 'info', text: 'QR notify outside a payment ignored' })
    return s
  }
  // A QR on a card payment means the customer pressed 1 (B4): the cashier's hint follows.
  let next = prompt(s, INPAS_MSG.waitQr, fx)
  if (!s.config.mirrorQr) return next
  const text = m.fields.receiptData ?? ''
  const link = (parseReceipt(text).find((r) => r.tag === RECEIPT_TAG.customer)?.text ?? text).trim()
  const p = parseSbpLink(link)
  const why = !p.ok
    ? p.error.kind
    : !p.value.dynamic
      ? 'not dynamic'
      : p.value.sum !== t.amount
        ? `sum ${p.value.sum ?? 'absent'} ≠ ${t.amount}`
        : p.value.cur !== 'RUB'
          ? 'currency'
          : undefined
  if (why !== undefined) {
    fx.push({ type: 'log', level: 'warn', text: `QR notify not shown: ${why}` })
    return next
  }
  if (next.qrShown !== link) {
    fx.push({ type: 'showQr', link })
    next = { ...next, qrShown: link }
  }
  return next
}

// ---------------------------------------------------------------------------------------------------------
// Resolution (§ 6.4)

function onCheckLink(s: SessionState, m: SaMessage, fx: SessionEffect[]): SessionState {
  const f = m.fields
  if (f.status !== STATUS.approved) {
    fx.push({ type: 'log', level: 'info', text: `check-link answered ${f.status ?? 'no status'}` })
    return backoff(s, fx, true)
  }
  if (f.terminalId !== undefined && f.terminalId !== '' && f.terminalId !== s.config.terminalId) {
    fx.push({ type: 'notice', message: msg(INPAS_MSG.tidMismatch, { got: f.terminalId, want: s.config.terminalId }) })
    return finish(s, { kind: 'needs-attention', reason: 'terminal-id', message: msg(INPAS_MSG.resultNeedsAttention) }, fx)
  }
  const statusPath = s.config.sbpProfile === 'custom' && s.config.sbpStatusOp !== 0
  return ask(s, statusPath ? 'asking' : 'copying', fx)
}

/**
 * A status reply that answers another operation with our ecrNo (found by the fault matrix): a till whose
 * journal and ecrNo counter start afresh (site data cleared, another profile) on a pin-pad that already used that
 * number, and whose own request never reached it, is answered with the older payment. It is not ours when its amount
 * differs, when the pin-pad made it more than a minute before our request, or when its RRN is one we journaled.
 */
export function otherOperation(f: SaMessage['fields'], t: Pick<Target, 'amount' | 'sentAt' | 'knownRrns'>): string | undefined {
  if (f.amount !== undefined && f.amount !== t.amount) return 'amount'
  const at = f.terminalDateTime === undefined ? undefined : localMs(f.terminalDateTime)
  const sent = localMs(t.sentAt)
  if (at !== undefined && sent !== undefined && at < sent - SLIP_SLACK_MS) return 'time'
  if (f.referenceNumber !== undefined && t.knownRrns.includes(f.referenceNumber)) return 'rrn already journaled'
  return undefined
}

function onStatus(s: SessionState, m: SaMessage, fx: SessionEffect[]): SessionState {
  const f = m.fields
  const verdict = statusOutcome(f.status)
  const other = verdict === 'unknown' ? undefined : otherOperation(f, s.target)
  if (other) {
    // Ours never made an entry there (else the pin-pad would answer with it), but nothing here proves it: a person checks.
    fx.push({ type: 'log', level: 'warn', text: `status answered another operation with ecrNo ${s.target.ecrNo} (${other})` })
    return finish(s, { kind: 'needs-attention', reason: 'status-other-operation', message: msg(INPAS_MSG.resultNeedsAttention) }, fx)
  }
  if (verdict !== 'unknown') return finish(s, judge(s, m, 'status', fx)!, fx)
  if (f.status === STATUS.undefined && f.terminalTrxId === s.target.ecrNo) {
    // "No such operation": it never started (§ 6.4 step 2).
    const server = f.textResponse !== undefined ? displayText(f.textResponse) : undefined
    const message = msg(INPAS_MSG.resultDeclined, { text: server ?? STATUS_TEXT[0]! }, server)
    return finish(s, { kind: 'declined', code: '0/not-found', message, notSent: false, via: 'status', review: [] }, fx)
  }
  fx.push({ type: 'log', level: 'info', text: 'status op not supported by the terminal: receipt copy' })
  return ask(s, 'copying', fx)
}

function onCopy(s: SessionState, m: SaMessage, fx: SessionEffect[]): SessionState {
  const text = m.fields.receiptData
  const match = text === undefined ? { match: false as const, why: 'no slip' } : matchSlip(text, s.target, s.config.timeoutS)
  if (!match.match) {
    fx.push({ type: 'log', level: 'warn', text: `receipt copy does not match: ${match.why}` })
    return finish(s, { kind: 'needs-attention', reason: 'slip-mismatch', message: msg(INPAS_MSG.resultNeedsAttention) }, fx)
  }
  const t = s.target
  if (!match.approved) {
    return finish(
      s,
      { kind: 'declined', code: 'slip', message: msg(INPAS_MSG.resultDeclined, { text: 'slip' }), notSent: false, via: 'receipt-copy', review: [] },
      fx,
    )
  }
  const slip = slipOf(text)
  const ref: InpasRef = {
    ecrNo: t.ecrNo,
    method: t.method,
    switched: false,
    offline: false,
    ...(match.rrn ? { rrn: match.rrn } : {}),
    ...(match.authCode ? { authCode: match.authCode } : {}),
  }
  return finish(s, { kind: 'approved', ref, ...(slip ? { slip } : {}), message: msg(INPAS_MSG.resultApproved), via: 'receipt-copy', review: [] }, fx)
}

export type SlipMatch = { match: true; approved: boolean; rrn?: string; authCode?: string } | { match: false; why: string }

/** `YYYYMMDDhhmmss` as milliseconds on a calendar without zones (both sides are terminal-local). */
function localMs(dt: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(dt)
  if (!m) return undefined
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

/** § 6.4 step 3: does this slip (field 90 of a receipt copy) show the operation `t`? */
export function matchSlip(text: string, t: Pick<Target, 'kind' | 'amount' | 'sentAt' | 'knownRrns'>, timeoutS: number): SlipMatch {
  const body = parseReceipt(text).find((r) => r.tag === RECEIPT_TAG.customer)?.text ?? text
  const lines = body.split(/\r?\n/)
  const opLine = t.kind === 'pay' ? /ОПЛАТА ПОКУПКИ/ : /ВОЗВРАТ/
  if (!lines.some((l) => opLine.test(l))) return { match: false, why: 'operation line' }
  const sumLine = lines.find((l) => /СУММА/.test(l))
  const sum = sumLine ? /(\d+)[.,](\d{2})\s*$/.exec(sumLine) : null
  if (!sum || Number(sum[1]) * 100 + Number(sum[2]) !== t.amount) return { match: false, why: 'amount' }
  const date = /(\d{2})\.(\d{2})\.(\d{4})/.exec(body)
  const time = /(\d{2}):(\d{2})(?::(\d{2}))?/.exec(body)
  const sent = localMs(t.sentAt)
  if (!date || !time || sent === undefined) return { match: false, why: 'time' }
  const at = localMs(`${date[3]}${date[2]}${date[1]}${time[1]}${time[2]}${time[3] ?? '00'}`)
  if (at === undefined || at < sent - SLIP_SLACK_MS || at > sent + timeoutS * 1000 + SLIP_SLACK_MS) return { match: false, why: 'time' }
  const rrn = /№ ССЫЛКИ:\s*(\S+)/.exec(body)?.[1]
  if (rrn !== undefined && t.knownRrns.includes(rrn)) return { match: false, why: 'rrn already journaled' }
  const authCode = /КОД АВТОРИЗАЦИИ:\s*(\S+)/.exec(body)?.[1]
  return { match: true, approved: /ОДОБРЕНО/.test(body), ...(rrn ? { rrn } : {}), ...(authCode ? { authCode } : {}) }
}
