// The fault matrix's cases (pure): provider row × sandbox fault × route × kill point, chosen by
// pairwise coverage, plus named cases for the known losses and two tabs at once.
//
// Why pairwise: the full product is 11 rows × 9 faults × 5 routes × 6 kill points = 2970
// combinations (fewer once the impossible ones are removed), each a browser kill and reopen of
// 10–20 s — hours, against a CI budget of minutes. The cover is taken over provider (ClickPass,
// PaymeGO, O!plati, Sendy, Inpas) × fault × route × kill point: every pair of values of two factors that some
// possible case contains is in at least one case (every provider meets every fault, every route
// and every kill point; every fault meets every kill point and route; every route every kill
// point) — see `possible` for the combinations that cannot happen. A provider's modes (ClickPass
// with and without confirmMode, O!plati modes 0, 1, 2) take turns within its cases, so each mode
// meets a spread of faults and kill points (not every mode × fault pair: that would double the
// O!plati lane, the slowest, for its 5 s poll floor).
//
// Sendy and the refund from the journal: Sendy joins as a fourth provider (its rows
// `sendy-offline` and `sendy-online`, its own lane), and `refund` as a fifth route (a full
// refund from the journal, on every provider: ClickPass and PaymeGO full, O!plati and Sendy),
// whose in-flight kill point is `cancelInFlight` ("a cancel or refund from the journal in
// flight"). The cover stays at 53 pairwise cases (it was 53 before: the largest pair of
// factors, fault × kill point, still sets the size; the new values fit into cases that were
// needed anyway): 12 of them are Sendy's, 8 are refunds, and the older lanes get shorter (ClickPass
// 22 → 17, PaymeGO 18 → 14, O!plati 13 → 10), so the run grows only by the two named Sendy
// cases; the Sendy lane runs beside the others (about 3 min of its own). The whole matrix,
// 60 cases, took 346–408 s on the loaded 2-core machine. A row's `cannot` keeps a case off a mode
// where the protocol hands the outcome to a person (ClickPass without confirm mode, a payment
// never applied and not found: `needs-attention` by design); the provider's other mode takes it.
//
// Inpas (the pin-pad rows: card and SBP QR, rows.ts `inpasRow`) joined the cover as a fourth provider value. It adds
// no case to the cover: the cover's size is set by fault × kill point (9 × 6, less the impossible ones), and the
// Inpas pairs (its 9 faults, 3 routes — no confirm — and 6 kill points) fit into cases that were needed anyway, so
// 11 of the 53 cases went to Inpas (ClickPass, PaymeGO and O!plati keep 42, each still meeting every fault, route and
// kill point), and the Inpas lane runs beside the others (about 2.5 min). A pin-pad cannot have a bank decline, a host
// error or a pending customer on a status query (its row's `cannot`; ClickPass without confirm mode likewise leaves a payment
// Click never took to its confirm-mode row, as its contract sends "not found" to a person). Two named cases (DEVICE_NAMED_CASES, about 25 s)
// add what the cover did not pick: Inpas killed in flight on a payment the pin-pad then approves.
//
// A till tab that crashes while another lives (the death factor, `DEATHS`) is a fifth factor of two values: it fits into
// cases needed anyway, so the cover went from 53 to 54 cases, 9 of them crashes (every provider, fault, route and kill
// point meets a crash). The scenarios (SCENARIO_CASES: crashed tabs on the modes the cover left out, twice, settings,
// two tills, the self-checkout and a host, O!plati's cancel of a refund and void, the pin-pad mid-payment) are 17
// cases of 15–40 s each; the named cases are seeds of the cover (SEEDS: 18 of them are combinations of the factors
// too), which then needs 44 cases of its own instead of 54, so the matrix grew from 62 to 70 cases, not 80. The cover
// spreads its cases over the lanes by each provider's case time, counting the named cases already in each lane.

import { pairwise, type Combo } from './pairwise.ts'
import { PROVIDER_ROWS, rowById, type AbstractRoute, type ProviderRow } from './rows.ts'

/** The docs/protocols/README.md S3 faults the matrix uses (`reset` is covered by `offline`, which resets every route). */
export const FAULTS = ['decline', 'error', 'noReply', 'lostReply', 'http5xx', 'malformed', 'slow', 'pending', 'offline'] as const
export type Fault = (typeof FAULTS)[number]

export const ROUTES = ['pay', 'confirm', 'status', 'cancel', 'refund'] as const satisfies readonly AbstractRoute[]

