// The project's own fault matrix: for each case, pay (or cancel or refund from the journal)
// through the real UI in Debian Chromium on a persistent profile, with a sandbox fault on one
// route; kill the browser process at the case's point (found by waiting for a condition: a
// request held at the browser's edge, a sandbox call logged, a journal row seen through the
// page's IndexedDB); reopen the same profile, let the engine resume and the queue drain; then
// compare the journal with the sandbox's own state and call log.
//
// Which cases (matrix/cases.ts): the pairwise cover of provider (ClickPass, PaymeGO, O!plati, Sendy) ×
// fault (decline, error code, noReply, lostReply after the money moved, HTTP 5xx, malformed
// cut-off body, slow, pending, offline) × route (pay, confirm, status, cancel, refund) × kill point (after
// the journal write before the request, request in flight, while checking the result, during
// polling, with a compensation queued, a cancel or refund from the journal in flight), without the
// impossible combinations — every pair of two factors' values at least once, because the full
// product takes hours. A fifth factor says how the till dies: the whole browser killed and the profile
// reopened, or only the paying tab crashed (CDP `Page.crash`) while a second till tab of the profile lives on
// and must take the orphaned sale over (docs/orphans.md). Each provider's modes (ClickPass with and without confirmMode, O!plati
// modes 0, 1, 2, Sendy offline and online) take turns within its cases. Plus named cases: the
// the four known losses, Sendy's lost replies resent by the browser, Inpas killed in flight
// on a payment the pin-pad then approves, and two tabs paying and draining at once; and the scenarios
// (SCENARIO_CASES): the same sale killed twice, settings changed under an open sale, two tills (two profiles)
// on one Sendy terminal, the self-checkout and a host's window, O!plati's cancel of a refund and void, the
// pin-pad unplugged, EOT and a wait storm while the customer pays, crashed tabs the cover did not pick
// (the named cases count towards the cover, so it needs fewer of its own). Cases run in one
// lane per sandbox, side by side. A provider joins as rows (matrix/rows.ts, PROVIDER_ROWS). Inpas
// joins as pin-pad rows (card, SBP QR) with a device: its pin-pad is the sandbox's Node emulator
// behind the WebSocket bridge, so the kill leaves the device and its transaction alive and the
// reopened till asks the same device (runDeviceCase).
//
// A case is judged per payment: lost when the journal and the sandbox disagree on whether the
// merchant holds the money, doubled when the sandbox holds more than one sale for one operation,
// unresolved when an operation is not final (or needs a person) after the drain, or the sandbox
// still has it moving. Cases in PENDING_FIXES are reported apart and do not fail the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { baseURL, CHROMIUM, control, FLAGS } from './support.ts'
import { answerConfirm } from './confirm-support.ts'
import { closeHosts, hostAmountShown, payByUrl, serveHost } from './host-support.ts'
import { fromJournal, MATRIX_CASES, PENDING_FIXES, type Fault, type MatrixCase } from './matrix/cases.ts'
import { faultedRoutes, rowById, type AbstractRoute, type LedgerSale, type ProviderRow } from './matrix/rows.ts'
import { createLanes } from './matrix/lanes.ts'

const FINAL = ['approved', 'declined', 'compensated', 'needs-attention']
/** How long a kill point may take to come; past it the browser is killed anyway and the case says so. */
const POINT_MS = 15_000
/** How long the reopened till may take to settle everything. */
const DRAIN_MS = 60_000

interface JournalOp {
  id: string
  kind: string
  state: string
  paymentTypeId: string
  original?: string
  compensates?: string
  queued?: boolean
  message?: { key: string }
  history: { state: string; note?: string }[]
  details?: Record<string, unknown>
}
interface QueueRow {
  id: number
  opId: string
  nextAttemptAt: number
}

const tick = (ms = 100) => new Promise((r) => setTimeout(r, ms))

// ---- the page's IndexedDB ------------------------------------------------------------------

async function readJournal(page: Page): Promise<{ ops: JournalOp[]; queue: QueueRow[] }> {
  return page.evaluate(
    () =>
      new Promise<{ ops: JournalOp[]; queue: QueueRow[] }>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('operations')) {
            db.close()
            resolve({ ops: [], queue: [] })
            return
          }
          const tx = db.transaction(['operations', 'queue'])
          const ops = tx.objectStore('operations').getAll()
          const queue = tx.objectStore('queue').getAll()
          tx.oncomplete = () => {
            db.close()
            resolve({ ops: ops.result as JournalOp[], queue: queue.result as QueueRow[] })
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
  )
}

/** Payment type settings over the demo seed (short timeouts, the row's mode). */
async function setTypeValues(page: Page, id: string, values: Record<string, unknown>): Promise<boolean> {
  return page.evaluate(
    ({ id, values }) =>
      new Promise<boolean>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('settings')) {
            db.close()
            resolve(false)
            return
          }
          const tx = db.transaction('settings', 'readwrite')
          const store = tx.objectStore('settings')
          const get = store.get('paymentTypes')
          let done = false
          get.onsuccess = () => {
            const row = get.result as { key: string; value: { id: string; values: Record<string, unknown> }[] } | undefined
            const pt = row?.value.find((t) => t.id === id)
            if (!row || !pt) return
            pt.values = { ...pt.values, ...values }
            store.put(row)
            done = true
          }
          tx.oncomplete = () => {
            db.close()
            resolve(done)
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    { id, values },
  )
}

