// Types and tuning constants of the Inpas pin-pad emulator core (docs/protocols/inpas-sbp.md § 5). The core is a
// pure machine `step(state, event) → {state, effects}`; everything it knows lives in `PinpadState`, everything
// it wants done comes back as `Effect`s. No `node:*` imports here or anywhere in the core.

/** § 2.5: the sender waits 5 s for ACK/NAK. */
export const ACK_TIMEOUT_MS = 5000
/** § 2.5: inter-byte timeout inside a frame. */
export const INTER_BYTE_MS = 1000
/** § 5.2 E1: own frames are resent at most 3 times (4 transmissions), then EOT. */
export const MAX_RESENDS = 3
/** § 5.2 E8: op 21 every 5 s while busy. */
export const WAIT_INTERVAL_MS = 5000
/** § 5.2 E6: QR lifetime and card wait of the terminal. */
export const QR_LIFETIME_S = 120
export const CARD_WAIT_S = 60
/** § 5.3: the default demo customer pays after 3 s. */
export const CUSTOMER_AFTER_MS = 3000
/** PDK (sandbox): how long the "bank" takes to authorise once the customer acted. */
export const AUTH_MS = 500
/** PDK (sandbox): how long the terminal waits for the till's answer to a host-relay request (E21). */
export const RELAY_TIMEOUT_MS = 10_000
/** PDK (sandbox): a fixed calendar start (terminal local time, written with UTC getters) for deterministic runs. */
export const DEFAULT_CALENDAR_START = Date.UTC(2025, 0, 15, 10, 0, 0)
/** § 7: the acceptance scenarios use emulator TID 99000001. */
export const DEFAULT_TID = '99000001'

export type Method = 'card' | 'sbp'
export type CustomerChoice = 'card' | 'qr' | 'switch'
export type CustomerOutcome = 'pay' | 'decline' | 'ignore' | 'cancel'
export type EotStage = 'request' | 'waiting' | 'result'
export type HostLinkMode = 'own' | 'via-ecr'

export interface CustomerScript {
  choice: CustomerChoice
  afterMs: number
  outcome: CustomerOutcome
}

export interface BankSettings {
  /** E13: a same-day partial refund is allowed. */
  sameDayPartial: boolean
  /** E15: a payment made after the key-1 switch can be refunded. */
  switchedRefund: boolean
  /** Decline the next money operation (39 = 16). */
  declineNext: boolean
  /** Host unreachable → 39 = 34. */
  hostDown: boolean
}

/** Emulator configuration; every field has a default (`defaultConfig`). */
export interface PinpadConfig {
  /** Field 27. */
  tid: string
  /** Field 28. */
  merchantId: string
  /** NSPK participant id written into SBP links (§ 2.14). */
  sbpBank: string
  /** Calendar start of the terminal (ms, read with UTC getters as terminal local time). */
  calendarStart: number
  qrLifetimeS: number
  cardWaitS: number
  waitIntervalMs: number
  /** E10: DATA longer than this goes out as SOH fragments. */
  sohThreshold: number
  ackTimeoutMs: number
  interByteMs: number
  maxResends: number
  authMs: number
  relayTimeoutMs: number
  /** PDK-SBP/1 codes (§ 3.2). */
  payOp: number
  refundOp: number
  statusOp: number
  qrNotifyOp: number
  methodTag: number
  /** E9: `custom` = notify only when the request carried the method tag (the `custom` profile). */
  qrNotify: 'custom' | 'always' | 'never'
  /** E21: the address the terminal asks the till to open, `ip;port;`. */
  hostAddress: string
  /** E23. */
  onEcrEot: 'abort' | 'ignore'
  customer: CustomerScript
  bank: BankSettings
  hostLink: HostLinkMode
}

