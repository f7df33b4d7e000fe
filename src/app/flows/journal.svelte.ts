// The journal's flow, apart from its screen: the filter as typed and as applied, the payment types
// that name the rows, and every reversal the cashier starts (cancel, refund, cancel of a refund, void)
// with its confirmation, the supervisor's PIN, the engine call, the message and the slip; the status
// check and the two exports. The rules (what a row offers, the month boundary, what is left to refund)
// are `src/domain`; this class only calls the engine. Its dependencies come in, so a test runs it
// without a browser, a worker or a database.
import type { Engine, PaymentTypeView } from '../../../workers/engine/engine.ts'
import type { JournalRow } from '../../../workers/engine/journal-query.ts'
import { isoDay, journalCsv, type JournalFilter, type RowKind } from '../../domain/journal.ts'
import { parseAmountInput } from '../../domain/money.ts'
import type { Msg } from '../../domain/messages.ts'
import type { Operation, OpState } from '../../domain/operation.ts'
import type { Slip } from '../../domain/slip.ts'
import { parseDateInput, type DateOrder, type DateParts } from '../../domain/date-input.ts'
import { canCancel, canCancelRefund, canRefund, canVoid, earlierMonth, type ReversalCaps } from '../../domain/reversal.ts'

/** What the flow needs from the page; the screen hands the real ones, a test hands fakes. */
export interface JournalDeps {
  engine: Pick<Engine, 'reverse' | 'voidOrder' | 'checkStatus' | 'exportJournal' | 'listPaymentTypes'>
  /** The app's own yes/no dialog. */
  confirm: (question: string, opts?: { yes?: string; danger?: boolean }) => Promise<boolean>
  /** The supervisor's (or admin's) PIN in front of money going back; true when none is needed. */
  approve: () => Promise<boolean>
  print: (slip: Slip) => Promise<unknown>
  /** Save a file for the person. */
  save: (name: string, text: string, type: string) => void
  now: () => number
  /** The app's language: its words, money, date-time, and the order a typed date takes. */
  words: {
    t: (key: string, params?: Record<string, string | number>) => string
    money: (minor: number, currency: string) => string
    dateTime: (ms: number) => string
    dateOrder: () => DateOrder
    /** The decimal mark of the app's language («,» in ru and uz, «.» in en). */
    decimal: () => string
  }
  /** Calendar parts in the till's zone → an instant (the page: `new Date(y, m − 1, d, h, min)`). */
  instant: (p: DateParts) => number
}

export type ReverseAction = 'cancel' | 'refund' | 'cancelRefund' | 'void'
export const JOURNAL_STATES: readonly OpState[] = [
  'approved',
  'declined',
  'needs-attention',
  'created',
  'sent',
  'unknown',
  'resolving',
  'compensating',
  'compensated',
]

export class JournalFlow {
  // The filter as typed; `filter` is what the list uses once it parses.
  q = $state('')
  fromText = $state('')
  toText = $state('')
  amountText = $state('')
  typeFilter = $state('')
  kindFilter = $state<RowKind | ''>('')
  stateFilter = $state<OpState | ''>('')
  queuedOnly = $state(false)
  filterError = $state<string | undefined>()
  filter = $state.raw<JournalFilter>({})
  pages = $state(1)
  /** A row opened from a link (the reversal of a payment, or what a reversal reverses). */
  focusId = $state<string | undefined>()

  types = $state.raw<PaymentTypeView[]>([])
  message = $state<{ text: Msg; ok: boolean; extra?: string } | undefined>()
  refundFor = $state.raw<JournalRow | undefined>()
  refundText = $state('')
  working = $state(false)

  readonly #d: JournalDeps
  constructor(deps: JournalDeps) {
    this.#d = deps
  }

  async loadTypes(): Promise<void> {
    // Archived types too: their operations keep their name, cancel and refund.
    this.types = await this.#d.engine.listPaymentTypes({ archived: true })
  }

  // ---- the filter ---------------------------------------------------------------------------

  /** A typed «С» / «По» as an instant; NaN when it is not a date in the app's format. */
  #when(text: string, end: boolean): number {
    const p = parseDateInput(text, this.#d.words.dateOrder())
    if (!p) return NaN
    // «По» takes in its whole minute, or its whole day when no time was typed.
    if (!end) return this.#d.instant(p)
    return p.hasTime ? this.#d.instant(p) + 59_999 : this.#d.instant({ ...p, hour: 23, minute: 59 }) + 59_999
  }

