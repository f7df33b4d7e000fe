// The embedded engine for `npm start` and trials: PGlite (PostgreSQL compiled to WASM) in a data folder. It is
// not a production database (docs/fleet.md § 2): its commits are not fsynced, it has one backend (every
// transaction waits for the one before), no replication, and it does not lock its folder — a second process on
// the same folder would corrupt it, so this adapter takes an exclusive lock file beside the data first.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { int8, type Db, type Queryable, type Row } from './db.ts'

type PGliteT = import('@electric-sql/pglite').PGlite
type Tx = Parameters<Parameters<PGliteT['transaction']>[0]>[0]

const INT8_OID = 20

export const PGLITE_WARNING =
  'store database: PGlite (embedded) — for demos and trials only: its commits are not fsynced (a power cut can lose them), ' +
  'it has one connection and no replication. Set DATABASE_URL to a PostgreSQL database for a store.'
export const PGLITE_FIRST_START = 'creating the store database, first start only'

export class DataDirLocked extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the store database folder ${dir} is in use by process ${pid}: stop it first (one process per folder)`)
  }
}

/** Takes `<dir>/lock` (O_EXCL), taking over a lock whose process is gone. Returns its release. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        process.off('exit', release)
        rmSync(file, { force: true })
      }
      // A process that exits without closing the database (vite preview on Ctrl-C) still leaves no lock behind.
      process.once('exit', release)
      return release
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirLocked(dir, pid)
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not lock ${dir}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface PgliteOptions {
  /** The folder to keep; undefined = in memory (tests). */
  dir?: string
  /** Prints the start-up warnings (default: console.warn). */
  say?: (line: string) => void
  /** An initialised data folder to start from (a PGlite dumpDataDir tar): skips initdb (tests). */
  loadDataDir?: Blob
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  const say = opts.say ?? ((l: string) => console.warn(l))
  let release = (): void => undefined
  let dataDir: string | undefined
  if (opts.dir !== undefined) {
    release = lockDataDir(opts.dir)
    dataDir = join(opts.dir, 'pgdata')
    say(PGLITE_WARNING)
    if (!existsSync(join(dataDir, 'PG_VERSION'))) say(PGLITE_FIRST_START)
  }
  let pg: PGliteT
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    pg = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [INT8_OID]: (v: string) => int8(v) },
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    })
  } catch (err) {
    release()
    throw err
  }
  const wrap = (t: Tx | PGliteT): Queryable => ({
    async query<R extends Row>(text: string, params?: readonly unknown[]) {
      const r = await t.query<R>(text, params as unknown[] | undefined)
      // PGlite's affectedRows is 0 for a SELECT; pg's rowCount counts the rows returned.
      return { rows: r.rows, rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) }
    },
    exec: async (text) => void (await t.exec(text)),
  })
  const top = wrap(pg)
  return {
    engine: 'pglite',
    concurrency: 1,
    query: top.query,
    exec: top.exec,
    tx: (fn) => pg.transaction((t) => fn(wrap(t))),
    async close() {
      try {
        await pg.close()
      } finally {
        release()
      }
    },
  }
}
