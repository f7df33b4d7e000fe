// The provider contract (docs/architecture.md § 3): what the engine hands a provider (an OpCtx with a
// transport, clock, log and a durable `commit`), and what a provider offers the engine.
import type { ConfigSchema, ConfigValues } from '../../src/domain/config.ts'
import type { Msg } from '../../src/domain/messages.ts'
import type { Operation, OpPatch, ProviderId } from '../../src/domain/operation.ts'
import type { Slip } from '../../src/domain/slip.ts'
import type { SaleItem } from '../../src/domain/sale.ts'
import type { Http } from '../transport/http.ts'
import type { SerialLike } from '../transport/serial.ts'
import type { Clock } from '../engine/clock.ts'
import type { Logger } from '../engine/log.ts'

export interface Capabilities {
  payModes: ('customer-qr' | 'merchant-static' | 'merchant-dynamic' | 'pinpad')[]
  cancel: boolean
  refund: 'none' | 'full' | 'partial'
  cancelRefund: boolean
  void: boolean
  reconcile: boolean
  loyalty: boolean
  shifts: boolean
  blockWhileCompensating: boolean
}

/**
 * What a provider has unless its `index.ts` says otherwise: it takes the customer's QR and nothing more. A new
 * capability gets its default here, so only the providers that have it declare it (docs/architecture.md § 3).
 */
export const CAPABILITY_DEFAULTS: Readonly<Capabilities> = {
  payModes: ['customer-qr'],
  cancel: false,
  refund: 'none',
  cancelRefund: false,
  void: false,
  reconcile: false,
  loyalty: false,
  shifts: false,
  blockWhileCompensating: false,
}

/** A provider's capabilities: what it declares over the defaults. */
export function capabilities(declared: Partial<Capabilities>): Capabilities {
  return { ...CAPABILITY_DEFAULTS, payModes: [...(declared.payModes ?? CAPABILITY_DEFAULTS.payModes)], ...declared }
}

/**
 * What the worker hands the providers when it builds them (registry.ts). Demo builds only: the emulated serial
 * port of the in-page pin-pad (sandbox/inpas); a production build passes nothing, so no emulator is reachable.
 */
export interface ProviderEnv {
  /** `in-page`: the emulator in this worker; `bridge`: the sandbox's Node emulator over a local WebSocket. */
  emulatedSerial?: (kind: 'in-page' | 'bridge') => Promise<SerialLike>
}

/** A payment type a demo build seeds on first start, bound to the sandbox (docs/architecture.md § 4a); lives in `sandbox/<id>/demo.ts`. */
export interface DemoPaymentType {
  provider: ProviderId
  name: string
  values: ConfigValues
  secrets: Record<string, string>
}

/** A url that points at the sandbox (`/sandbox/…` on the app's origin or on a sandbox server). */
export function isSandboxUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false
  try {
    return new URL(url, 'http://paydesk.invalid').pathname.startsWith('/sandbox/')
  } catch {
    return false
  }
}

export interface PaymentType {
  id: string
  /** The payment-type number of the host POS (seed: «Номер типа оплаты»). */
  number: number
  name: string
  provider: ProviderId
  values: ConfigValues
  /** Keys of an imported `.conf` that Paydesk does not use: kept, shown, and exported again. */
  foreign?: Record<string, string>
  /** Set by the store's config (that version): its fields, but the per-till ones, are the store's. */
  managed?: { version: number }
  /**
   * Deleted while it had operations: kept so the journal, refunds and reports still find it,
   * hidden from the till and from Settings, never offered for a new payment. Epoch ms.
   */
  archived?: number
}

/** Everything a provider may do while it drives one operation. */
export interface OpCtx<C> {
  /** The latest committed state of the operation. */
  readonly op: Operation
  readonly config: C
  readonly paymentType: PaymentType
  readonly http: Http
  readonly clock: Clock
  readonly log: Logger
  /** Persist a change before the next side effect (docs/architecture.md § 4). */
  commit(patch: OpPatch): Promise<Operation>
  /**
   * Commit `compensating` (or the patch's own state, e.g. a `declined` pay whose receipt gets
   * a safety cancel) and queue a compensation of this operation, in one transaction (R4.6, R5).
   */
  compensate(patch: OpPatch): Promise<void>
  /** Commit this operation's own unknown outcome and hand it to the durable queue (a lost cancel reply). */
  queueSelf(patch: OpPatch): Promise<void>
  /** True while the cashier still waits on the screen (docs/rules.md R4.4). */
  waiting(): boolean
  /** Wait `ms` between polls; returns early when the cashier stops waiting. */
  pause(ms: number): Promise<void>
  /** Provider-scoped durable key/value store (settings table). */
  store: {
    get<T>(key: string): Promise<T | undefined>
    put(key: string, value: unknown): Promise<void>
    /** Read a counter, advance it by one and return the new value, in one transaction (two tabs never share a number). */
    next(key: string): Promise<number>
  }
}