export function defaultConfig(): PinpadConfig {
  return {
    tid: DEFAULT_TID,
    merchantId: '990000000001',
    sbpBank: '100000000004',
    calendarStart: DEFAULT_CALENDAR_START,
    qrLifetimeS: QR_LIFETIME_S,
    cardWaitS: CARD_WAIT_S,
    waitIntervalMs: WAIT_INTERVAL_MS,
    sohThreshold: 507,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    interByteMs: INTER_BYTE_MS,
    maxResends: MAX_RESENDS,
    authMs: AUTH_MS,
    relayTimeoutMs: RELAY_TIMEOUT_MS,
    payOp: 1,
    refundOp: 29,
    statusOp: 200,
    qrNotifyOp: 201,
    methodTag: 200,
    qrNotify: 'custom',
    hostAddress: '127.0.0.1;15444;',
    onEcrEot: 'abort',
    customer: { choice: 'card', afterMs: CUSTOMER_AFTER_MS, outcome: 'pay' },
    bank: { sameDayPartial: true, switchedRefund: true, declineNext: false, hostDown: false },
    hostLink: 'own',
  }
}

export type PinpadConfigInput = Partial<Omit<PinpadConfig, 'customer' | 'bank'>> & {
  customer?: Partial<CustomerScript>
  bank?: Partial<BankSettings>
}

// ---------------------------------------------------------------------------------------------------------
// Journal (E12)

export type EntryKind = 'sale' | 'refund'

export interface JournalEntry {
  /** Sequence number inside the emulator. */
  seq: number
  kind: EntryKind
  /** Field 25 of the request (1, 29, 4 …). */
  op: number
  /** Field 26 of the request, when sent. */
  ecrNo?: number
  amount: number
  currency: number
  /** Field 39. */
  status: number
  hostCode: string
  text: string
  method: Method
  switched: boolean
  rrn?: string
  authCode?: string
  pan?: string
  /** Field 21, `YYYYMMDDhhmmss`. */
  terminalDate: string
  /** Sales: total refunded so far. */
  refunded: number
  /** Refunds: RRN of the original sale. */
  origRrn?: string
  /** Closed by a settlement (op 59): ends the same-day window (E13). */
  settled: boolean
  /** Field 90 as sent. */
  slip: string
  /** The result fields as sent (tag → text), for status replies. */
  result: Array<[number, string]>
}

// ---------------------------------------------------------------------------------------------------------
// Link layer state

/** A message the terminal sends: one STX frame or several SOH fragments (E10). */
export interface OutMessage {
  kind: 'wait' | 'notify' | 'relay' | 'final'
  op: number
  data: Uint8Array
}

export interface TxInFlight {
  msg: OutMessage
  frames: Uint8Array[]
  index: number
  /** Transmissions of the current frame so far. */
  sent: number
  /** When the ACK wait of the current frame ends. */
  deadline: number
}

export interface LinkState {
  /** Bytes of a till frame being received (from STX/SOH on); empty = hunting. */
  rxPartial: number[]
  rxLastAt: number
  /** Raw SOH fragments from the till collected so far (§ 2.4: the emulator MAY accept SOH). */
  rxSoh: Uint8Array[]
  queue: OutMessage[]
  cur: TxInFlight | null
  /** Byte chunks held back by `gapMs`, written at `at`. */
  pending: Array<{ at: number; bytes: Uint8Array }>
  /** Answers (ACK/NAK) still owed for a duplicated frame (`dupNext`): swallow them. */
  swallow: number
}

export interface Faults {
  nak: number
  dropAck: number
  lose: number
  corruptNext: { byteIndex?: number } | null
  dupNext: boolean
  split: number[] | null
  stray: number[] | null
  gapMs: number | null
  waitStorm: { everyMs: number; forMs: number } | null
  loseResult: boolean
  eotAt: EotStage[]
}

// ---------------------------------------------------------------------------------------------------------
// Operation in flight

export type OpPhase =
  | 'card' // card prompt (sale: key 1 switches to QR)
  | 'qr' // QR on screen
  | 'refund-card' // later-day refund: tap the card (E14)
  | 'authorising'
  | 'relay-open' // E21: waiting for the till's answer to 63/16 open
  | 'relay-close'
  | 'holding' // result ready, held by a wait storm