/**
 * The app's queue timers, moved forward: every entry waiting longer than `at` is due at `at`
 * (the backoff would only slow the run; `at` keeps the providers' 5 s poll floor).
 */
async function dueAt(page: Page, at: number): Promise<void> {
  await page.evaluate(
    (at) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction('queue', 'readwrite')
          const store = tx.objectStore('queue')
          const all = store.getAll()
          all.onsuccess = () => {
            for (const e of all.result as { nextAttemptAt: number }[]) if (e.nextAttemptAt > at) store.put({ ...e, nextAttemptAt: at })
          }
          tx.oncomplete = () => {
            db.close()
            resolve()
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    at,
  )
}

// ---- the browser: a persistent profile, opened, killed, reopened ------------------------------

async function openTill(dir: string, tabs: number): Promise<{ context: BrowserContext; pages: Page[] }> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    locale: 'ru-RU',
  })
  await context.addInitScript(() => {
    window.print = () => undefined
  })
  const pages: Page[] = [...context.pages()]
  while (pages.length < tabs) pages.push(await context.newPage())
  await Promise.all(
    pages.map(async (p) => {
      await p.goto(baseURL())
      await p.locator('[data-testid=amount], [data-testid=self]').first().waitFor({ timeout: 30_000 })
    }),
  )
  return { context, pages }
}

/**
 * Kill one tab's renderer (Chrome's "Aw, Snap!", CDP `Page.crash`): its worker dies with it and the browser frees
 * its locks; the browser and the profile's other tabs live on.
 */
async function crashTab(context: BrowserContext, page: Page): Promise<void> {
  const crashed = new Promise((resolve) => page.once('crash', resolve))
  const cdp = await context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined)
  await crashed
}

/** The browser's `online` event in a live tab: its engine's timer loop wakes and sweeps for operations nobody drives (docs/orphans.md). */
async function nudge(page: Page): Promise<void> {
  await page.evaluate(() => window.dispatchEvent(new Event('online'))).catch(() => undefined)
}