export interface ReconcileOptions {
  /** Dates `YYYY-MM-DD` (O!plati E8 `shiftStart` / `shiftEnd`), or date-times `YYYY-MM-DDTHH:mm` in the provider's zone (Sendy reports). */
  start?: string
  end?: string
  /** A report of one server shift (Sendy «Печать отчета» by shift number); with `detail`, one line per transaction. */
  shift?: number
  detail?: boolean
  /** Entries of this provider still waiting in the queue (the report lists them). */
  queued: number
}

/** What a provider may use outside an operation (a reachability probe, an admin action). */
export type ProbeCtx<C> = Pick<OpCtx<C>, 'config' | 'paymentType' | 'http' | 'clock' | 'log' | 'store'>

export type PayMode = Capabilities['payModes'][number]

/** `definitive`: the server refused (counts toward needs-attention); otherwise a transport failure or a wait. */
export type QueueVerdict = { kind: 'done' } | { kind: 'retry'; error: string; definitive?: boolean }

/**
 * What the page may know of a provider without its code: `<id>/about.ts` exports the `ABOUT` (everything but the
 * schema: workers/providers/till-catalog.ts, in the till's first load) and the settings form's `SCHEMA` (joined in by
 * workers/providers/catalog.ts, for Settings and the console).
 */
export interface ProviderAbout {
  id: ProviderId
  /** The settings form's heading and «Добавить» button. */
  title: string
  schema: ConfigSchema
  /** Message key the till shows under "scan" for this provider. */
  scanHint: string
  /** A provider whose customer acts on a device (a pin-pad): the screens render it from this, never from its id. */
  device?: DeviceAbout
  /** A provider that signs in with a stored token: the texts of Settings' token row. */
  token?: TokenAbout
  /** The app the customer knows (Click, Payme): the self-checkout's tile and instruction say it, not the admin's type name. */
  appName?: string
  /** The largest amount the provider takes, minor units: a larger one is refused on the till, never sent. */
  maxAmount?: number
}

/** A provider's `ABOUT`: what the till knows of it, without the settings form's schema. */
export type TillAbout = Omit<ProviderAbout, 'schema'>

/** What the till, the self-checkout and Settings show for a device provider (all texts are message keys). */
export interface DeviceAbout {
  /** The heading over the choices on the till. */
  title: string
  /** What the cashier starts on the device; `when` names a boolean setting that must be on to offer the choice. */
  choices: readonly { id: string; label: string; when?: string }[]
  /** The self-checkout starts the first choice of this list that is offered. */
  kiosk: readonly string[]
  /** The cashier may cancel while the device waits for the customer (the till's «Отменить оплату»). */
  cancelWhileWaiting: boolean
  /** Settings' port row: the setting and value that mean "the emulator", and the texts. */
  port: {
    emulated: { field: string; value: string }
    emulatedNote: string
    choose: string
    chosen: string
    notChosen: string
    unsupported: string
  }
}

export interface TokenAbout {
  /** The button that forgets the stored token, and its confirm. */
  reset: string
  confirm: string
  /** What Settings says of the stored token, by the provider's token state (`none`: no token stored). */
  states: { none: string } & Readonly<Record<string, string>>
}

