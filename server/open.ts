// Opens the store database the environment names: PostgreSQL at DATABASE_URL, or else embedded PGlite in a
// data folder (PAYDESK_STORE_DIR, default `.paydesk-store/` in the working directory; `memory` keeps it in
// memory), then runs the migrations and makes sure the store row exists.
import { resolve } from 'node:path'
import type { Db } from './db/db.ts'
import { openPglite } from './db/pglite.ts'
import { openPostgres } from './db/pg.ts'
import { migrate } from './migrate.ts'
import { ensureStore } from './store/enrolment.ts'

export type Env = Record<string, string | undefined>

export const DEFAULT_STORE_DIR = '.paydesk-store'

export function storeIdentity(env: Env, fallback: { id: string; name: string }): { id: string; name: string } {
  return { id: env.PAYDESK_STORE_ID || fallback.id, name: env.PAYDESK_STORE_NAME || fallback.name }
}

export async function openStoreDb(env: Env, store: { id: string; name: string }, say: (line: string) => void = (l) => console.warn(l)): Promise<Db> {
  let db: Db
  if (env.DATABASE_URL) {
    db = openPostgres({ url: env.DATABASE_URL, max: Number(env.PAYDESK_DB_POOL ?? 10), onError: (e) => say(`store database: ${e.message}`) })
  } else {
    const dir = env.PAYDESK_STORE_DIR ?? DEFAULT_STORE_DIR
    db = await openPglite({ dir: dir === 'memory' ? undefined : resolve(dir), say })
  }
  try {
    const applied = await migrate(db)
    if (applied.length) say(`store database: applied ${applied.join(', ')}`)
    await ensureStore(db, store)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
  return db
}