  applyFilter(): void {
    this.filterError = undefined
    const f: JournalFilter = {}
    if (this.q.trim()) f.q = this.q.trim().slice(0, 100)
    if (this.fromText.trim()) f.from = this.#when(this.fromText, false)
    if (this.toText.trim()) f.to = this.#when(this.toText, true)
    if (this.amountText.trim()) {
      const a = parseAmountInput(this.amountText)
      if (!a.ok) {
        this.filterError = this.#d.words.t('journal.badFilter', { field: this.#d.words.t('journal.amountFilter') })
        return
      }
      f.amountMin = a.value
      f.amountMax = a.value
    }
    if ((f.from !== undefined && !Number.isFinite(f.from)) || (f.to !== undefined && !Number.isFinite(f.to))) {
      this.filterError = this.#d.words.t('journal.badFilter', { field: this.#d.words.t('journal.time') })
      return
    }
    if (this.typeFilter) f.paymentTypeId = this.typeFilter
    if (this.kindFilter) f.kind = this.kindFilter
    if (this.stateFilter) f.state = this.stateFilter
    if (this.queuedOnly) f.queued = true
    this.focusId = undefined
    this.pages = 1
    this.filter = f
  }

  quick(which: 'attention' | 'queue'): void {
    this.stateFilter = which === 'attention' ? 'needs-attention' : ''
    this.queuedOnly = which === 'queue'
    this.applyFilter()
  }

  resetFilter(): void {
    this.q = this.fromText = this.toText = this.amountText = this.typeFilter = ''
    this.kindFilter = ''
    this.stateFilter = ''
    this.queuedOnly = false
    this.applyFilter()
  }

  // ---- what a row offers (the rules are src/domain/reversal.ts) -------------------------------

  typeOf = (o: Pick<Operation, 'paymentTypeId'>): PaymentTypeView | undefined => this.types.find((t) => t.id === o.paymentTypeId)
  #caps = (o: Operation): ReversalCaps | undefined => this.typeOf(o)?.capabilities

  offers(r: JournalRow): { cancel: boolean; refund: boolean; void: boolean; cancelRefund: boolean; checkStatus: boolean } {
    const caps = this.#caps(r.op)
    const o = r.op
    return {
      cancel: canCancel(r, caps),
      refund: canRefund(r, caps),
      void: canVoid(r, caps),
      cancelRefund: canCancelRefund(r, caps),
      // «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51): an approved or needs-attention payment or refund on the pin-pad.
      checkStatus: !!this.typeOf(o)?.statusCheck && (o.kind === 'pay' || o.kind === 'refund') && (o.state === 'approved' || o.state === 'needs-attention'),
    }
  }

