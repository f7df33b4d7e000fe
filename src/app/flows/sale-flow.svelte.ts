// One sale as the cashier's screen (`Sale.svelte`) and the self-checkout (`SelfCheckout.svelte`) both take it:
// the amount (typed, or the host's), the payment types offered for it, the choice, the submit, the camera and the
// print effects. The page mints the operation's id and hands it to the engine, which journals the row under it
// before its first request (docs/architecture.md § 4), so the screen follows that row from its first write with
// no probing of the journal. Holds no business rule: the engine decides; this calls it and keeps what is shown.
// Everything with I/O comes in as `SaleFlowDeps` (the screens wire the engine, the journal and the printer; the
// flow tests hand fakes).
import { tick } from 'svelte'
import { formatAmountInput, parseAmountInput, type Minor, type MoneyResult } from '../../domain/money.ts'
import { isFinal, type Operation } from '../../domain/operation.ts'
import type { Msg } from '../../domain/messages.ts'
import type { PayRequest, PaymentTypeView, Result } from '../../../workers/engine/engine.ts'
import type { HostPay, HostState } from '../host.ts'
import type { CameraScan } from '../../scan/scanner.ts'

/** A journal row followed live (`live()` of `live.svelte.ts` in the app). */
export interface Watched {
  readonly value: Operation | undefined
  stop(): void
}

/** One of a device provider's choices (its about.ts `device.choices`: Inpas card or «Оплата QR СБП»). */
export type PayMethod = string

export interface SaleFlowDeps {
  listPaymentTypes(): Promise<PaymentTypeView[]>
  pay(req: PayRequest & { id: string }): Promise<Result<{ op: Operation }>>
  addLoyaltyCard(req: { id: string; paymentTypeId: string; code: string; scannedAt: number; order?: string; tab?: string }): Promise<Result<{ op: Operation }>>
  /** The journal row `id`, live; nothing for `undefined`. */
  watch(id: string | undefined): Watched
  /** Payments not final yet, oldest first (a reload mid-payment shows one again). */
  openPayments(): Promise<Operation[]>
  /** An approved operation's slip, printed once (the host hears the result only after it). */
  print(op: Operation): void
  /** The provider asks for the on-screen QR on paper too. */
  printQr(op: Operation, provider: string): void
  startCamera(elementId: string, onCode: (code: string) => void): Promise<CameraScan>
  /** What the person reads when the camera does not open (denied, missing, busy), never the browser's raw text. */
  cameraProblem(e: unknown): Msg
  /** The host's payment has its journal row: its progress and one result go to the host. */
  hostPaymentStarted(id: string): void
  clearHostPay(): void
  /** A new operation id (a ULID). */
  newId(): string
  now(): number
  /** The payment type's provider maximum, minor units (its `about.ts`); undefined: none declared. */
  maxAmount(t: PaymentTypeView): number | undefined
  /** The till's currency (Settings): a host request without a currency is offered only types of it. */
  tillCurrency(): string | undefined
}

export interface SaleFlowOptions {
  /** This tab's id, kept on the operation (the cashier's till; the self-checkout has none). */
  tab?: string
  /** Ask the type's choice before paying (the till's dialog; the self-checkout asks none). */
  askChoice?: boolean
  /** Print the on-screen QR when the provider asks for it on paper (the till). */
  printQr?: boolean
  /** The host's request is done once its payment is approved (the self-checkout). */
  clearHostWhenPaid?: boolean
  /** Start with the first enabled type chosen (the till; the customer chooses at the self-checkout). */
  preselect?: boolean
}

const PENDING: readonly string[] = ['created', 'sent', 'unknown', 'resolving']

export class SaleFlow {
  readonly #deps: SaleFlowDeps
  readonly #opts: SaleFlowOptions