/** The browser's processes for this profile, by their command line. */
function browserPids(dir: string): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${dir}`)) out.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** SIGKILL, as a power cut or a crash would: no unload, no flush by the page. */
async function kill(context: BrowserContext, dir: string): Promise<void> {
  const pids = browserPids(dir)
  expect(pids.length).toBeGreaterThan(0)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await until(async () => pids.every((p) => !alive(p)), 10_000)
  await context.close().catch(() => undefined)
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  for (;;) {
    if (await cond().catch(() => false)) return true
    if (Date.now() > end) return false
    await tick()
  }
}

// ---- the sandbox -------------------------------------------------------------------------

function ruleFor(row: ProviderRow, fault: Fault, route: string, times: number): Record<string, unknown> {
  switch (fault) {
    case 'decline':
      return { route, fault, times }
    case 'error':
      return { route, fault, code: row.errorCode, times }
    case 'noReply':
      return { route, fault, holdMs: 4_000, times }
    case 'lostReply':
      return { route, fault, times }
    case 'http5xx':
      return { route, fault: 'http', status: 503, times }
    case 'malformed':
      return { route, fault, times }
    case 'slow':
      return { route, fault, delayMs: 1_500, times }
    case 'pending':
      return { route, fault, forMs: 3_000, then: 'approve', times }
    case 'offline':
      return { route: '*', fault, times: 0 }
  }
}

function sandboxRoutes(row: ProviderRow, route: AbstractRoute): readonly string[] {
  return row.routes[route] ?? []
}

async function addFault(row: ProviderRow, fault: Fault, route: AbstractRoute, times?: number, routes?: readonly string[]): Promise<void> {
  // A status outage lasts until the till is reopened; any other fault hits one request.
  const n = times ?? (route === 'status' ? 0 : 1)
  for (const r of fault === 'offline' ? ['*'] : (routes ?? sandboxRoutes(row, route)))
    await control(`${row.sandbox}/_control/faults`, ruleFor(row, fault, r, n))
}

async function clearFaults(sandboxes: readonly string[]): Promise<void> {
  for (const s of sandboxes) await control(`${s}/_control/faults`, undefined, 'DELETE')
}

/**
 * Cases run in lanes, one per sandbox, so a case waiting on the app's timers does not hold up
 * another provider's: a case takes the locks of the sandboxes it uses (in a fixed order), and
 * starts from no faults and an empty call log there. Sales from earlier cases stay in the
 * sandbox; a case judges its own journal's operations and any new sale.
 */
const inLanes = createLanes()

/** A case's own run may take this long (inLanes). */
const CASE_RUN_MS = 900_000

async function ledger(row: ProviderRow): Promise<LedgerSale[]> {
  return row.ledger(await control(`${row.sandbox}/_control/state`))
}

async function sandboxCalls(row: ProviderRow): Promise<{ route: string; fault?: string | null }[]> {
  return (await control(`${row.sandbox}/_control/calls`)) as { route: string; fault?: string | null }[]
}

// ---- the cashier ---------------------------------------------------------------------------

async function startPay(page: Page, row: ProviderRow): Promise<void> {
  await page.getByTestId(`type-${row.paymentTypeId}`).click()
  await page.getByTestId('amount').fill(row.amount)
  if (row.scans) {
    const { token } = (await control(`${row.sandbox}/_control/wallet/token`, {})) as { token: string }
    await page.getByTestId('code').fill(token)
  }
  await page.getByTestId('pay').click()
}

async function startCancel(page: Page): Promise<void> {
  await page.click('[data-nav=journal]')
  await page.getByTestId('cancel').click()
  await answerConfirm(page)
}

/** A full refund from the journal, as a cashier does it: «Возврат», the amount as offered (all of it), «Выполнить возврат». */
async function startRefund(page: Page): Promise<void> {
  await page.click('[data-nav=journal]')
  await page.getByRole('button', { name: 'Возврат', exact: true }).click()
  await page.getByRole('button', { name: 'Выполнить возврат' }).click()
}

/** «Прекратить ожидание» (or «Отменить оплату» for a shown QR), when the till offers it. */
async function pressStop(page: Page): Promise<void> {
  const stop = page.getByTestId('stop')
  if (await stop.isVisible().catch(() => false)) await stop.click({ timeout: 1_000 }).catch(() => undefined)
}

// ---- the edge: requests held in the browser before they leave, or after the sandbox took them --

interface Edge {
  held: number
  statusSeen: number
  /** After a tab crash the outage is over for the tabs that live on: nothing more is held. */
  open: boolean
  /** The requests held (or whose reply is held), to be dropped when the tab that sent them crashes. */
  routes: Route[]
}

/** The paying tab crashed: its held requests fail as its connections did, and the edge lets the other tabs through. */
async function openEdges(edges: Edge[]): Promise<void> {
  for (const e of edges) {
    e.open = true
    for (const r of e.routes.splice(0)) await r.abort('connectionaborted').catch(() => undefined)
  }
}

async function installEdge(context: BrowserContext, row: ProviderRow, c: MatrixCase): Promise<Edge> {
  const edge: Edge = { held: 0, statusSeen: 0, open: false, routes: [] }
  const faulted = new Set(faultedRoutes(row, c))
  const status = new Set(row.routes.status)
  const polled = new Set([...row.routes.status, ...(row.pollRoutes ?? [])])
  const reversal = new Set([...row.reversalRoutes, ...(c.route === 'refund' ? sandboxRoutes(row, 'refund') : [])])
  // A cancel or refund from the journal: its first request takes the fault; the queued retry is held.
  let skipReversals = fromJournal(c.route) ? 1 : 0
  await context.route(`**/sandbox/${row.sandbox}/**`, async (route) => {
    const req = route.request()
    if (edge.open) return void (await route.continue().catch(() => undefined))
    const name = row.routeOf(req.method(), req.url(), req.postData())
    const hold = () => {
      edge.held++
      edge.routes.push(route)
    }
    switch (c.kill) {
      case 'afterJournal':
        if (edge.held === 0) return hold()
        break
      case 'inFlight':
      case 'cancelInFlight':
        if (name && faulted.has(name) && edge.held === 0) {
          hold()
          // The sandbox takes the request and applies the fault; its reply never reaches the page.
          void route.fetch({ maxRetries: 0 }).catch(() => undefined)
          return
        }
        break
      case 'checking':
        if (name && status.has(name) && edge.held === 0) return hold()
        break
      case 'polling':
        if (name && polled.has(name)) edge.statusSeen++
        break
      case 'compensationQueued':
        if (name && reversal.has(name)) {
          if (skipReversals > 0) skipReversals--
          else return hold()
        }
        break
      case 'afterOutcome':
        break
    }
    await route.continue().catch(() => undefined)
  })
  return edge
}

// ---- one case ------------------------------------------------------------------------------

interface Verdict {
  lost: string[]
  doubled: string[]
  unresolved: string[]
  notes: string[]
}

async function prepare(page: Page, row: ProviderRow, c?: MatrixCase): Promise<void> {
  await until(() => setTypeValues(page, row.paymentTypeId, row.values), 10_000)
  await control(`${row.sandbox}/_control/config`, { ...row.sandboxConfig, ...c?.sandboxConfig }, 'PUT')
  for (const c of row.newTill) await control(`${row.sandbox}/_control/${c.path}`, c.body)
  await row.newTillInPage?.(page)
}

/** Wait for a text where a person reads it (the matrix's cases run concurrently: no `expect.poll` here). */
async function shows(page: Page, testId: string, text: string): Promise<void> {
  if (!(await until(async () => (await page.getByTestId(testId).textContent()) === text, 20_000))) throw new Error(`${testId} never said «${text}»`)
}

/** Where the sale is paid: the till's own first tab, or the window a host opened by URL (`#/self`, `#/pay`). */
async function payingPage(context: BrowserContext, c: MatrixCase, row: ProviderRow, till: Page): Promise<Page> {
  if (!c.screen) return till
  // A self-checkout starts only behind an admin PIN; a host's sale by URL only from an origin the admin allowed (as host-support.ts does it).
  const adminPin = c.screen === 'self' ? '482913' : undefined
  const settings = async () => {
    const p = await context.newPage()
    await p.goto(`${baseURL()}/#/settings`)
    return p
  }
  if (adminPin) {
    const p = await settings()
    await p.getByTestId('pin-next').fill(adminPin)
    await p.getByTestId('pin-save').click()
    await shows(p, 'pin-note', 'PIN сохранён')
    await p.close()
  }
  const origin = await serveHost()
  const admin = await settings()
  if (adminPin) {
    await admin.getByTestId('pin-input').fill(adminPin)
    await admin.getByTestId('pin-submit').click()
  }
  await admin.getByLabel('Источники').fill(origin)
  await admin.getByRole('button', { name: 'Сохранить источники' }).click()
  await shows(admin, 'host-origins-note', 'Сохранено источников: 1')
  await admin.close()
  const host = await context.newPage()
  await host.goto(origin)
  const minor = String(Math.round(Number(row.amount) * 100))
  const page = await payByUrl(context, host, c.screen === 'self' ? 'self' : 'pay', `M-${Date.now().toString(36)}`, minor, undefined, row.currency)
  // The kiosk offers its tiles only once the host has confirmed the order by message; the till's amount field is
  // there before that, empty until the host's message comes, and «Оплатить» pressed then only says «Введите сумму»:
  // pay once the field shows the host's amount (hostAmountShown), as a cashier does.
  if (c.screen === 'self') await page.locator('[data-testid=self]').waitFor({ timeout: 30_000 })
  else await hostAmountShown(page)
  return page
}

