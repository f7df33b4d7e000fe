// Plain SQL migrations (docs/fleet.md § 3): `server/migrations/NNN_name.sql`, run in number order, each file in
// one transaction under a transaction-scoped advisory lock and recorded in `schema_migration`, so two servers
// starting at once, or a second run, apply nothing twice. Numbers 001–099 are the store server's, 100+ the
// admin console's. Only SQL that PostgreSQL 15 accepts (PGlite runs the same files).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './db/db.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
/** pg_advisory_xact_lock key: "paydesk-migrate" folded into an int8 (any constant that no other lock uses). */
const LOCK_KEY = 7_061_792_001

export interface Migration {
  number: number
  name: string
  sql: string
  sha256: string
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = []
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file)
    if (!m) {
      if (file.endsWith('.sql')) throw new Error(`migration ${file}: name it NNN_name.sql (lower case)`)
      continue
    }
    const sql = readFileSync(`${dir}/${file}`, 'utf8')
    out.push({ number: Number(m[1]), name: file, sql, sha256: createHash('sha256').update(sql).digest('hex') })
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.number === out[i - 1]!.number) throw new Error(`two migrations numbered ${out[i]!.number}: ${out[i - 1]!.name}, ${out[i]!.name}`)
  }
  return out
}

/** Applies what is not applied yet; returns the names it applied. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  const applied: string[] = []
  for (const m of migrations) {
    const did = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY])
      await q.exec(
        'CREATE TABLE IF NOT EXISTS schema_migration (number integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      )
      const done = await q.query<{ sha256: string }>('SELECT sha256 FROM schema_migration WHERE number = $1', [m.number])
      if (done.rows[0]) {
        if (done.rows[0].sha256 !== m.sha256) console.warn(`migration ${m.name} changed after it was applied: a change needs a new file`)
        return false
      }
      await q.exec(m.sql)
      await q.query('INSERT INTO schema_migration (number, name, sha256) VALUES ($1, $2, $3)', [m.number, m.name, m.sha256])
      return true
    })
    if (did) applied.push(m.name)
  }
  return applied
}
