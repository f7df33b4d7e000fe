// A throwaway PostgreSQL cluster for the store server's tests, its bench and the chain replication script:
// Debian's PostgreSQL (installed with apt-get when missing and we are root, as scripts/ensure-chromium.mjs does
// for Chromium), `initdb` into a temporary folder, `pg_ctl start` listening on 127.0.0.1 only, on a free port.
// PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user (or `nobody`) via runuser.
import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth: the cluster only listens on 127.0.0.1). */
  url: string
  port: number
  dataDir: string
  /** `postgres://…/<db>` for another database of this cluster. */
  urlOf(database: string): string
  start(): void
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no checkpoint; recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): void
  /** Stops the cluster and removes its folder. */
  destroy(): void
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0

/** The newest Debian PostgreSQL bin folder, or PG_BINDIR. */
export function findPgBin(): string | undefined {
  if (process.env.PG_BINDIR) return existsSync(join(process.env.PG_BINDIR, 'initdb')) ? process.env.PG_BINDIR : undefined
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin')
}

/** Finds PostgreSQL, installing Debian's when missing and allowed (root with apt-get); throws with what to run otherwise. */
export function ensurePostgres(): string {
  let bin = findPgBin()
  if (bin) return bin
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (isRoot() && apt) {
    console.warn("installing Debian's postgresql (apt-get) for the store server's tests")
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const run = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0
    if (run(['update', '-qq'])) run(['install', '-y', '-qq', 'postgresql'])
    bin = findPgBin()
    if (bin) return bin
  }
  throw new Error('PostgreSQL is missing: run `sudo apt-get install postgresql` (or set PG_BINDIR to its bin folder), then run the tests again')
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (a && typeof a !== 'string' ? resolve(a.port) : reject(new Error('no port'))))
    })
  })
}

function runAs(): string | undefined {
  if (!isRoot()) return undefined
  for (const user of ['postgres', 'nobody']) if (spawnSync('id', ['-u', user], { stdio: 'ignore' }).status === 0) return user
  throw new Error('PostgreSQL will not run as root and there is no postgres or nobody user')
}

function uidGid(user: string): [number, number] {
  const out = (args: string[]) => Number(spawnSync('id', args, { encoding: 'utf8' }).stdout.trim())
  return [out(['-u', user]), out(['-g', user])]
}

export interface ClusterOptions {
  /** Extra postgresql.conf lines (e.g. `wal_level = logical`). */
  conf?: string[]
}

/** Runs a PostgreSQL program as the user PostgreSQL runs as (the postgres user when we are root). */
function pgExec(cmd: string, args: string[], check = true) {
  const full = join(ensurePostgres(), cmd)
  const user = runAs()
  const r = user ? spawnSync('runuser', ['-u', user, '--', full, ...args], { encoding: 'utf8' }) : spawnSync(full, args, { encoding: 'utf8' })
  if (check && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`)
  return r
}

/** Start and stop a cluster made by startCluster from its data folder (another process, e.g. a test file, may hold only this). */
export function clusterControl(dataDir: string): Pick<PgCluster, 'start' | 'stop'> {
  return {
    start: () => {
      // Already running (pg_ctl status 0): nothing to do. After an immediate stop the old postmaster.pid is still
      // there; pg_ctl starts anyway once the old processes are gone, so a failed start is tried again briefly.
      if (pgExec('pg_ctl', ['-D', dataDir, 'status'], false).status === 0) return
      for (let attempt = 1; ; attempt++) {
        const r = pgExec('pg_ctl', ['-D', dataDir, '-l', join(dataDir, '..', 'log'), '-w', '-t', '60', 'start'], attempt === 5)
        if (r.status === 0) return
        spawnSync('sleep', ['0.2'])
      }
    },
    stop: (mode: 'fast' | 'immediate' = 'fast') => void pgExec('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop'], false),
  }
}

export async function startCluster(opts: ClusterOptions = {}): Promise<PgCluster> {
  ensurePostgres()
  const user = runAs()
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-pg-'))
  const dataDir = join(dir, 'data')
  const port = await freePort()
  if (user) {
    const [uid, gid] = uidGid(user)
    chownSync(dir, uid, gid)
  }
  pgExec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'])
  // In postgresql.conf, not as start flags: a restart (pg_ctl start) must come back with the same settings.
  const conf = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    // fsync off is safe for these tests: they crash the server process (pg_ctl stop -m immediate), not the
    // machine, and the OS keeps what PostgreSQL wrote. synchronous_commit stays on: an ack is a real commit.
    'fsync = off',
    'full_page_writes = off',
    'max_connections = 200',
    ...(opts.conf ?? []),
  ]
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), conf.join('\n') + '\n')
  if (user) {
    const [uid, gid] = uidGid(user)
    chownSync(join(dataDir, 'postgresql.auto.conf'), uid, gid)
  }
  const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`
  const { start, stop } = clusterControl(dataDir)
  start()
  return {
    url: urlOf('postgres'),
    port,
    dataDir,
    urlOf,
    start,
    stop,
    destroy() {
      stop('immediate')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
