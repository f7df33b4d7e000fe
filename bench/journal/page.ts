// Runs inside Debian's Chromium against real IndexedDB (bench/journal.bench.ts drives it): seeds
// 500 000 operations over two years, then times the journal's first page, each single filter, the
// X-report of a day with 5 000 operations and the day close of that shift, each beside a bare
// IndexedDB cursor over the same rows.
import { markRefunded, PaydeskDb } from '../../workers/engine/db.ts'
import { queryJournal } from '../../workers/engine/journal-query.ts'
import { createShifts } from '../../workers/engine/shift.ts'
import type { JournalFilter } from '../../src/domain/journal.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'
import { msg } from '../../src/domain/messages.ts'

export interface Result {
  name: string
  ms: number
  bareMs?: number
  budgetMs?: number
  /** The most this may take beside the bare cursor over the same rows. */
  ratioBudget?: number
  rows?: number
  /** Calls timed in a row per sample (a fast query: the clock's 0.1 ms steps), divided. */
  calls?: number
}

/** Searches and filters: within 2× a bare cursor over the rows they return; the X-report and day close within 1.5×. */
const SEARCH_RATIO = 2
const REPORT_RATIO = 1.5

const TOTAL = 500_000
const DAY = 86_400_000
const BUSY_DAY = 5_000
const CHUNK = 10_000
const TYPES = [
  { id: 'clickpass-1', number: 1, name: 'ClickPass', provider: 'clickpass' as const, values: {} },
  { id: 'payme-1', number: 2, name: 'PaymeGO', provider: 'payme' as const, values: {} },
  { id: 'oplati-1', number: 3, name: 'O!плати', provider: 'oplati' as const, values: {} },
  { id: 'inpas-sbp-1', number: 4, name: 'СБП', provider: 'inpas-sbp' as const, values: {} },
]

/** A deterministic stream of random numbers (the same journal every run). */
function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * The query and its bare cursor taking turns, `runs` times each (a load spike on a shared machine hits both
 * sides of one pair); the median of each. `after` runs untimed after each query (undo a day close). Each side
 * runs once untimed first: the first call of a code path pays for its compilation, on one side only. The page's
 * clock moves in 0.1 ms steps, so a side that takes under 2 ms is timed over several calls in a row (the same
 * number on both sides) and divided: a 0.3 ms cursor timed once is ±0.1 ms, a third of itself.
 */
async function pair<T>(
  f: () => Promise<T>,
  bare: () => Promise<unknown>,
  runs = 7,
  after?: () => Promise<unknown>,
): Promise<{ ms: number; bareMs: number; value: T; calls: number }> {
  const xs: number[] = []
  const bs: number[] = []
  let t = performance.now()
  await bare()
  const calls = after ? 1 : Math.min(20, Math.max(1, Math.ceil(2 / Math.max(performance.now() - t, 0.1))))
  let value: T = await f()
  await after?.()
  for (let i = 0; i < runs; i++) {
    t = performance.now()
    for (let k = 0; k < calls; k++) await bare()
    bs.push((performance.now() - t) / calls)
    t = performance.now()
    for (let k = 0; k < calls; k++) value = await f()
    xs.push((performance.now() - t) / calls)
    await after?.()
  }
  return { ms: median(xs), bareMs: median(bs), value, calls }
}

/** One row committed with strict durability, as the engine commits (the bare side of a day close's own write). */
function bareWrite(idb: IDBDatabase): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = idb.transaction('settings', 'readwrite', { durability: 'strict' })
    tx.objectStore('settings').put({ key: 'bench.bareWrite', value: Date.now() })
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
}

/** A bare IndexedDB cursor: `count` rows (or all) of an index range, in the given direction. */
function bareCursor(idb: IDBDatabase, index: string | null, range: IDBKeyRange | null, dir: IDBCursorDirection, count = Infinity): Promise<number> {
  return new Promise((resolve, reject) => {
    const store = idb.transaction('operations', 'readonly').objectStore('operations')
    const src = index ? store.index(index) : store
    const req = src.openCursor(range, dir)
    const rows: unknown[] = []
    req.onsuccess = () => {
      const c = req.result
      if (!c || rows.length >= count) return resolve(rows.length)
      rows.push(c.value)
      c.continue()
    }
    req.onerror = () => reject(req.error)
  })
}

const SEEDED_KEY = 'bench.seededAt'