/** Pay as the screen lets a person: the cashier's sale screen (a host's amount is already there, read-only), or the self-checkout's tile. */
async function startPayOn(page: Page, row: ProviderRow, c: MatrixCase): Promise<void> {
  if (c.screen === 'self') {
    await page.getByTestId(`tile-${row.paymentTypeId}`).click()
    if (row.scans) throw new Error('the matrix pays on the self-checkout only with a type that shows its QR')
    return
  }
  if (c.screen !== 'host') return startPay(page, row)
  await page.getByTestId(`type-${row.paymentTypeId}`).click()
  if (row.scans) {
    const { token } = (await control(`${row.sandbox}/_control/wallet/token`, {})) as { token: string }
    await page.getByTestId('code').fill(token)
  }
  await page.getByTestId('pay').click()
}

/** The journal's later step of a case (`then`), as the cashier does it: the button on the row, the confirmation accepted. */
async function startThen(page: Page, then: 'cancelRefund' | 'void'): Promise<void> {
  await page.click('[data-nav=journal]')
  await page
    .getByTestId(then === 'void' ? 'void' : 'cancel-refund')
    .first()
    .click()
  await answerConfirm(page)
}

/** Settle everything: the tab's engine drives (the queue's timers moved forward, a live tab's sweep woken). */
async function drain(page: Page, rows: ProviderRow[], earlier: Set<string>, context: BrowserContext, live: boolean): Promise<boolean> {
  let nudged = 0
  return until(async () => {
    const j = await readJournal(page)
    const open = j.ops.filter((o) => !FINAL.includes(o.state))
    const moving = (await Promise.all(rows.map(ledger))).flat().filter((s) => s.open && !earlier.has(s.opId))
    if (!open.length && !j.queue.length && !moving.length) return true
    if (j.queue.length && j.queue.every((e) => e.nextAttemptAt > Date.now() + 6_000)) {
      await dueAt(page, Date.now() + 5_000)
      if (live) await nudge(page)
      else {
        await context.setOffline(true)
        await context.setOffline(false)
      }
    } else if (live && open.length && Date.now() - nudged > 2_000) {
      nudged = Date.now()
      await nudge(page)
    }
    return false
  }, DRAIN_MS)
}