/**
 * Where the browser is killed:
 * - `afterJournal`: the operation is in the journal (`created`), its first request held at the browser's edge, never sent;
 * - `inFlight`: the faulted request reached the sandbox (which applied the fault), its reply not yet delivered;
 * - `checking`: the first status query after it is held at the edge (the till is checking the result);
 * - `polling`: two status queries have gone out and the result is still open;
 * - `compensationQueued`: the cashier pressed «Прекратить ожидание», a compensation is in the queue, its request held at the edge
 *   (for a cancel from the journal: the cancel itself queued after its reply went wrong, its retry held);
 * - `cancelInFlight`: a cancel or a refund from the journal reached the sandbox, its reply not yet delivered;
 * - `afterOutcome` (named cases only): once the operation settled or queued, to check what the till decided.
 */
export const KILLS = ['afterJournal', 'inFlight', 'checking', 'polling', 'compensationQueued', 'cancelInFlight'] as const
/** `moved` (named device cases only): once the payment left `sent` after a fault the device played mid-payment. */
export type Kill = (typeof KILLS)[number] | 'afterOutcome' | 'moved'

/**
 * How the till dies at the kill point:
 * - `kill`: the whole browser is killed (SIGKILL, as a power cut) and the same profile is reopened;
 * - `crash`: only the paying tab's renderer dies (CDP `Page.crash`, Chrome's "Aw, Snap!"); a second till tab of the same
 *   profile, open all along, lives on and must take the orphaned sale over (on its timer's sweep, or at once when the
 *   cashier presses the stop there) — no reload, no new worker (docs/orphans.md).
 */
export const DEATHS = ['kill', 'crash'] as const
export type Death = (typeof DEATHS)[number]

export interface MatrixCase {
  id: string
  row: string
  fault: Fault
  route: AbstractRoute
  kill: Kill
  /** More sandbox rules beyond the case's own fault (named cases). */
  extra?: { route: AbstractRoute; fault: Fault; times?: number }[]
  /** Two tabs pay at once on these rows and both drain after the kill. */
  twoTabs?: readonly [string, string]
  /** How the till dies (default `kill`). */
  death?: Death
  /** The same sale dies twice: the reopened till is killed again while it resumes the sale (a status outage keeps it busy). */
  twice?: boolean
  /** Payment type settings an admin changes while the sale is open (before the kill): the resume meets them. */
  settings?: Record<string, string | number | boolean>
  /** Two tills (two browser profiles) on one terminal: the first one's sale never leaves and it dies; the second one pays. */
  twoTills?: boolean
  /** The sale starts on the self-checkout (`#/self`) or on the cashier's screen opened by a host (`#/pay`), through the sample host. */
  screen?: 'self' | 'host'
  /** After the payment from the journal: the cashier cancels that refund (`cancelRefund`) or voids the receipt (`void`) — the case's fault and kill aim at it. */
  then?: 'cancelRefund' | 'void'
  /** Sandbox settings over the row's (a customer slow enough that the till is still polling when it dies). */
  sandboxConfig?: Record<string, unknown>
  /** A device fault played mid-payment (while the customer pays on the pin-pad): a docs/protocols/inpas-sbp.md § 5.3 control sent straight to the device. */
  mid?: { action: string; args?: unknown }
  why?: string
}

const factors = {
  provider: [...new Set(PROVIDER_ROWS.map((r) => r.provider))],
  fault: FAULTS,
  route: ROUTES,
  kill: KILLS,
  death: DEATHS,
}

/** The provider's rows that can take this case. */
function rowsFor(provider: string, route: AbstractRoute, c?: { fault: Fault; kill: string }): ProviderRow[] {
  return PROVIDER_ROWS.filter(
    (r) =>
      r.provider === provider &&
      (route !== 'confirm' || r.routes.confirm) &&
      (route !== 'refund' || r.routes.refund) &&
      (route !== 'cancel' || r.routes.cancel.length > 0) &&
      !(c && r.cannot?.({ ...c, route })),
  )
}

/** A cancel or a refund the cashier starts from the journal (of a payment approved first). */
export const fromJournal = (route: AbstractRoute) => route === 'cancel' || route === 'refund'

