// A chain of stores by logical replication (docs/architecture.md § 6b; docs/store.md § Chain): a store's PostgreSQL publishes
// `operation` and `shift` with publish = 'insert, update' (so a store trimming old rows never deletes the
// chain's history), and the chain's PostgreSQL subscribes. `npm run store:chain` starts two throwaway clusters,
// replicates a batch, restarts the publisher in the middle (a crash: pg_ctl stop -m immediate), trims the store,
// and checks the chain holds every row at its last rev. test/server/chain.test.ts runs the same steps.
import pg from 'pg'
import { openPostgres } from '../server/db/pg.ts'
import { migrate } from '../server/migrate.ts'
import { enrol, ensureStore, issueEnrolCode, tillOfToken } from '../server/store/enrolment.ts'
import { push } from '../server/store/push.ts'
import { ulid } from '../src/domain/ids.ts'
import type { OpRow } from '../src/domain/store-contract.ts'
import { startCluster, type PgCluster } from './postgres-cluster.ts'

/** The store side: publish the journal, inserts and updates only. */
export const PUBLICATION_SQL = "CREATE PUBLICATION paydesk_chain FOR TABLE operation, shift WITH (publish = 'insert, update')"

/**
 * The chain side: the same columns (no foreign keys: stores and tills are each store's own), the operation
 * table partitioned by month of the till's created_at (ms) with the key (id, created_at) the store replicates
 * with (its REPLICA IDENTITY USING INDEX operation_id_created). Add a partition a month ahead; the default
 * partition catches what has none.
 */
export const CHAIN_SCHEMA_SQL = `
CREATE TABLE operation (
  id text NOT NULL, store_id text NOT NULL, till_id text NOT NULL, rev bigint NOT NULL, kind text NOT NULL,
  state text NOT NULL, provider text NOT NULL, payment_type_id text NOT NULL, amount bigint NOT NULL,
  currency text NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL, body jsonb NOT NULL,
  received_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE operation_default PARTITION OF operation DEFAULT;
CREATE INDEX operation_store_created ON operation (store_id, created_at);
CREATE TABLE shift (
  till_id text NOT NULL, number bigint NOT NULL, store_id text NOT NULL, rev bigint NOT NULL,
  opened_at bigint NOT NULL, closed_at bigint NOT NULL, body jsonb NOT NULL, received_at timestamptz NOT NULL,
  PRIMARY KEY (till_id, number)
);`

/** A month's partition of the chain's operation table (created_at is the till's clock in ms, UTC months). */
export function monthPartitionSql(year: number, month: number): string {
  const from = Date.UTC(year, month - 1, 1)
  const to = Date.UTC(year, month, 1)
  const name = `operation_${year}_${String(month).padStart(2, '0')}`
  return `CREATE TABLE ${name} PARTITION OF operation FOR VALUES FROM (${from}) TO (${to})`
}