async function runCase(c: MatrixCase): Promise<Verdict> {
  if (c.twoTills) return runTwoTills(c)
  const rows = (c.twoTabs ?? [c.row]).map(rowById)
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-matrix-'))
  const notes: string[] = []
  const crash = c.death === 'crash'
  let till: { context: BrowserContext; pages: Page[] } | undefined
  try {
    const sandboxes = [...new Set(rows.map((r) => r.sandbox))]
    await clearFaults(sandboxes)
    for (const s of sandboxes) await control(`${s}/_control/calls`, undefined, 'DELETE')
    const earlier = new Set((await Promise.all(rows.map(ledger))).flat().map((s) => s.opId))
    // A crash case keeps one more till tab open all along (a host's window is the paying one: the till's tab is that one).
    const first = await openTill(dir, rows.length + (crash && !c.screen ? 1 : 0))
    till = first
    for (const row of rows) await prepare(till.pages[0]!, row, c)
    // The till reads its payment types (and how each one takes a payment) when it opens.
    if (rows.some((r) => r.reopenAfterSettings)) await Promise.all(till.pages.map((p) => p.reload().then(() => p.getByTestId('amount').waitFor())))
    const row = rows[0]!
    const page = await payingPage(till.context, c, row, till.pages[0]!)
    const survivor = c.screen ? till.pages[0]! : till.pages.at(-1)!

    if (fromJournal(c.route) || c.then) {
      await startPayOn(page, row, c)
      await page.locator('[data-testid=result][data-state=approved], [data-testid=self-result][data-state=approved]').waitFor({ timeout: 30_000 })
    }
    if (c.then === 'cancelRefund') {
      await startRefund(till.pages[0]!)
      await until(async () => (await readJournal(page)).ops.some((o) => o.kind === 'refund' && o.state === 'approved'), 30_000)
    }
    const edges: Edge[] = []
    for (const r of rows) {
      edges.push(await installEdge(till.context, r, c))
      await addFault(r, c.fault, c.route, undefined, faultedRoutes(r, c))
      // A status outage needs a pay whose outcome is unknown after the money moved, or the till never
      // asks for a status: a cut-off reply (a lost one would also bring the browser's own resend).
      if (c.route === 'status') await addFault(r, 'malformed', 'pay')
      for (const e of c.extra ?? []) await addFault(r, e.fault, e.route, e.times)
    }
    const started = Date.now()
    const kind = c.then ? 'cancel' : fromJournal(c.route) ? c.route : 'pay'
    const before = new Set((await readJournal(page)).ops.map((o) => o.id))
    if (c.then) await startThen(till.pages[0]!, c.then)
    else if (c.route === 'refund') await startRefund(page)
    else if (c.route === 'cancel') await startCancel(page)
    else await Promise.all(rows.map((r, i) => startPayOn(i === 0 ? page : first.pages[i]!, r, c)))

    const primaries = async (p: Page) => (await readJournal(p)).ops.filter((o) => o.kind === kind && !o.compensates && !before.has(o.id))
    const reached = await until(
      async () => {
        const j = await readJournal(page)
        const ps = j.ops.filter((o) => o.kind === kind && !o.compensates && !before.has(o.id))
        if (ps.length < rows.length) return false
        const settled = ps.every((p) => FINAL.includes(p.state))
        const edge = edges.every((e) => e.held > 0)
        switch (c.kill) {
          case 'afterJournal':
            // Journaled, its first request held: `created`, or `sent` where the provider commits that before a pre-flight (O!plati's token).
            return (edge && ps.every((p) => p.state === 'created' || p.state === 'sent')) || settled
          case 'inFlight':
          case 'cancelInFlight': {
            if (settled) return true
            if (!edge) return false
            const faulted = faultedRoutes(row, c)
            return (await sandboxCalls(row)).some((x) => faulted.includes(x.route) || x.fault === 'offline')
          }
          case 'checking':
            return edge || settled
          case 'polling':
            return (edges.every((e) => e.statusSeen >= 2) && !settled) || settled
          case 'compensationQueued':
            if (!fromJournal(c.route)) for (const p of [page, ...first.pages]) await pressStop(p)
            return (edge && j.queue.length >= rows.length) || (settled && j.queue.length === 0)
          case 'afterOutcome':
          case 'moved':
            return ps.every((p) => FINAL.includes(p.state) || p.queued || p.state === 'compensating')
        }
      },
      c.kill === 'afterOutcome' ? DRAIN_MS : POINT_MS,
    )
    const at = (await primaries(page)).map((p) => p.state).join(',')
    notes.push(`${reached ? (crash ? 'tab crashed at' : 'killed at') : 'kill point not reached, killed at'} ${at} after ${Date.now() - started} ms`)
    // An admin changes the payment type while the sale is open: the resumed sale meets the new settings.
    if (c.settings) expect(await setTypeValues(page, row.paymentTypeId, c.settings)).toBe(true)

    let reader: Page
    if (crash) {
      // The paying tab dies; the other lives on, and the outage is over. The cashier there presses the stop
      // when the till shows one (a sale still waiting); else the tab's sweep takes the sale over by itself.
      await crashTab(till.context, page)
      await openEdges(edges)
      await clearFaults(sandboxes)
      if (c.kill === 'polling' || c.kill === 'inFlight') await pressStop(survivor)
      reader = survivor
    } else {
      await kill(till.context, dir)
      await clearFaults(sandboxes)
      if (c.twice) {
        // The same sale dies again while the reopened till resumes it: its status route is down, and the browser is
        // killed once the resume has asked the sandbox about it.
        for (const s of sandboxes) await control(`${s}/_control/calls`, undefined, 'DELETE')
        for (const r of rows) await addFault(r, 'noReply', 'status', 0)
        const resumed = await openTill(dir, rows.length)
        till = resumed
        const again = await until(async () => {
          const j = await readJournal(resumed.pages[0]!)
          if (j.ops.filter((o) => !FINAL.includes(o.state)).length === 0) return true
          return (await Promise.all(rows.map(sandboxCalls))).flat().length > 0
        }, POINT_MS)
        notes.push(
          `${again ? 'killed again at' : 'second kill point not reached, killed at'} ${(await primaries(till.pages[0]!)).map((p) => p.state).join(',')}`,
        )
        await kill(till.context, dir)
        await clearFaults(sandboxes)
      }
      // The same profile opens again and the engine resumes on its own.
      till = await openTill(dir, rows.length)
      reader = till.pages[0]!
    }
    const drained = Date.now()
    if (!(await drain(reader, rows, earlier, till.context, crash))) notes.push('did not settle within the drain window')
    else notes.push(`settled ${Date.now() - drained} ms after the ${crash ? 'crash' : 'reopen'}`)
    const { ops } = await readJournal(reader)
    return judge(
      ops,
      (await Promise.all(rows.map(ledger))).flat().filter((s) => !earlier.has(s.opId)),
      notes,
    )
  } finally {
    await till?.context.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** A payment type's provider rows in a till's store (`<provider>:<type>:…`, e.g. a terminal's activation). */
async function providerRows(page: Page, prefix: string): Promise<unknown[]> {
  return page.evaluate(
    (prefix) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction('settings')
          const all = tx.objectStore('settings').getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))
          tx.oncomplete = () => {
            db.close()
            resolve(all.result as unknown[])
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    prefix,
  )
}

async function putRows(page: Page, rows: unknown[]): Promise<void> {
  await page.evaluate(
    (rows) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction('settings', 'readwrite')
          for (const r of rows) tx.objectStore('settings').put(r)
          tx.oncomplete = () => {
            db.close()
            resolve()
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    rows,
  )
}

/**
 * Two tills (two browser profiles) on one terminal: the terminal's activation is the same on both (copied, as an
 * admin configures the second till). Till A journals a sale and takes its number, its pay request never leaves,
 * and A dies; till B's next sale takes the same number from the server and is paid; A reopens and resumes its sale.
 * Nobody's money moves but B's customer's, and B's payment stays paid.
 */
async function runTwoTills(c: MatrixCase): Promise<Verdict> {
  const row = rowById(c.row)
  const dirs = [mkdtempSync(join(tmpdir(), 'paydesk-matrix-')), mkdtempSync(join(tmpdir(), 'paydesk-matrix-'))] as const
  const notes: string[] = []
  try {
    await clearFaults([row.sandbox])
    await control(`${row.sandbox}/_control/calls`, undefined, 'DELETE')
    const earlier = new Set((await ledger(row)).map((s) => s.opId))
    let a = await openTill(dirs[0], 1)
    await prepare(a.pages[0]!, row)
    const b = await openTill(dirs[1], 1)
    await until(() => setTypeValues(b.pages[0]!, row.paymentTypeId, row.values), 10_000)
    await putRows(b.pages[0]!, await providerRows(a.pages[0]!, `${row.provider}:${row.paymentTypeId}:`))
    for (const p of [a.pages[0]!, b.pages[0]!]) {
      await p.reload()
      await p.getByTestId('amount').waitFor()
    }
    // Till A's pay request is held at its edge: it never leaves.
    let held = 0
    await a.context.route(`**/sandbox/${row.sandbox}/**`, async (route) => {
      const req = route.request()
      if (row.routes.pay.includes(row.routeOf(req.method(), req.url(), req.postData()) ?? '')) return void held++
      await route.continue().catch(() => undefined)
    })
    await startPay(a.pages[0]!, row)
    const reached = await until(async () => held > 0 && (await readJournal(a.pages[0]!)).ops.some((o) => o.kind === 'pay' && o.state === 'sent'), POINT_MS)
    notes.push(
      `${reached ? 'till A killed' : 'kill point not reached, till A killed'} with its pay ${(await readJournal(a.pages[0]!)).ops.map((o) => o.state).join(',')}`,
    )
    await kill(a.context, dirs[0])
    await startPay(b.pages[0]!, row)
    await b.pages[0]!.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
    a = await openTill(dirs[0], 1)
    const settledA = await drain(a.pages[0]!, [row], earlier, a.context, false)
    const settledB = await drain(b.pages[0]!, [row], earlier, b.context, false)
    if (!settledA || !settledB) notes.push('did not settle within the drain window')
    const ops = [...(await readJournal(a.pages[0]!)).ops, ...(await readJournal(b.pages[0]!)).ops]
    const verdict = judge(
      ops,
      (await ledger(row)).filter((s) => !earlier.has(s.opId)),
      notes,
    )
    await a.context.close()
    await b.context.close()
    return verdict
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

/** The journal against the sandbox, payment by payment. */
function judge(ops: JournalOp[], sales: LedgerSale[], notes: string[]): Verdict {
  const v: Verdict = { lost: [], doubled: [], unresolved: [], notes }
  const show = (o: JournalOp) => `${o.kind} ${o.state}${o.message ? ` [${o.message.key}]` : ''}`
  const story = (o: JournalOp) => `${o.kind}: ${o.history.map((h) => `${h.state}${h.note ? ` (${h.note})` : ''}`).join(' > ')}`
  for (const o of ops) {
    if (!FINAL.includes(o.state) || o.state === 'needs-attention') v.unresolved.push(`${show(o)} ${o.id}: ${story(o)}`)
  }
  const pays = ops.filter((o) => o.kind === 'pay')
  for (const p of pays) {
    const mine = sales.filter((s) => s.opId === p.id)
    const reversals = ops.filter((o) => o.original === p.id || o.compensates === p.id)
    // A refund cancelled by an approved cancel of that refund gives the money back to the merchant.
    const undone = ops.filter((o) => reversals.some((r) => o.original === r.id))
    const returned = (r: JournalOp) => r.state === 'approved' && !undone.some((u) => u.original === r.id && u.state === 'approved')
    const journalHeld = p.state === 'approved' && !reversals.some(returned)
    const sandboxHeld = mine.some((s) => s.held)
    const line = `journal: ${[p, ...reversals, ...undone].map(show).join(', ')}; sandbox: ${mine.map((s) => s.state).join(', ') || 'nothing'}`
    notes.push(line)
    const told = `${line}\n      ${[p, ...reversals, ...undone].map(story).join('\n      ')}`
    if (mine.length > 1) v.doubled.push(told)
    if (mine.some((s) => s.open)) v.unresolved.push(`sandbox still moving: ${told}`)
    else if (FINAL.includes(p.state) && p.state !== 'needs-attention' && journalHeld !== sandboxHeld) v.lost.push(told)
  }
  for (const s of sales) {
    if (s.held && !pays.some((p) => p.id === s.opId)) v.lost.push(`sandbox holds ${s.opId} (${s.state}), the journal has no such payment`)
  }
  return v
}

// ---- a device row: the pin-pad behind the bridge ------------------------------------------------
//
// A row with `device` (rows.ts) pays on a serial pin-pad: the Node emulator behind the WebSocket bridge, which
// outlives the killed browser. Its edge is the bridge (it holds the till's requests or applies the case's fault
// as the request of that route reaches the device), its call log the bridge's, and its ledger the device's own
// journal (a sale known by the ecrNo the till journaled before sending). Each case meets a new device.

const RESOLVING = ['unknown', 'resolving']
/** The pin-pad waits for the customer (emulator phases): a stop now would only abort the payment. */
const CUSTOMER_PHASES = ['card', 'qr', 'refund-card']

async function deviceCalls(row: ProviderRow): Promise<{ route: string; fault: string | null; held: boolean }[]> {
  return (await control(`${row.sandbox}/_control/calls`)) as { route: string; fault: string | null; held: boolean }[]
}

async function deviceRules(row: ProviderRow, rules: unknown[]): Promise<void> {
  if (rules.length) await control(`${row.sandbox}/_control/faults`, rules)
}

async function runDeviceCase(c: MatrixCase): Promise<Verdict> {
  const row = rowById(c.row)
  const device = row.device!
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-matrix-'))
  const notes: string[] = []
  const crash = c.death === 'crash'
  try {
    // A new till meets a new pin-pad (its journal and ecrNo start afresh, as the profile's counter does).
    await control(`${row.sandbox}/_control/reset`, { config: device.config })
    // A crash case keeps a second till tab open all along; the pin-pad, behind the bridge, outlives the crashed one.
    let till = await openTill(dir, crash ? 2 : 1)
    const page = till.pages[0]!
    await until(() => setTypeValues(page, row.paymentTypeId, row.values), 10_000)
    for (const p of till.pages) {
      await p.reload()
      await p.getByTestId('amount').waitFor()
    }
    const pay = async () => {
      await page.getByTestId(`type-${row.paymentTypeId}`).click()
      await page.getByTestId('amount').fill(row.amount)
      await page.getByTestId(device.payButton).click()
    }
    if (fromJournal(c.route)) {
      await pay()
      await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
      await control(`${row.sandbox}/_control/calls`, undefined, 'DELETE')
    }
    const route = device.route(c.route)
    // The kill point's hold comes first: a held request never meets the fault.
    if (c.kill === 'afterJournal') await deviceRules(row, [{ route: '*', hold: true, times: 0 }])
    if (c.kill === 'checking') await deviceRules(row, [{ route: 'status', hold: true, times: 0 }])
    // A mid-payment fault is played straight on the device while the customer pays, not when a request reaches it.
    if (!c.mid) await deviceRules(row, device.rules(c.fault, c.route) ?? [])
    // A status fault needs a payment whose result is unknown after the money moved: its result is lost.
    if (c.route === 'status') await deviceRules(row, [{ route: 'pay', controls: [{ action: 'loseResult' }] }])
    for (const e of c.extra ?? []) await deviceRules(row, device.rules(e.fault, e.route) ?? [])

    const kind = fromJournal(c.route) ? 'refund' : 'pay'
    const started = Date.now()
    if (fromJournal(c.route)) await startRefund(page)
    else await pay()
    const mine = async (p = page) => (await readJournal(p)).ops.find((o) => o.kind === kind)
    let played = false
    const reached = await until(
      async () => {
        const j = await readJournal(page)
        const op = j.ops.find((o) => o.kind === kind)
        if (!op) return false
        const settled = FINAL.includes(op.state)
        const calls = await deviceCalls(row)
        // A fault mid-payment: sent to the device straight, while the customer is paying on it.
        if (c.mid && !played) {
          const pad = (await control(`${row.sandbox}/_control/state`)) as { op: { phase: string } | null }
          if (pad.op && CUSTOMER_PHASES.includes(pad.op.phase)) {
            await control(`${row.sandbox}/_control/control`, c.mid)
            played = true
          }
          return settled
        }
        switch (c.kill) {
          case 'afterJournal':
            return ((op.state === 'created' || op.state === 'sent') && calls.some((x) => x.held)) || settled
          case 'inFlight':
          case 'cancelInFlight':
            // The request reached the pin-pad (its fault applied); the till has no result yet.
            return calls.some((x) => x.route === route && !x.held && (c.route !== 'status' || x.fault !== null)) || settled
          case 'checking':
            return calls.some((x) => x.held && x.route === 'status') || settled
          case 'polling':
            return calls.filter((x) => x.route === 'status').length >= 2 || settled
          case 'compensationQueued': {
            // «Прекратить ожидание» once the customer has acted on the pin-pad (the money may have moved): the till
            // sends EOT, which no longer aborts, and resolves by status (a pin-pad has no cancel), or queues it.
            const pad = (await control(`${row.sandbox}/_control/state`)) as { op: { phase: string } | null }
            if (!pad.op || !CUSTOMER_PHASES.includes(pad.op.phase)) await pressStop(page)
            return RESOLVING.includes(op.state) || !!op.queued || j.queue.length > 0 || settled
          }
          case 'afterOutcome':
            return settled || !!op.queued
          case 'moved':
            return op.state !== 'created' && op.state !== 'sent'
        }
      },
      c.kill === 'afterOutcome' ? DRAIN_MS : POINT_MS,
    )
    notes.push(
      `${c.mid ? `${c.mid.action} ${played ? 'played' : 'never played'} mid-payment, ` : ''}${reached ? (crash ? 'tab crashed at' : 'killed at') : 'kill point not reached, killed at'} ${(await mine())?.state ?? 'nothing'} after ${Date.now() - started} ms`,
    )
    let reopened: Page
    if (crash) {
      // The paying tab dies; the other till tab lives on and asks the same pin-pad (the faults end, an unplugged one is plugged back in).
      await crashTab(till.context, page)
      await control(`${row.sandbox}/_control/faults`, undefined, 'DELETE')
      reopened = till.pages[1]!
    } else {
      await kill(till.context, dir)
      // The device is still there with whatever it was doing; the faults end (an unplugged one is plugged back in).
      await control(`${row.sandbox}/_control/faults`, undefined, 'DELETE')
      till = await openTill(dir, 1)
      reopened = till.pages[0]!
    }
    let nudged = 0
    const settledAll = await until(async () => {
      const j = await readJournal(reopened)
      const open = j.ops.filter((o) => !FINAL.includes(o.state))
      const moving = (await ledger(row)).filter((s) => s.open)
      if (!open.length && !j.queue.length && !moving.length) return true
      if (j.queue.length && j.queue.every((e) => e.nextAttemptAt > Date.now() + 6_000)) await dueAt(reopened, Date.now() + 5_000)
      if (crash && Date.now() - nudged > 2_000) {
        nudged = Date.now()
        await nudge(reopened)
      }
      return false
    }, DRAIN_MS)
    if (!settledAll) notes.push('did not settle within the drain window')
    const { ops } = await readJournal(reopened)
    // The device knows a sale by ecrNo: name it by the journal's operation that sent that ecrNo.
    const byKey = new Map(
      ops
        .filter((o) => o.kind === 'pay')
        .flatMap((o) => {
          const k = device.keyOf(o.details)
          return k ? [[k, o.id] as const] : []
        }),
    )
    const sales = (await ledger(row)).map((s) => ({ ...s, opId: byKey.get(s.opId) ?? s.opId }))
    const verdict = judge(ops, sales, notes)
    notes.push(`device calls: ${(await deviceCalls(row)).map((x) => `${x.route}${x.held ? ' held' : ''}${x.fault ? ` [${x.fault}]` : ''}`).join(', ')}`)
    await till.context.close()
    return verdict
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---- the run -------------------------------------------------------------------------------

const results = new Map<string, Verdict>()
const runStarted = Date.now()

/** While developing: `PAYDESK_MATRIX_ONLY=payme npx vitest run --project browser test/browser/fault-matrix.test.ts` (several: comma-separated). */
const only = process.env.PAYDESK_MATRIX_ONLY?.split(',').filter(Boolean)
const CASES = only?.length ? MATRIX_CASES.filter((c) => only.some((o) => c.id.includes(o))) : MATRIX_CASES

beforeAll(async () => {
  await control('_control/reset', {})
})

describe('fault matrix', () => {
  for (const [i, c] of CASES.entries()) {
    it.concurrent(
      c.id,
      async () => {
        const sandboxes = (c.twoTabs ?? [c.row]).map((id) => rowById(id).sandbox)
        const { v, ms } = await inLanes(sandboxes, CASE_RUN_MS, async () => {
          const t0 = Date.now()
          return { v: await (rowById(c.row).device ? runDeviceCase(c) : runCase(c)), ms: Date.now() - t0 }
        })
        results.set(c.id, v)
        const bad = v.lost.length + v.doubled.length + v.unresolved.length > 0
        const pending = PENDING_FIXES.includes(c.id)
        const tag = bad ? (pending ? 'PENDING' : 'FAIL') : pending ? 'FIXED (remove from PENDING_FIXES)' : 'ok'
        console.log(
          `${tag} ${c.id} (${ms} ms)\n  ${[...v.notes, ...v.lost.map((x) => `LOST ${x}`), ...v.doubled.map((x) => `DOUBLED ${x}`), ...v.unresolved.map((x) => `UNRESOLVED ${x}`)].join('\n  ')}`,
        )
        if (!pending) expect({ lost: v.lost, doubled: v.doubled, unresolved: v.unresolved }).toEqual({ lost: [], doubled: [], unresolved: [] })
      },
      // Only a backstop: the case's own limit is CASE_RUN_MS (inLanes); at most the i cases before it can be
      // ahead of it in its lanes, each freeing them within its own limit.
      CASE_RUN_MS * (i + 1) + 60_000,
    )
  }

  it('reports the matrix', () => {
    expect(PENDING_FIXES.filter((id) => !MATRIX_CASES.some((c) => c.id === id))).toEqual([])
    const counted = [...results].filter(([id]) => !PENDING_FIXES.includes(id))
    const n = (f: (v: Verdict) => string[]) => counted.filter(([, v]) => f(v).length > 0).length
    const lost = n((v) => v.lost)
    const doubled = n((v) => v.doubled)
    const unresolved = n((v) => v.unresolved)
    console.log(
      `faults: ${counted.length} cases, ${lost} lost, ${doubled} doubled, ${unresolved} unresolved (${Math.round((Date.now() - runStarted) / 1000)} s)`,
    )
    const pending = [...results].filter(([id]) => PENDING_FIXES.includes(id))
    if (pending.length)
      console.log(
        `pending fixes (not counted): ${pending.map(([id, v]) => `${id}: ${v.lost.length + v.doubled.length + v.unresolved.length ? 'still failing' : 'passes now'}`).join('; ')}`,
      )
    expect(results.size).toBe(CASES.length)
    expect({ lost, doubled, unresolved }).toEqual({ lost: 0, doubled: 0, unresolved: 0 })
  })
})

afterAll(async () => {
  closeHosts()
  await control('_control/reset', {}).catch(() => undefined)
})