  /** The host's request (read-only amount here: the engine refuses another amount for the order). */
  host = $state.raw<HostState>({ kind: 'none' })
  readonly hostPay: HostPay | undefined = $derived(this.host.kind === 'pay' ? this.host.pay : undefined)
  amountText = $state('')
  amountError = $state<Msg | undefined>()
  types = $state.raw<PaymentTypeView[]>([])
  /** The engine answered: with no payment type at all the till shows the first-run screen. */
  typesKnown = $state(false)
  typeId = $state<string | undefined>()
  /** The pin-pad's way the customer chose (card or SBP). */
  method = $state<PayMethod | undefined>()
  code = $state('')
  error = $state<Msg | undefined>()
  sending = $state(false)
  /** The type's choice dialog is open (Sendy online: the payment system). */
  choosing = $state(false)
  cameraOpen = $state(false)
  now = $state(Date.now())
  opId = $state<string | undefined>()
  #view = $state.raw<Watched>({ value: undefined, stop: () => undefined })
  readonly op: Operation | undefined = $derived(this.#view.value)
  /** The amount of the sale whose approved result is on screen, and whether the host's request got its payment. */
  #finishedAmount: string | undefined
  #hostPaid = false
  #printedFor: string | undefined
  #qrPrintedFor: string | undefined
  /** The host's payment whose row has not been seen yet. */
  #hostPending: string | undefined
  #camera: CameraScan | undefined
  #ticker: ReturnType<typeof setInterval> | undefined

  /** The currency the sale is in: the host's, else the till's for a host request; any for a typed amount. */
  readonly currency: string | undefined = $derived.by(() => (this.hostPay ? (this.hostPay.currency ?? this.#deps.tillCurrency()) : undefined))
  readonly type: PaymentTypeView | undefined = $derived(this.types.find((t) => t.id === this.typeId && !this.otherCurrency(t)))
  /** The customer scans the till's code, or the pin-pad takes it: nothing to scan here. */
  readonly merchantPresents: boolean = $derived(!!this.type && this.type.payMode !== 'customer-qr')
  readonly busy: boolean = $derived(this.sending || (!!this.op && !isFinal(this.op.state)))
  readonly secondsLeft: number | undefined = $derived(
    this.op?.deadline && !isFinal(this.op.state) ? Math.max(0, Math.ceil((this.op.deadline - this.now) / 1000)) : undefined,
  )
  /** The types a customer may pick for this sale: enabled, and in its currency. */
  readonly offered: PaymentTypeView[] = $derived(this.types.filter((t) => t.enabled && !this.otherCurrency(t)))
  readonly pending: boolean = $derived(!!this.op && PENDING.includes(this.op.state))

  /** Where the scanned code is typed: focused when a payment needs a code and none was given. */
  focusCode: () => void = () => undefined

  constructor(deps: SaleFlowDeps, opts: SaleFlowOptions = {}) {
    this.#deps = deps
    this.#opts = opts
  }

  otherCurrency = (t: PaymentTypeView): boolean => !!this.currency && t.currency !== this.currency

  /** The amount as typed, or the host's. */
  amount(): MoneyResult {
    return parseAmountInput(this.amountText)
  }

  /** Load the types and pick up a payment left open by a reload; `restore` is this screen's own pick. */
  async start(restore: (open: Operation[]) => Operation | undefined = (open) => open.at(-1)): Promise<Operation | undefined> {
    this.#ticker ??= setInterval(() => (this.now = this.#deps.now()), 250)
    this.types = await this.#deps.listPaymentTypes()
    this.typesKnown = true
    if (this.#opts.preselect) this.typeId ??= this.types.find((t) => t.enabled)?.id
    const open = restore(await this.#deps.openPayments())
    if (open) {
      this.watch(open.id)
      this.typeId = open.paymentTypeId
      if (!this.hostPay) this.amountText = formatAmountInput(open.amount)
    }
    return open
  }

  stop(): void {
    clearInterval(this.#ticker)
    this.#ticker = undefined
    this.#view.stop()
    void this.#camera?.stop()
  }

  /** Follow the journal row `id` (nothing for `undefined`). */
  watch(id: string | undefined): void {
    if (id !== this.opId) this.#finishedAmount = undefined
    this.opId = id
    this.#view.stop()
    this.#view = this.#deps.watch(id)
  }

  /** The host's request changed (`onHostState`). */
  setHost(s: HostState): void {
    const was = this.host
    // A request for another order is a new sale: its one approved payment is still to come.
    if (s.kind === 'pay' && (was.kind !== 'pay' || was.pay.order !== s.pay.order)) this.#hostPaid = false
    // A new order by URL in a reused window is a new sale (the host confirms it before it is payable).
    if (s.kind === 'pending' && (was.kind !== 'pending' || was.pay.order !== s.pay.order)) this.amountText = ''
    this.host = s
    // The host's amount replaces the field, so what was said about the field before (an empty one) no longer holds.
    if (s.kind === 'pay') {
      this.amountText = formatAmountInput(s.pay.amount)
      this.amountError = undefined
    }
  }

  choose(typeId: string, method?: PayMethod): void {
    this.typeId = typeId
    this.method = method
  }

  /** The amount is more than the type's provider takes: refused on the till, never sent. */
  aboveMax(type: PaymentTypeView, amount: number): Msg | undefined {
    const max = this.#deps.maxAmount(type)
    return max !== undefined && amount > max ? { key: 'sale.aboveMax', params: { name: type.name, max: formatAmountInput(max) } } : undefined
  }

  /** A finished sale is not charged again by the next scan (a host request takes at most one approved payment). */
  #finishedSaleRefusal(): Msg | undefined {
    if (this.hostPay && this.#hostPaid) return { key: 'common.orderPaid' }
    if (this.op?.kind === 'pay' && this.op.state === 'approved' && this.amountText === this.#finishedAmount) return { key: 'sale.newSaleFirst' }
    return undefined
  }

  /**
   * Pay: the amount, the chosen type and the customer's code (scanned, typed or none when the screen shows one).
   * Answers the engine's refusal, if any (also kept in `error`).
   */
  async submit(o: { code?: string; method?: PayMethod; choice?: string } = {}): Promise<Msg | undefined> {
    if (this.sending) return undefined
    this.error = undefined
    const refusal = this.#finishedSaleRefusal()
    if (refusal) {
      this.error = refusal
      this.code = ''
      return refusal
    }
    const host = this.hostPay
    const parsed: MoneyResult = host ? { ok: true, value: host.amount as Minor } : this.amount()
    if (!parsed.ok) {
      this.amountError = { key: `amount.${parsed.error}` }
      return this.amountError
    }
    this.amountError = undefined
    const type = this.type
    if (!type) {
      this.error = { key: 'sale.chooseType' }
      return this.error
    }
    const above = this.aboveMax(type, parsed.value)
    if (above) {
      // Refused here, never sent: the typed amount is the cashier's to fix; the host's is said where it is shown.
      if (host) this.error = above
      else this.amountError = above
      return above
    }
    const value = this.merchantPresents ? '' : (o.code ?? this.code).trim()
    if (!value && !this.merchantPresents) {
      await tick()
      this.focusCode()
      return undefined
    }
    if (this.#opts.askChoice && !o.choice && (type.choices?.options.length ?? 0) > 1) {
      this.choosing = true
      return undefined
    }
    const method = o.method ?? this.method
    const currency = host ? this.currency : undefined
    const id = this.#deps.newId()
    const before = this.opId
    this.sending = true
    // The row shows as soon as the engine journals it (the QR comes before the reply).
    this.watch(id)
    if (host) this.#hostPending = id
    try {
      const r = await this.#deps.pay({
        id,
        paymentTypeId: type.id,
        amount: parsed.value,
        code: value,
        scannedAt: this.#deps.now(),
        ...(host?.order ? { order: host.order } : {}),
        ...(currency ? { currency } : {}),
        ...(host?.items !== undefined ? { items: host.items } : {}),
        ...(method ? { method } : {}),
        ...(o.choice ? { choice: o.choice } : {}),
        ...(this.#opts.tab ? { tab: this.#opts.tab } : {}),
      })
      if (r.ok) {
        if (r.op.id !== this.opId) this.watch(r.op.id)
        this.#hostSaw(r.op)
        return undefined
      }
      this.#hostPending = undefined
      // An ignored request (a double read of the same scan) leaves the screen as it was.
      if (r.ignored) {
        if (this.opId === id) this.watch(before)
        return undefined
      }
      if (this.opId === id) this.watch(undefined)
      this.error = r.message
      return r.message
    } finally {
      this.sending = false
      this.code = ''
    }
  }

  /** Add the customer's loyalty card to the sale (O!plati): the same scan or on-screen code as a payment. */
  async addLoyalty(): Promise<void> {
    this.error = undefined
    const type = this.type
    if (!type || this.sending) return
    const value = this.merchantPresents ? '' : this.code.trim()
    if (!value && !this.merchantPresents) {
      await tick()
      this.focusCode()
      return
    }
    const id = this.#deps.newId()
    const before = this.opId
    this.sending = true
    this.watch(id)
    try {
      const r = await this.#deps.addLoyaltyCard({
        id,
        paymentTypeId: type.id,
        code: value,
        scannedAt: this.#deps.now(),
        ...(this.hostPay?.order ? { order: this.hostPay.order } : {}),
        ...(this.#opts.tab ? { tab: this.#opts.tab } : {}),
      })
      if (r.ok) {
        if (r.op.id !== this.opId) this.watch(r.op.id)
      } else if (this.opId === id) {
        this.watch(r.ignored ? before : undefined)
        if (!r.ignored) this.error = r.message
      }
    } finally {
      this.sending = false
      this.code = ''
    }
  }

  /** «Новая продажа»: the till is ready for the next customer. */
  newSale(): void {
    this.#deps.clearHostPay()
    this.#hostPaid = false
    this.watch(undefined)
    this.amountText = ''
    this.amountError = undefined
    this.code = ''
    this.error = undefined
    this.choosing = false
    this.#printedFor = undefined
  }

  /** Back to the choice of a payment type (the self-checkout's «Назад», «Другой способ»). */
  chooseAgain(): void {
    this.watch(undefined)
    this.typeId = undefined
    this.method = undefined
    this.error = undefined
  }

  async openCamera(elementId: string): Promise<void> {
    this.cameraOpen = true
    await tick()
    try {
      this.#camera = await this.#deps.startCamera(elementId, (text) => {
        void this.closeCamera()
        void this.submit({ code: text })
      })
    } catch (e) {
      this.cameraOpen = false
      this.error = this.#deps.cameraProblem(e)
    }
  }

  async closeCamera(): Promise<void> {
    this.cameraOpen = false
    await this.#camera?.stop()
    this.#camera = undefined
  }

  #hostSaw(op: Operation): void {
    if (this.#hostPending !== op.id) return
    this.#hostPending = undefined
    if (this.hostPay && op.order === this.hostPay.order) this.#deps.hostPaymentStarted(op.id)
  }

  /**
   * The flow's effects; call once while the screen is created (an effect context): the host hears of its payment as
   * soon as the row is journaled, an approved slip prints once, the QR prints when the provider asks for it.
   */
  effects(): void {
    $effect(() => {
      const op = this.op
      if (op) this.#hostSaw(op)
    })
    $effect(() => {
      const op = this.op
      if (op?.kind === 'pay' && op.state === 'approved' && this.#finishedAmount === undefined) {
        this.#finishedAmount = this.amountText
        if (this.hostPay) this.#hostPaid = true
      }
    })
    $effect(() => {
      const op = this.op
      if (op?.state !== 'approved') return
      if (op.slip && this.#printedFor !== op.id) {
        this.#printedFor = op.id
        this.#deps.print(op)
      }
      if (this.#opts.clearHostWhenPaid && op.kind === 'pay' && this.hostPay && op.order === this.hostPay.order) this.#deps.clearHostPay()
    })
    if (this.#opts.printQr)
      $effect(() => {
        const op = this.op
        if (op?.display?.kind !== 'qr' || op.details?.printQr !== true || isFinal(op.state) || this.#qrPrintedFor === op.id) return
        this.#qrPrintedFor = op.id
        this.#deps.printQr(op, this.type?.name ?? '')
      })
  }
}
