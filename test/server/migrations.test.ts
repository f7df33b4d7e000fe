// Migrations (server/migrate.ts): from an empty database, twice, and two at once, on both engines.
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { openPostgres } from '../../server/db/pg.ts'
import { loadMigrations, migrate } from '../../server/migrate.ts'
import { ENGINES, emptyDb } from './support.ts'

describe.each(ENGINES)('migrations on %s', (engine) => {
  const open: Db[] = []
  afterAll(async () => {
    for (const db of open) await db.close()
  })

  it('run from an empty database, record each file, and apply nothing the second time', async () => {
    const { db } = await emptyDb(engine)
    open.push(db)
    const files = loadMigrations().map((m) => m.name)
    expect(await migrate(db)).toEqual(files)
    expect(await migrate(db)).toEqual([])
    const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migration ORDER BY number')
    expect(recorded.rows.map((r) => r.name)).toEqual(files)
    const tables = await db.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('store','till','enrolment','operation','shift','audit')",
    )
    expect(tables.rows[0]!.n).toBe(6)
  })

  it('a failing migration leaves nothing behind and is not recorded', async () => {
    const { db } = await emptyDb(engine)
    open.push(db)
    const bad = [{ number: 1, name: '001_bad.sql', sql: 'CREATE TABLE half (x int); SELECT no_such_function();', sha256: 'x' }]
    await expect(migrate(db, bad)).rejects.toThrow()
    const half = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half'")
    expect(half.rowCount).toBe(0)
    // The record table was created in the same transaction: it is gone with it.
    const recorded = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migration')::text AS t")
    expect(recorded.rows[0]!.t).toBeNull()
  })

  it.skipIf(engine !== 'postgres')('two servers migrating at once apply each file exactly once', async () => {
    const { db, url } = await emptyDb(engine)
    open.push(db)
    const other = openPostgres({ url: url!, max: 2, onError: () => undefined })
    open.push(other)
    const [a, b] = await Promise.all([migrate(db), migrate(other)])
    expect([...a, ...b].sort()).toEqual(loadMigrations().map((m) => m.name))
  })
})