  /** A payment from an earlier month in its currency's zone: a processor may refuse to reverse it. */
  earlierMonth = (o: Pick<Operation, 'createdAt' | 'currency'>): boolean => earlierMonth(o, this.#d.now())

  // ---- reversals ------------------------------------------------------------------------------

  /**
   * Every reversal the cashier starts — cancel, refund, cancel of a refund, void of a receipt — goes
   * through here: the confirmation, the supervisor PIN, the engine call, the message and the slip.
   */
  async reverse(action: ReverseAction, o: Operation, amount?: number): Promise<void> {
    const { t, money } = this.#d.words
    const sum = money(amount ?? o.amount, o.currency)
    const question =
      action === 'cancel'
        ? t('journal.confirmCancel', { amount: sum }) + (this.earlierMonth(o) ? `\n${t('journal.earlierMonth')}` : '')
        : action === 'cancelRefund'
          ? t('journal.confirmCancelRefund', { amount: sum })
          : action === 'void'
            ? t('journal.confirmVoid', { order: o.order ?? '' })
            : undefined
    // A refund is confirmed by its own form («Выполнить возврат» under the amount), so it asks nothing more.
    if (question !== undefined && !(await this.#d.confirm(question))) return
    if (!(await this.#d.approve())) return
    this.working = true
    this.message = undefined
    try {
      if (action === 'void') {
        const r = await this.#d.engine.voidOrder({ order: o.order! })
        if (!r.ok) this.message = { text: r.message, ok: false }
        else {
          const refused = r.results.find((x) => x.outcome === 'refused')
          const queued = r.results.find((x) => x.outcome === 'queued')
          this.message = refused
            ? { text: refused.message ?? { key: 'journal.voidRefused' }, ok: false }
            : { text: queued?.message ?? { key: 'journal.voided' }, ok: !queued }
        }
        return
      }
      const kind = action === 'refund' ? 'refund' : 'cancel'
      const r = await this.#d.engine.reverse({ opId: o.id, kind, ...(amount !== undefined ? { amount } : {}) })
      if (!r.ok) this.message = { text: r.message, ok: false }
      else
        this.message = {
          text: r.op.state === 'approved' ? { key: `rowResult.${action}` } : (r.op.message ?? { key: `state.${r.op.state}` }),
          ok: r.op.state === 'approved',
        }
      if (r.ok && r.op.state === 'approved' && r.op.slip) await this.#d.print(r.op.slip)
    } finally {
      this.working = false
    }
  }

  /** The refund form opens at its row, with what is left to refund in it, grouped as the app writes it. */
  openRefund(r: JournalRow): void {
    this.refundFor = r
    const minor = r.remaining ?? r.op.amount
    // «25 000» or «25 000,50» in the amount field: no currency (the field takes a number), no «.00».
    const whole = Math.floor(minor / 100)
    const cents = minor % 100
    const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')
    this.refundText = cents ? `${grouped}${this.#d.words.decimal()}${String(cents).padStart(2, '0')}` : grouped
  }

  closeRefund(): void {
    this.refundFor = undefined
  }

  async submitRefund(): Promise<void> {
    const r = this.refundFor
    if (!r) return
    const parsed = parseAmountInput(this.refundText)
    if (!parsed.ok) {
      this.message = { text: { key: `amount.${parsed.error}` }, ok: false }
      return
    }
    this.refundFor = undefined
    await this.reverse('refund', r.op, parsed.value)
  }

  async checkStatus(o: Operation): Promise<void> {
    const { t } = this.#d.words
    this.working = true
    this.message = undefined
    try {
      const r = await this.#d.engine.checkStatus({ opId: o.id })
      if (!r.ok) this.message = { text: r.message, ok: false }
      else if (!r.answer.ok) this.message = { text: r.answer.message, ok: false }
      else {
        const verdict = r.settled
          ? t('journal.statusSettled', { state: t(`state.${r.op.state}`) })
          : t(r.answer.matches ? 'journal.statusMatches' : 'journal.statusDiffers')
        this.message = { text: r.answer.message, ok: r.settled || r.answer.matches, extra: verdict }
      }
    } finally {
      this.working = false
    }
  }

  // ---- exports --------------------------------------------------------------------------------

  #day = () => isoDay(this.#d.now())

  /** The journal as the engine keeps it (JSON: for support and for another program). */
  async exportJson(): Promise<void> {
    // A failed export says so (it used to fail with no word).
    try {
      this.#d.save(`paydesk-journal-${this.#day()}.json`, await this.#d.engine.exportJournal(), 'application/json')
    } catch (e) {
      this.#failed(e)
    }
  }

  /** The journal for a person: a spreadsheet with local times, major units and the app's words, like the reports' CSV. */
  async exportCsv(): Promise<void> {
    try {
      const { operations } = JSON.parse(await this.#d.engine.exportJournal()) as { operations: Operation[] }
      this.#d.save(`paydesk-journal-${this.#day()}.csv`, journalCsv(operations, this.typeName, this.#d.words.t, this.#d.words.dateTime), 'text/csv')
    } catch (e) {
      this.#failed(e)
    }
  }

  #failed(e: unknown) {
    this.message = { text: { key: 'export.failed', params: { error: e instanceof Error ? e.message : String(e) } }, ok: false }
  }

  // ---- a row in the cashier's words -------------------------------------------------------------

  /** The row's own result text: an approved reversal says what it did, not «Оплата прошла успешно». */
  resultText(r: JournalRow, m: (message: Msg | undefined) => string): string {
    const o = r.op
    const { t } = this.#d.words
    if (o.state === 'approved' && r.kind !== 'pay' && r.kind !== 'reconcile' && r.kind !== 'loyalty') return t(`rowResult.${r.kind}`)
    if (o.state === 'approved' && r.kind === 'loyalty' && !o.message) return t('rowResult.loyalty')
    return m(o.message)
  }

  /** A payment whose whole amount went back: its badge says so. */
  reversedAs(r: JournalRow): 'cancel' | 'refund' | undefined {
    if (r.op.kind !== 'pay' || r.reversal?.state !== 'approved') return undefined
    if (r.reversal.kind !== 'refund') return 'cancel'
    return r.remaining === 0 ? 'refund' : undefined
  }

  typeName = (o: Pick<Operation, 'paymentTypeId'>): string => {
    const { t } = this.#d.words
    const ty = this.typeOf(o)
    return ty ? `${ty.name} · ${t('journal.typeNo', { number: ty.number })}${ty.archived ? ` (${t('journal.archivedType')})` : ''}` : o.paymentTypeId
  }
}