export interface Operation {
  kind: EntryKind
  op: number
  amount: number
  currency: number
  ecrNo?: number
  /** The request carried the method tag (PDK-SBP/1 `custom` profile). */
  custom: boolean
  method: Method
  switched: boolean
  phase: OpPhase
  startedAt: number
  /** The raw request frame, to recognise a byte-identical resend. */
  requestRaw: Uint8Array
  /** Customer/QR deadline of the phase (E6). */
  deadline: number | null
  /** When the scripted customer acts. */
  scriptAt: number | null
  authAt: number | null
  relayDeadline: number | null
  nextWaitAt: number
  waitEvery: number
  holdUntil: number | null
  /** The customer (or bank) declines at authorisation. */
  decline: { text: string } | null
  /** Refunds: the original sale's seq. */
  origSeq?: number
  origRrn?: string
  /** Fields of the final result once decided (held during a wait storm). */
  held: { status: number; data: Uint8Array; seq: number } | null
  /** The link was told the exchange is over (eotAt 'waiting'): finish silently. */
  silent: boolean
  /** The SBP link of the QR on the screen (E9), for the pin-pad's screen (`screen.ts`). */
  qrLink?: string
}

// ---------------------------------------------------------------------------------------------------------
// Trace

export type TraceDir = 'in' | 'out'
/** An immutable linked list (newest first), so a step never copies the whole trace. */
export interface TraceNode {
  readonly at: number
  readonly dir: TraceDir
  readonly bytes: Uint8Array
  readonly prev: TraceNode | null
}

export interface PinpadState {
  config: PinpadConfig
  now: number
  bootAt: number
  /** Added to the calendar by `clock.advance` / `clock.nextDay` (core controls). */
  calendarShift: number
  rng: number
  plugged: boolean
  tid: string
  customer: CustomerScript
  bank: BankSettings
  hostLink: HostLinkMode
  link: LinkState
  faults: Faults
  op: Operation | null
  /** Copy-on-write list: entries are replaced, never edited. */
  journal: readonly JournalEntry[]
  nextSeq: number
  /** Seq of the last money operation (E17 receipt copy 64 = 1, E22). */
  lastSeq: number | null
  /** What the pin-pad screen shows (for demos and notices). */
  screen: string
  trace: TraceNode | null
}

// ---------------------------------------------------------------------------------------------------------
// Events, effects, controls

export type ControlAction =
  | { action: 'customer'; choice?: CustomerChoice; afterMs?: number; outcome?: CustomerOutcome }
  | { action: 'pressKey1' }
  | { action: 'tapCard' }
  | { action: 'cancelOnPinpad' }
  /** The customer pays now (QR scanned and confirmed, or card tapped) — the pin-pad page's «pay». */
  | { action: 'customerPay' }
  /** The customer's bank declines now (39 = 16). */
  | { action: 'customerDecline' }
  | { action: 'nak'; n?: number }
  | { action: 'dropAck'; n?: number }
  | { action: 'lose'; n?: number }
  | { action: 'corruptNext'; byteIndex?: number }
  | { action: 'dupNext' }
  | { action: 'split'; sizes: number[] | null }
  | { action: 'stray'; bytes: number[] }
  | { action: 'gapMs'; ms: number }
  | { action: 'waitStorm'; everyMs?: number; forMs: number }
  | { action: 'loseResult' }
  | { action: 'eotAt'; stage: EotStage }
  | { action: 'unplug' }
  | { action: 'replug' }
  | { action: 'reboot' }
  | ({ action: 'bank' } & Partial<BankSettings>)
  | { action: 'hostLink'; mode: HostLinkMode }
  | { action: 'clock.advance'; ms: number }
  | { action: 'clock.nextDay' }
  | { action: 'setTid'; tid: string }
  | { action: 'journal' }
  | { action: 'trace' }

export type PinpadEvent =
  { type: 'bytes'; now: number; data: Uint8Array } | { type: 'tick'; now: number } | { type: 'control'; now: number; action: ControlAction }

export interface TraceEntry {
  at: number
  dir: TraceDir
  hex: string
}

export type Notice =
  | { kind: 'unplug' }
  | { kind: 'replug' }
  | { kind: 'reboot' }
  | { kind: 'journal'; journal: readonly JournalEntry[] }
  | { kind: 'trace'; trace: TraceEntry[] }
  | { kind: 'control-error'; message: string }
  | { kind: 'log'; message: string }

export type Effect = { type: 'write'; bytes: Uint8Array } | { type: 'wakeAt'; at: number } | { type: 'notice'; notice: Notice }

export interface StepResult {
  state: PinpadState
  effects: Effect[]
}
