// `npm run bench:store` (not in `npm test`): the store server on 127.0.0.1 under simulated tills,
// on PostgreSQL (a throwaway cluster, as the tests start) and on embedded PGlite (a file-backed folder, as
// `npm start` runs it). Every figure beside its budget, OVER when over, with the machine's load printed.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { startCluster } from '../scripts/postgres-cluster.ts'
import { createStoreApp } from '../server/app.ts'
import { emptyConfig } from '../server/context.ts'
import type { Db } from '../server/db/db.ts'
import { openPglite } from '../server/db/pglite.ts'
import { openPostgres } from '../server/db/pg.ts'
import { StoreEvents } from '../server/events.ts'
import { migrate } from '../server/migrate.ts'
import { enrol, ensureStore, issueEnrolCode } from '../server/store/enrolment.ts'
import { SimTill } from '../test/support/store-till-sim.ts'

const TILLS = Number(process.env.BENCH_TILLS ?? 20)
const OPS = Number(process.env.BENCH_OPS ?? 1000)
const BACKLOG = 1500
/** Each scenario stops after this long (ms), whatever is left. */
const LIMIT_MS = 60_000
const STORE = { id: 'bench', name: 'Bench store' }

interface Figure {
  name: string
  value: string
  budget: string
}

const p95 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN
}
const load = (): string => os.loadavg()[0]!.toFixed(1)

async function tills(db: Db, url: string, n: number): Promise<SimTill[]> {
  const out: SimTill[] = []
  for (let i = 0; i < n; i++) {
    const { code } = await issueEnrolCode(db, { storeId: STORE.id, name: `bench ${i}` })
    const r = await enrol(db, STORE.id, { code, device: { name: 'bench', appVersion: 'bench' } })
    // ~1.3 KB a row, as a journal row with a slip (docs/fleet.md § 2).
    out.push(new SimTill(r!.token, () => url, 1100))
  }
  return out
}

async function scenarios(engine: string, db: Db): Promise<Figure[]> {
  await migrate(db)
  await ensureStore(db, STORE)
  // The server's own limits (10 pushes/s a till, burst 20): a till's backlog of 15 batches fits in the burst.
  const { app } = createStoreApp({
    db: async () => db,
    store: STORE,
    events: new StoreEvents(),
    config: emptyConfig,
    now: () => Date.now(),
    log: () => undefined,
  })
  const { server, url } = await new Promise<{ server: ServerType; url: string }>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve({ server: s, url: `http://127.0.0.1:${info.port}` }))
  })
  const figures: Figure[] = []
  try {
    // 1. The fleet's backlog: TILLS tills each with OPS new rows, pushed in batches of 100 at once.
    const fleet = await tills(db, url, TILLS)
    for (const t of fleet) t.pay(OPS)
    const l0 = load()
    const latencies: number[] = []
    const t0 = performance.now()
    await Promise.all(fleet.map((t) => t.drain({ latencies, timeoutMs: LIMIT_MS }).catch(() => undefined)))
    const secs = (performance.now() - t0) / 1000
    const applied = fleet.reduce((n, t) => n + t.rows.size - t.outbox().length, 0)
    const rate = applied / secs
    const batchP95 = p95(latencies)
    const l1 = load()
    const at = `load ${l0}–${l1}`
    figures.push({
      name: `${engine}: ${TILLS} tills × ${OPS} ops, rows applied/s`,
      value: `${rate.toFixed(0)} rows/s`,
      budget: `≥ 1000${engine === 'PostgreSQL' && rate < 1000 ? ' OVER' : ''} (${applied} rows in ${secs.toFixed(1)} s; ${at})`,
    })
    figures.push({
      name: `${engine}: push p95 (batches of 100)`,
      value: `${batchP95.toFixed(0)} ms`,
      budget: `≤ 100${engine === 'PostgreSQL' && batchP95 > 100 ? ' OVER' : ''} (${latencies.length} pushes; ${at})`,
    })
    // 2. Online: every till pushes 2 rows every 250 ms (TILLS × 4 pushes/s; a busy store's 20 tills make 0.33/s),
    //    the shape of a till that pushes 1 s after each commit. A backlog's p95 above is queueing: 20 tills with
    //    one 100-row batch each in flight wait for one another (latency ≈ tills ÷ batches per second).
    for (const t of fleet) t.rows.clear()
    const small: number[] = []
    const l2 = load()
    await Promise.all(
      fleet.map(async (t, k) => {
        await new Promise((r) => setTimeout(r, (250 * k) / fleet.length))
        for (let i = 0; i < 20; i++) {
          const next = Date.now() + 250
          t.pay(2)
          await t.drain({ latencies: small, timeoutMs: LIMIT_MS })
          await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())))
        }
      }),
    )
    const smallP95 = p95(small)
    figures.push({
      name: `${engine}: push p95 online (2 rows, ${TILLS * 4} pushes/s)`,
      value: `${smallP95.toFixed(0)} ms`,
      budget: `≤ 100${engine === 'PostgreSQL' && smallP95 > 100 ? ' OVER' : ''} (${small.length} pushes; load ${l2}–${load()})`,
    })
    // 3. One payment on an idle store: push → committed in the store database (the till adds its 1 s trigger).
    const [one] = await tills(db, url, 1)
    const oneLat: number[] = []
    for (let i = 0; i < 20; i++) {
      one!.pay(1)
      await one!.drain({ latencies: oneLat })
    }
    const oneP95 = p95(oneLat)
    figures.push({
      name: `${engine}: one payment pushed and committed, p95`,
      value: `${oneP95.toFixed(0)} ms`,
      budget: `≤ 1000 (+ the till's 1 s trigger ≤ 2 s)${oneP95 > 1000 ? ' OVER' : ''} (load ${load()})`,
    })
    // 4. A till back after 24 h offline: 1 500 operations, each at rev 2.
    const [back] = await tills(db, url, 1)
    back!.pay(BACKLOG)
    back!.advanceAll('approved')
    const b0 = performance.now()
    await back!.drain({ timeoutMs: LIMIT_MS }).catch(() => undefined)
    const drainS = (performance.now() - b0) / 1000
    const left = back!.outbox().length
    figures.push({
      name: `${engine}: 24 h offline backlog (${BACKLOG} ops) drained`,
      value: `${drainS.toFixed(1)} s`,
      budget: `≤ 30${drainS > 30 || left ? ' OVER' : ''}${left ? ` (${left} left)` : ''} (load ${load()})`,
    })
  } finally {
    server.close()
  }
  return figures
}

const figures: Figure[] = []
console.log(
  `store bench: ${TILLS} tills × ${OPS} ops on ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)

const cluster = await startCluster()
try {
  const pg = openPostgres({ url: cluster.url, max: 10 })
  try {
    figures.push(...(await scenarios('PostgreSQL', pg)))
  } finally {
    await pg.close()
  }
} finally {
  cluster.destroy()
}

const dir = mkdtempSync(join(os.tmpdir(), 'paydesk-bench-pglite-'))
try {
  const lite = await openPglite({ dir, say: () => undefined })
  try {
    figures.push(...(await scenarios('PGlite', lite)))
  } finally {
    await lite.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const w = Math.max(...figures.map((f) => f.name.length))
const v = Math.max(...figures.map((f) => f.value.length))
console.log('\nPaydesk store server (budgets apply to PostgreSQL; PGlite is printed beside it, the demo engine)')
for (const f of figures) console.log(`  ${f.name.padEnd(w)}  ${f.value.padStart(v)}  budget ${f.budget}`)
process.exit(0)