/** Combinations that can happen. */
export function possible(c: Combo<typeof factors>): boolean {
  if (rowsFor(c.provider, c.route, c).length === 0) return false
  // A cancel or refund from the journal is its own kill point when in flight; a payment's is `inFlight`.
  if (c.kill === 'cancelInFlight' && !fromJournal(c.route)) return false
  if (c.kill === 'inFlight' && fromJournal(c.route)) return false
  // A cancel or refund is not polled.
  if (c.kill === 'polling' && fromJournal(c.route)) return false
  // `pending` is a state of the payment itself (the sandbox keeps it processing).
  if (c.fault === 'pending' && c.route !== 'pay') return false
  // Held before it left, the operation's faulted request never goes out: the fault must be on its first route.
  if (c.kill === 'afterJournal' && c.route !== 'pay' && !fromJournal(c.route)) return false
  return true
}

const caseId = (c: { row: string; fault: string; route: string; kill: string; death?: string }) =>
  `${c.row}/${c.fault}/${c.route}/${c.kill}${c.death === 'crash' ? '/tab-crash' : ''}`

/** The named cases: each known loss as its own case, and two tabs at once. */
export const NAMED_CASES: readonly MatrixCase[] = [
  {
    id: 'known-1 oplati pay reply lost',
    row: 'oplati-0',
    fault: 'lostReply',
    route: 'pay',
    kill: 'afterOutcome',
    why: 'the browser resends the lost pay; its copy gets DUPLICATE_ORDER',
  },
  {
    id: 'known-2 clickpass confirm reply lost, status down',
    row: 'clickpass-confirm',
    fault: 'lostReply',
    route: 'confirm',
    kill: 'afterOutcome',
    extra: [{ route: 'status', fault: 'http5xx', times: 0 }],
    why: 'no status answer proves nothing: unknown, not declined',
  },
  {
    id: 'known-3 clickpass cancel killed in flight',
    row: 'clickpass',
    fault: 'noReply',
    route: 'cancel',
    kill: 'cancelInFlight',
    why: 'a cancel is resumed as a cancel, not as the payment',
  },
  {
    id: 'known-4 payme cancel killed in flight',
    row: 'payme',
    fault: 'slow',
    route: 'cancel',
    kill: 'cancelInFlight',
    why: 'the cancel went through at Payme; resume must see it',
  },
  {
    id: 'two tabs pay and drain at once',
    row: 'clickpass',
    fault: 'pending',
    route: 'pay',
    kill: 'compensationQueued',
    twoTabs: ['clickpass', 'payme'],
    why: 'both cashiers stop waiting, both compensations queued in one profile; after the kill one tab drains, nothing twice',
  },
]

/**
 * Sendy's named cases: a reply lost after the money moved, with Chromium resending the same
 * request — the copy meets TXN_NUMBER_MISMATCH (our first copy took the number), a refusal that
 * must be checked against our own order before it is believed.
 */
export const SENDY_NAMED_CASES: readonly MatrixCase[] = [
  {
    id: 'sendy offline pay reply lost',
    row: 'sendy-offline',
    fault: 'lostReply',
    route: 'pay',
    kill: 'afterOutcome',
    why: 'the resent offline copy is refused; the payment went through',
  },
  {
    id: 'sendy refund reply lost',
    row: 'sendy-online',
    fault: 'lostReply',
    route: 'refund',
    kill: 'afterOutcome',
    why: 'the resent refund copy is refused; the money went back',
  },
]

/**
 * The pin-pad outlives the till: the browser dies while the customer is still paying on the Inpas
 * pin-pad, the pin-pad approves with nobody listening, and the reopened till must ask the same device about the
 * same ecrNo (busy at first: it answers EOT until the customer is done). The pairwise cover kills Inpas in flight
 * only with a fault that declines, so these two name the approving ones: a slow customer on the SBP QR, and a
 * card payment whose result the pin-pad never sends.
 */
export const DEVICE_NAMED_CASES: readonly MatrixCase[] = [
  {
    id: 'inpas-named-1 sbp customer pays while the till is dead',
    row: 'inpas-sbp',
    fault: 'pending',
    route: 'pay',
    kill: 'inFlight',
    why: 'approved on the pin-pad after the kill; the reopened till finds it by ecrNo',
  },
  {
    id: 'inpas-named-2 card result lost, till killed before it gives up',
    row: 'inpas-card',
    fault: 'lostReply',
    route: 'pay',
    kill: 'inFlight',
    why: 'the money moved, no result ever came; status after the reopen',
  },
]

/**
 * How a busy till really fails, beyond the cover's provider × fault × route × kill point (the cover already crashes a
 * tab on every provider; these name what it did not pick): a crashed tab on the modes and steps the cover gave only
 * killed browsers, the same sale dying twice, settings changed under an open sale, two tills on one Sendy terminal,
 * the self-checkout and a host's window, O!plati's cancel of a refund and void, and the Inpas pin-pad failing while the
 * customer pays. Each takes a few seconds in its provider's lane.
 */
