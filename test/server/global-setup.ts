// Server suite set-up: one throwaway PostgreSQL cluster for the run (wal_level = logical: it is a publishing store in the chain suite) (installed if missing, initdb in a temp
// folder, 127.0.0.1, a free port), stopped and removed after. Each test file makes its own database in it;
// PGlite runs in memory in each file, from a data folder made once here. SKIP_POSTGRES=1 runs the PGlite half only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startCluster, type PgCluster } from '../../scripts/postgres-cluster.ts'
import { PUBLISHER_CONF } from '../../scripts/store-chain.ts'

let cluster: PgCluster | undefined

/** PGlite's first start runs initdb in WASM (seconds, tens of seconds under load): done once here, and each file loads the result. */
async function pgliteTemplate(dir: string): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite')
  const pg = await PGlite.create()
  const dump = await pg.dumpDataDir('none')
  await pg.close()
  const file = join(dir, 'pglite-empty.tar')
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  return file
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-server-suite-'))
  const [dump, pg] = await Promise.all([
    pgliteTemplate(dir),
    process.env.SKIP_POSTGRES === '1' ? Promise.resolve(undefined) : startCluster({ conf: PUBLISHER_CONF }).then((c) => (cluster = c)),
  ])
  project.provide('pgliteDump', dump)
  project.provide('pg', pg ? { url: pg.url, port: pg.port, dataDir: pg.dataDir } : null)
  return () => {
    cluster?.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { url: string; port: number; dataDir: string } | null
    /** A tar of an empty PGlite data folder (PGlite.create({loadDataDir})). */
    pgliteDump: string
  }
}