export interface Provider<C> {
  id: ProviderId
  title: string
  currency: string
  schema: ConfigSchema
  /** Message key the till shows under "scan" (from `about.ts`). */
  scanHint: string
  capabilities: Capabilities
  /** Customer-code lifetime for the local freshness check (docs/rules.md R6). */
  codeLifetimeMs: number
  /** Smallest gap between queue attempts (the provider's poll floor). */
  queueFloorMs: number
  /** Typed config from stored values and secrets; only called when nothing required is missing. */
  toConfig(values: ConfigValues, secrets: Record<string, string>): C
  /** Format check of a scanned code; a message when it is refused locally. */
  checkCode(code: string): Msg | undefined
  /** The host's sale items as this provider needs them (PaymeGO: IKPU code and VAT per line); refused before anything is sent. */
  checkItems?(items: readonly SaleItem[]): Msg | undefined
  /**
   * True when these stored values bind the type to an emulator (a `/sandbox/…` url, the in-page pin-pad): such a
   * type only works in a demo build; a production engine shows it disabled and refuses to save or run it.
   */
  emulated?(values: ConfigValues): boolean
  pay(ctx: OpCtx<C>, code: string): Promise<void>
  /** Continue an operation found `sent`, `unknown` or `resolving` after a restart or a lost reply. */
  resume(ctx: OpCtx<C>): Promise<void>
  /** Cancel or refund a payment (the operation's `original`). */
  reverse(ctx: OpCtx<C>, original: Operation): Promise<void>
  /** One queue attempt for a queued operation (own unknown reversal, or a compensation). */
  runQueued(ctx: OpCtx<C>): Promise<QueueVerdict>
  /**
   * Load the provider's client now (its procedures load on first use otherwise, workers/providers/lazy.ts): the
   * worker preloads those of the till's payment types in the background, so the first sale waits for none.
   */
  preload?(): Promise<void>
  /** The cashier's ways to pay on this provider's device (Inpas: `card`, `sbp`); the engine keeps the choice as `details.method`. */
  payMethods?: readonly string[]
  /** The code the host POS gets back for the fiscal receipt (ClickPass and PaymeGO `paymentProvider`). */
  providerCode?(config: C): number | undefined
  /** Which of this provider's durable store keys hold secrets (O!plati's tokens): masked in logs and exports. */
  secretStoreKey?(key: string): boolean
  /** With `blockWhileCompensating`: whether the provider last found its server unreachable (docs/protocols/oplati.md § 4.4). */
  unreachable?(ctx: ProbeCtx<C>): Promise<boolean>
  /** How this payment type takes a payment (O!plati `mode`); default `customer-qr`. */
  payModeOf?(config: C): PayMode
  /**
   * With `blockWhileCompensating`: a read-only call that proves the server is reachable (O!plati E8).
   * While the provider is unreachable or has queued work, a new operation probes, drains, or is refused.
   */
  probe?(ctx: ProbeCtx<C>): Promise<boolean>
  /** The refusal shown while blocked (O!plati message D). */
  blockedMessage?: Msg
  /** Provider wording for engine refusals: a refund above what remains, a refund of a refund, a cancel queued while blocked. */
  messages?: { refundTooLarge?: Msg; refundOfRefund?: Msg; cancelQueued?: Msg }
  /**
   * Reconciliation of cashless totals (O!plati сверка итогов): the server's list for the shift against
   * this payment type's journal; the printed report, and the net total.
   */
  reconcile?(
    ctx: ProbeCtx<C>,
    journal: readonly Operation[],
    opts: ReconcileOptions,
  ): Promise<{ ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }>
  /**
   * Where the provider's own period starts (O!plati: its shift is the Minsk day, docs/protocols/oplati.md § 4.9).
   * The day close hands `closeDay` the journal from there, not from the till's last Z: a second Z on the
   * same day reconciles the provider's whole period against its operations. Absent: the till's shift.
   */
  closeDaySince?(now: number): number
  /** Capabilities a setting turns off for one payment type (Sendy: `allowRefund` off → no refund). */
  capabilitiesOf?(config: C): Partial<Capabilities>
  /** The provider's own end of day, run by the till's day close (O!plati E8, Inpas settlement op 59, Sendy shift close). */
  closeDay?(
    ctx: ProbeCtx<C>,
    journal: readonly Operation[],
    opts: ReconcileOptions,
  ): Promise<{ ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }>
  /**
   * Why a payment type whose settings are complete still cannot take payments (Sendy: not activated,
   * or the server answered 401); undefined when it can. The engine shows it disabled with this reason.
   */
  unavailable?(ctx: ProbeCtx<C>): Promise<Msg | undefined>
  /**
   * Options the cashier picks before paying (Sendy online mode: the payment system, seed rule 1.3.2).
   * With more than one option the UI asks with `title`; the pick reaches `pay` as `ctx.op.details.choice`.
   */
  payChoices?(ctx: ProbeCtx<C>): Promise<{ title: Msg; options: { id: string; label: string }[] } | undefined>
  /** Add the customer's loyalty card (O!plati C6), following the pay mode; the card number goes in `details.cardNumber`. */
  loyalty?(ctx: OpCtx<C>, code: string): Promise<void>
  /**
   * The cashier's «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51): ask the provider for the status of a payment or refund
   * already journaled. Reads only; for an operation in `needs-attention` a definitive answer may carry `settle`,
   * which the engine journals.
   */
  status?(ctx: ProbeCtx<C>, op: Operation): Promise<StatusAnswer>
  /**
   * «Проверить связь»: one harmless request that proves the url and the credentials — reachable
   * and accepted, credentials refused (with the server's words), or not reachable.
   */
  checkConnection?(ctx: ProbeCtx<C>): Promise<ConnectionCheck>
  /**
   * Admin actions on the payment type's durable state (O!plati «Сбросить токен», Sendy «Активация»).
   * An action may ask for typed `inputs` (label = message key; `secret` fields are masked and never
   * stored by the engine); Settings renders them as labelled fields above the action's button.
   */
  admin?: { status(ctx: ProbeCtx<C>): Promise<Record<string, string | boolean>>; actions: Record<string, AdminAction<C>> }
}

export interface AdminAction<C> {
  /** Declared (even empty): Settings renders the action generically, with these labelled fields above its button. */
  inputs?: { name: string; label: string; secret?: boolean }[]
  /** A message key Settings asks the admin to confirm before running it (Sendy «Повторить активацию»). */
  confirm?: string
  run(ctx: ProbeCtx<C>, input: Record<string, string>): Promise<Msg>
}

/** What «Проверить связь» found: `detail` is the server's or pin-pad's own answer when there is one. */
export type ConnectionCheck = { verdict: 'ok' | 'refused' | 'unreachable'; detail?: Msg; reason?: string }

/** What the provider learnt of an operation's status; `matches` = it agrees with the journal. */
export type StatusAnswer =
  { ok: true; outcome: 'approved' | 'declined' | 'not-found' | 'unknown'; message: Msg; matches: boolean; settle?: OpPatch } | { ok: false; message: Msg }

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = Provider<any>