export const SCENARIO_CASES: readonly MatrixCase[] = [
  {
    id: 'crash-1 clickpass without confirm mode, the paying tab crashes while it checks',
    row: 'clickpass',
    fault: 'lostReply',
    route: 'pay',
    kill: 'checking',
    death: 'crash',
    why: 'the payment went through, its reply lost; the other tab takes the sale over and finds it paid',
  },
  {
    id: 'crash-2 clickpass full refund in flight, the tab crashes',
    row: 'clickpass',
    fault: 'noReply',
    route: 'refund',
    kill: 'cancelInFlight',
    death: 'crash',
    why: 'the reversal reached Click, its reply never came; the other tab resumes the refund, never the payment',
  },
  {
    id: 'crash-3 payme full refund in flight, the tab crashes',
    row: 'payme',
    fault: 'lostReply',
    route: 'refund',
    kill: 'cancelInFlight',
    death: 'crash',
    why: 'the receipt was cancelled at Payme, the reply lost; the other tab sees it cancelled',
  },
  {
    id: 'crash-4 sendy online, the tab showing the QR crashes while it polls',
    row: 'sendy-online',
    fault: 'slow',
    route: 'pay',
    kill: 'polling',
    death: 'crash',
    sandboxConfig: { autoCustomerDelayMs: 12_000 },
    why: 'the customer pays the orphaned QR; the stop in the other tab takes it over',
  },
  {
    id: 'crash-5 oplati mode 2, the tab showing the QR crashes while it polls',
    row: 'oplati-2',
    fault: 'slow',
    route: 'pay',
    kill: 'polling',
    death: 'crash',
    sandboxConfig: { autoCustomerDelayMs: 12_000 },
    why: 'the customer pays the orphaned QR; the stop in the other tab takes it over',
  },
  {
    id: 'twice-1 payme pending, killed polling and again while resuming',
    row: 'payme',
    fault: 'pending',
    route: 'pay',
    kill: 'polling',
    twice: true,
    why: 'the resume dies too; the third start still settles it once',
  },
  {
    id: 'twice-2 clickpass confirm reply lost, killed in flight and again while resuming',
    row: 'clickpass-confirm',
    fault: 'lostReply',
    route: 'confirm',
    kill: 'inFlight',
    twice: true,
    why: 'paid at Click, two resumes die before they know',
  },
  {
    id: 'settings-1 clickpass confirm mode turned off while its sale pends',
    row: 'clickpass-confirm',
    fault: 'pending',
    route: 'pay',
    kill: 'polling',
    settings: { confirmMode: false },
    why: 'the sale resumes as it was started (with its confirm), not as the type now says',
  },
  {
    id: 'settings-2 sendy switched from online to offline while the QR is shown',
    row: 'sendy-online',
    fault: 'slow',
    route: 'pay',
    kill: 'polling',
    settings: { mode: 'offline', 'systems.wechat': true },
    sandboxConfig: { autoCustomerDelayMs: 15_000 },
    why: 'an online sale resumes as online (a poll of its QR), whatever the type says now',
  },
  {
    id: 'two tills on one sendy terminal',
    row: 'sendy-online',
    fault: 'noReply',
    route: 'pay',
    kill: 'afterJournal',
    twoTills: true,
    why: 'the dead till’s number is taken by the other till’s paid sale: the resume must not reverse it',
  },
  {
    id: 'self-checkout oplati QR, the kiosk tab crashes while it polls',
    row: 'oplati-2',
    fault: 'pending',
    route: 'pay',
    kill: 'polling',
    death: 'crash',
    screen: 'self',
    sandboxConfig: { autoCustomerDelayMs: 12_000 },
    why: 'the customer pays at a dead kiosk; the till’s tab takes the sale over',
  },
  {
    id: 'host window clickpass confirm reply lost, the browser killed',
    row: 'clickpass-confirm',
    fault: 'lostReply',
    route: 'confirm',
    kill: 'inFlight',
    screen: 'host',
    why: 'a host’s sale by URL resumes like any other after the reopen',
  },
  {
    id: 'oplati cancel of a refund in flight, reply lost',
    row: 'oplati-2',
    fault: 'noReply',
    route: 'cancel',
    kill: 'cancelInFlight',
    then: 'cancelRefund',
    why: 'C5 of the refund reached O!plati; the resume finds out whether the sale is held again',
  },
  {
    id: 'oplati void of a host’s receipt, O!plati down',
    row: 'oplati-2',
    fault: 'http5xx',
    route: 'cancel',
    kill: 'compensationQueued',
    screen: 'host',
    then: 'void',
    why: 'the void’s cancel is queued; after the kill the queue sends it once',
  },
  {
    id: 'inpas-mid-1 card, the pin-pad unplugged while the customer pays',
    row: 'inpas-card',
    fault: 'offline',
    route: 'pay',
    kill: 'moved',
    mid: { action: 'unplug' },
    why: 'the till loses its device mid-payment; after the kill the device is back and is asked by ecrNo',
  },
  {
    id: 'inpas-mid-2 sbp, EOT at the result while the customer pays, the tab crashes',
    row: 'inpas-sbp',
    fault: 'malformed',
    route: 'pay',
    kill: 'moved',
    death: 'crash',
    mid: { action: 'eotAt', args: ['result'] },
    why: 'the result never arrives; the other tab asks the same pin-pad',
  },
  {
    id: 'inpas-mid-3 card, a wait storm while the customer pays',
    row: 'inpas-card',
    fault: 'slow',
    route: 'pay',
    kill: 'moved',
    mid: { action: 'waitStorm', args: { forMs: 4_000, everyMs: 1_000 } },
    why: 'waits keep the link alive; the payment ends once, not timed out under the storm',
  },
]