export interface ChainSteps {
  say(line: string): void
  /** Crash and restart the store's PostgreSQL (the publisher). */
  restartPublisher(): void
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`chain: timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const TOTALS = 'SELECT count(*)::text AS n, coalesce(sum(rev), 0)::text AS revs FROM operation'
const totals = async (q: { query(text: string): Promise<{ rows: unknown[] }> }) => {
  const row = (await q.query(TOTALS)).rows[0] as { n: string; revs: string }
  return { n: Number(row.n), revs: Number(row.revs) }
}

/** As a till does: a push that failed (the store's database restarting) is sent again. */
async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= 20) throw err
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

/**
 * Runs the chain on a store database (`storeUrl`, on a cluster with wal_level = logical) and an empty chain
 * database (`chainUrl`); `storeConn` is how the chain's server reaches the store (a libpq connection string).
 * Returns the final counts, which must be equal.
 */
export async function runChain(storeUrl: string, storeConn: string, chainUrl: string, steps: ChainSteps) {
  const store = openPostgres({ url: storeUrl, max: 4, onError: () => undefined })
  const chain = new pg.Client(chainUrl)
  await chain.connect()
  try {
    await migrate(store)
    await ensureStore(store, { id: 'store-1', name: 'Store 1' })
    const { code } = await issueEnrolCode(store, { storeId: 'store-1', name: 'Till 1' })
    const enrolled = await enrol(store, 'store-1', { code, device: { name: 'chain', appVersion: 'chain' } })
    const till = (await tillOfToken(store, enrolled!.token))!
    const status = { outbox: 0, oldestUnsyncedAt: null, queue: 0, open: 0, attention: 0, appVersion: 'chain', configVersion: 1, now: Date.now() }
    const rows: OpRow[] = []
    const batch = async (n: number, rev: number) => {
      const now = Date.now()
      const fresh: OpRow[] = Array.from({ length: n }, (_, i) => {
        const id = ulid(now, crypto.getRandomValues(new Uint8Array(10)))
        return {
          id,
          rev: 1,
          kind: 'pay',
          state: 'approved',
          provider: 'payme',
          paymentTypeId: 'pt-1',
          amount: 1000 + i,
          currency: 'UZS',
          createdAt: now,
          updatedAt: now,
          body: { id },
        }
      })
      rows.push(...fresh)
      for (let i = 0; i < rows.length; i++) if (rows[i]!.rev < rev) rows[i] = { ...rows[i]!, rev, state: 'approved', updatedAt: now }
      for (let i = 0; i < rows.length; i += 100)
        await retried(() => push(store, till, { ops: rows.slice(i, i + 100), shifts: [], status: { ...status, now } }, { now }))
    }

    await batch(500, 1)
    await store.exec(PUBLICATION_SQL)
    await chain.query(CHAIN_SCHEMA_SQL)
    const d = new Date()
    await chain.query(monthPartitionSql(d.getUTCFullYear(), d.getUTCMonth() + 1))
    await chain.query(`CREATE SUBSCRIPTION paydesk_store_1 CONNECTION '${storeConn}' PUBLICATION paydesk_chain`)
    const t0 = Date.now()
    await waitFor('the initial copy', async () => (await totals(chain)).n === 500)
    steps.say(`chain: initial copy of 500 rows in ${Date.now() - t0} ms`)

    await batch(100, 2)
    steps.say('chain: publisher crashes (immediate stop) and restarts')
    steps.restartPublisher()
    await batch(100, 3)
    // The store trims its oldest rows: the chain keeps them (deletes are not published).
    const trimmed = await retried(() => store.query('DELETE FROM operation WHERE id IN (SELECT id FROM operation ORDER BY id LIMIT 50)'))
    const want = { n: rows.length, revs: rows.reduce((s, r) => s + r.rev, 0) }
    await waitFor('the chain to catch up after the restart', async () => {
      const c = await totals(chain)
      return c.n === want.n && c.revs === want.revs
    })
    const stored = await totals(store)
    const got = await totals(chain)
    steps.say(`chain: store holds ${stored.n} rows (trimmed ${trimmed.rowCount}); chain holds ${got.n} rows, sum(rev) ${got.revs} = the till's ${want.revs}`)
    const inMonth = await chain.query(`SELECT count(*)::int AS n FROM operation_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`)
    return { want, chain: got, store: stored, trimmed: trimmed.rowCount, inMonthPartition: (inMonth.rows[0] as { n: number }).n }
  } finally {
    await chain.query('DROP SUBSCRIPTION IF EXISTS paydesk_store_1').catch(() => undefined)
    await chain.end()
    await store.close()
  }
}

/** The postgresql.conf a publishing store needs (in the file, not as flags: a restart must keep it). */
export const PUBLISHER_CONF = ['wal_level = logical', "max_slot_wal_keep_size = '1GB'"]

if (import.meta.url === `file://${process.argv[1]}`) {
  const clusters: PgCluster[] = []
  try {
    const storeCluster = await startCluster({ conf: PUBLISHER_CONF })
    clusters.push(storeCluster)
    const chainCluster = await startCluster()
    clusters.push(chainCluster)
    const result = await runChain(storeCluster.url, `host=127.0.0.1 port=${storeCluster.port} dbname=postgres user=postgres`, chainCluster.url, {
      say: (l) => process.stdout.write(`${l}\n`),
      restartPublisher: () => {
        storeCluster.stop('immediate')
        storeCluster.start()
      },
    })
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    for (const c of clusters) c.destroy()
  }
}