export async function run(log: (s: string) => void, reuse = false): Promise<{ results: Result[]; seedMs: number; total: number }> {
  // `reuse` (a kept profile): a journal seeded by an earlier run is used again, upgraded to this schema on open.
  const tu = performance.now()
  let db = new PaydeskDb('paydesk-bench')
  const seededAt = reuse ? ((await db.settings.get(SEEDED_KEY))?.value as number | undefined) : undefined
  if (seededAt !== undefined && (await db.operations.count()) >= TOTAL) {
    log(`reusing the journal seeded at ${new Date(seededAt).toISOString()} (opened in ${Math.round(performance.now() - tu)} ms)`)
    return { ...(await measure(db, seededAt)), seedMs: 0, total: TOTAL }
  }
  db.close()
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('paydesk-bench')
    r.onsuccess = r.onerror = r.onblocked = () => resolve()
  })
  db = new PaydeskDb('paydesk-bench')
  await db.open()
  const now = Date.now()
  const start = now - 730 * DAY
  const busyFrom = now - DAY
  const rand = rng(11)
  const t0 = performance.now()
  const ordinary = TOTAL - BUSY_DAY
  const pays: { id: string; amount: number; type: (typeof TYPES)[number] }[] = []
  let n = 0
  const make = (i: number, at: number): Operation => {
    const type = TYPES[Math.floor(rand() * TYPES.length)]!
    const id = `OP${String(i).padStart(9, '0')}` as OperationId
    const roll = rand()
    const base = {
      id,
      provider: type.provider,
      paymentTypeId: type.id,
      currency: type.provider === 'oplati' ? 'BYN' : 'UZS',
      createdAt: at,
      updatedAt: at,
      history: [],
    }
    if (roll < 0.09 && pays.length) {
      const orig = pays[Math.floor(rand() * pays.length)]!
      const kind = roll < 0.05 ? 'cancel' : 'refund'
      return {
        ...base,
        provider: orig.type.provider,
        paymentTypeId: orig.type.id,
        kind,
        amount: orig.amount as Minor,
        state: 'approved',
        original: orig.id as OperationId,
        ref: `R${i}`,
      }
    }
    const amount = 1_000 + Math.floor(rand() * 5_000_000)
    const state = roll < 0.095 ? 'needs-attention' : roll < 0.12 ? 'declined' : 'approved'
    const op: Operation = {
      ...base,
      kind: 'pay',
      amount: amount as Minor,
      state,
      ref: `R${i}`,
      details: { cardNumber: `860006******${String(Math.floor(rand() * 10_000)).padStart(4, '0')}` },
      ...(rand() < 0.1 ? { order: `ORD-${i}` } : {}),
    }
    if (state === 'approved') {
      pays.push({ id, amount, type })
      if (pays.length > 2_000) pays.shift()
    }
    return op
  }
  while (n < TOTAL) {
    const chunk: Operation[] = []
    for (let k = 0; k < CHUNK && n < TOTAL; k++, n++) {
      const at =
        n < ordinary ? start + Math.floor((n / ordinary) * (busyFrom - start - 1000)) : busyFrom + Math.floor(((n - ordinary) / BUSY_DAY) * (DAY - 60_000))
      chunk.push(make(n, at))
    }
    await db.operations.bulkAdd(chunk)
    if (n % 100_000 === 0) log(`seeded ${n}`)
  }
  // A few operations waiting in the queue, and the shift before the busy day closed.
  for (let i = 0; i < 5; i++)
    await db.queue.add({
      provider: 'clickpass',
      paymentTypeId: 'clickpass-1',
      opId: `OP${String(TOTAL - 1 - i * 7).padStart(9, '0')}`,
      attempt: 1,
      nextAttemptAt: now + 3_600_000,
      createdAt: now,
    })
  await db.shifts.add({ number: 730, openedAt: busyFrom - DAY, closedAt: busyFrom - 1 })
  // A refund written in the same bulkAdd as its payment finds no payment to mark yet: mark them now, as the
  // engine's journal would be (version 4).
  await markRefunded(db.operations)
  await db.settings.put({ key: SEEDED_KEY, value: now })
  const seedMs = performance.now() - t0
  log(`seeded ${TOTAL} in ${Math.round(seedMs)} ms`)
  return { ...(await measure(db, now)), seedMs, total: TOTAL }
}