/**
 * The named cases count towards the cover (as if chosen first): each is a combination of the factors too, so the
 * cover adds only what they leave out, and the matrix grows by less than the named cases' number.
 */
const SEEDS: readonly Combo<typeof factors>[] = [...NAMED_CASES, ...SENDY_NAMED_CASES, ...DEVICE_NAMED_CASES, ...SCENARIO_CASES].flatMap((c) =>
  (KILLS as readonly string[]).includes(c.kill) && !c.twoTabs
    ? [{ provider: rowById(c.row).provider, fault: c.fault, route: c.route, kill: c.kill as (typeof KILLS)[number], death: c.death ?? 'kill' }]
    : [],
)

/** The pairwise cover, each case given the next of its provider's modes in turn. */
export const PAIRWISE_CASES: readonly MatrixCase[] = (() => {
  const turn = new Map<string, number>()
  // Lanes run side by side (one per sandbox): spread the cases by each provider's usual case time (measured: a
  // ClickPass case 24 s, PaymeGO 27 s, Inpas 26 s, O!plati 35 s, Sendy 37 s at load 30–37).
  const cost: Record<string, number> = { clickpass: 1, payme: 1.1, oplati: 1.45, sendy: 1.55, inpas: 1.1 }
  // A lane's named cases (every named case, the ones outside the cover too) are in it already.
  const named = [...NAMED_CASES, ...SENDY_NAMED_CASES, ...DEVICE_NAMED_CASES, ...SCENARIO_CASES]
  const load = (c: Combo<typeof factors>, chosen: readonly Combo<typeof factors>[]) =>
    (chosen.filter((x) => x.provider === c.provider).length + named.filter((x) => rowById(x.row).provider === c.provider).length + 1) * (cost[c.provider] ?? 1)
  return pairwise(factors, possible, SEEDS, load).map(({ provider, ...c }) => {
    const rows = rowsFor(provider, c.route, c)
    // Each death takes its own turn over the provider's modes, so every mode meets a crashed tab as well as a killed browser.
    const key = `${provider}/${c.death}`
    const n = turn.get(key) ?? 0
    turn.set(key, n + 1)
    const row = rows[n % rows.length]!.id
    return { ...c, row, id: caseId({ ...c, row }), kill: c.kill as Kill }
  })
})()

export const MATRIX_CASES: readonly MatrixCase[] = [...NAMED_CASES, ...SENDY_NAMED_CASES, ...DEVICE_NAMED_CASES, ...SCENARIO_CASES, ...PAIRWISE_CASES]

/** The cases that make up the pairwise cover: the cover's own and the named ones it counted (SEEDS). */
export const COVER_CASES: readonly MatrixCase[] = MATRIX_CASES.filter((c) => (KILLS as readonly string[]).includes(c.kill) && !c.twoTabs)

/**
 * Cases known to fail until a fix lands: the runner reports them apart and does not count them as failures.
 * Empty since the four known losses were fixed (they failed here before: known-1 … known-4).
 */
export const PENDING_FIXES: readonly string[] = []
