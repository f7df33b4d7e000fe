// The PostgreSQL adapter (`pg` pool). A pool without an 'error' listener crashes the process when PostgreSQL
// dies under an idle client (found in the fleet measurements), so one is always attached.
import pg from 'pg'
import { int8, type Db, type Queryable, type Row } from './db.ts'

const INT8_OID = 20

export interface PgOptions {
  url: string
  /** Pool size = the most push transactions at once. */
  max?: number
  onError?: (err: Error) => void
}

export function openPostgres(opts: PgOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (v: string) => int8(v) : pg.types.getTypeParser(oid, format)) },
  })
  pool.on('error', (err) => (opts.onError ?? ((e: Error) => console.error(`store database: ${e.message}`)))(err))
  const query: Queryable['query'] = async <R extends Row>(text: string, params?: readonly unknown[]) => {
    const r = await pool.query(text, params as unknown[] | undefined)
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 }
  }
  return {
    engine: 'postgres',
    concurrency: opts.max ?? 10,
    query,
    exec: async (text) => void (await pool.query(text)),
    async tx(fn) {
      const client = await pool.connect()
      let broken: Error | undefined
      // A checked-out client has no pool listener: without this, PostgreSQL dying mid-transaction is an
      // unhandled 'error' event (the failed query already rejects; the client is dropped on release).
      const onError = (err: Error) => {
        broken = err
      }
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        const q: Queryable = {
          query: async <R extends Row>(text: string, params?: readonly unknown[]) => {
            const r = await client.query(text, params as unknown[] | undefined)
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 }
          },
          exec: async (text) => void (await client.query(text)),
        }
        const out = await fn(q)
        await client.query('COMMIT')
        return out
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e))
        })
        throw err
      } finally {
        client.off('error', onError)
        // A connection that could not roll back, or that died, is dropped, not handed to the next transaction.
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