async function measure(db: PaydeskDb, now: number): Promise<{ results: Result[] }> {
  const busyFrom = now - DAY

  const idb = db.backendDB()
  const results: Result[] = []
  const first = await pair(
    () => queryJournal(db, {}),
    () => bareCursor(idb, 'createdAt', null, 'prev', 50),
  )
  results.push({ name: 'journal first page', ...first, budgetMs: 300, ratioBudget: SEARCH_RATIO, rows: first.value.rows.length })

  const filters: [string, JournalFilter, () => Promise<number>][] = [
    ['search: card last 4', { q: '4242' }, () => bareCursor(idb, 'keys', IDBKeyRange.bound('4242', '4242\uffff'), 'next')],
    ['search: provider reference', { q: 'r123456' }, () => bareCursor(idb, 'keys', IDBKeyRange.bound('r123456', 'r123456\uffff'), 'next')],
    ['search: host order', { q: 'ord-4990' }, () => bareCursor(idb, 'keys', IDBKeyRange.bound('ord-4990', 'ord-4990\uffff'), 'next')],
    [
      'filter: date range (a month, a year ago)',
      { from: now - 395 * DAY, to: now - 365 * DAY },
      () => bareCursor(idb, 'createdAt', IDBKeyRange.bound(now - 395 * DAY, now - 365 * DAY), 'prev', 51),
    ],
    [
      'filter: amount',
      { amountMin: 1_234_500, amountMax: 1_234_599 },
      () => bareCursor(idb, '[amount+createdAt]', IDBKeyRange.bound([1_234_500, -Infinity], [1_234_599, Infinity]), 'next'),
    ],
    [
      'filter: payment type',
      { paymentTypeId: 'oplati-1' },
      () => bareCursor(idb, '[paymentTypeId+createdAt]', IDBKeyRange.bound(['oplati-1', -Infinity], ['oplati-1', Infinity]), 'prev', 51),
    ],
    [
      'filter: kind (refund)',
      { kind: 'refund' },
      () => bareCursor(idb, '[kind+createdAt]', IDBKeyRange.bound(['refund', -Infinity], ['refund', Infinity]), 'prev', 51),
    ],
    [
      'filter: kind (cancel of a payment)',
      { kind: 'cancel' },
      () => bareCursor(idb, '[kind+createdAt]', IDBKeyRange.bound(['cancel', -Infinity], ['cancel', Infinity]), 'prev', 51),
    ],
    [
      'filter: state (needs attention)',
      { state: 'needs-attention' },
      () => bareCursor(idb, '[state+createdAt]', IDBKeyRange.bound(['needs-attention', -Infinity], ['needs-attention', Infinity]), 'prev', 51),
    ],
    ['filter: in queue', { queued: true }, () => bareCursor(idb, null, IDBKeyRange.bound('OP000499960', 'OP000499999'), 'next')],
  ]
  for (const [name, f, bare] of filters) {
    const r = await pair(() => queryJournal(db, f), bare)
    results.push({ name, ms: r.ms, bareMs: r.bareMs, calls: r.calls, budgetMs: 100, ratioBudget: SEARCH_RATIO, rows: r.value.rows.length })
  }

  const shifts = createShifts({
    db,
    clock: { now: () => Date.now(), sleep: async () => undefined },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never,
    paymentTypes: async () => TYPES,
    loadConfig: async () => ({ ok: false, message: msg('common.noPaymentType') }),
    probeContext: () => ({}) as never,
    newId: () => `Z${Date.now()}` as OperationId,
  })
  const bareDay = () => bareCursor(idb, 'createdAt', IDBKeyRange.lowerBound(busyFrom - 1, true), 'next')
  const x = await pair(() => shifts.xReport(), bareDay)
  results.push({ name: `X-report of a day (${x.value.report.totals.operations} operations)`, ...x, budgetMs: 200, ratioBudget: REPORT_RATIO })
  // Each close is undone before the next (the busy day's shift open again; also for a run that reuses this journal).
  // A day close ends by committing the closed shift: its bare side reads the same rows and commits one row too.
  const z = await pair(
    () => shifts.closeDay({ force: true }),
    async () => (await bareDay(), await bareWrite(idb)),
    7,
    () => db.shifts.where('number').above(730).delete(),
  )
  if (!z.value.ok) throw new Error('day close refused')
  results.push({
    name: `day close of the shift (${z.value.report.totals.operations} operations; bare: + one strict write)`,
    ...z,
    budgetMs: 500,
    ratioBudget: REPORT_RATIO,
  })
  db.close()
  return { results }
}

;(window as unknown as { runBench: typeof run }).runBench = run
