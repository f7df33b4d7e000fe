// Exactly once under faults (docs/fleet.md § 8.3). Every case ends with one row per operation, each at the
// till's final rev, and every simulated till's outbox empty: the store server killed (SIGKILL) after COMMIT and
// before the reply (PostgreSQL twice, and embedded PGlite once, its folder lock taken over); PostgreSQL stopped
// immediately mid-push and restarted; a proxy that drops replies.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clusterControl } from '../../scripts/postgres-cluster.ts'
import { openPglite } from '../../server/db/pglite.ts'
import type { Db } from '../../server/db/db.ts'
import { migrate } from '../../server/migrate.ts'
import { enrol, ensureStore, issueEnrolCode } from '../../server/store/enrolment.ts'
import { SimTill } from '../support/store-till-sim.ts'
import { ENGINES, STORE, emptyDb, storeFixture } from './support.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function newTill(db: Db, base: () => string): Promise<SimTill> {
  const { code } = await issueEnrolCode(db, { storeId: STORE.id, name: 'sim' })
  const reply = await enrol(db, STORE.id, { code, device: { name: 'sim', appVersion: 'sim' } })
  return new SimTill(reply!.token, base, 200)
}

/** One row per operation, each at the till's rev, and every outbox empty. */
async function expectExactlyOnce(db: Db, tills: SimTill[]): Promise<void> {
  const made = tills.reduce((n, t) => n + t.rows.size, 0)
  const counts = await db.query<{ n: number; ids: number }>('SELECT count(*)::int8 AS n, count(DISTINCT id)::int8 AS ids FROM operation')
  expect(counts.rows[0]).toEqual({ n: made, ids: made })
  const revs = await db.query<{ id: string; rev: number }>('SELECT id, rev FROM operation')
  const stored = new Map(revs.rows.map((r) => [r.id, r.rev]))
  for (const t of tills) {
    expect(t.outbox()).toEqual([])
    for (const [id, h] of t.rows) expect(stored.get(id), id).toBe(h.row.rev)
  }
}

function listen(fetchFn: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchFn, hostname: '127.0.0.1', port: 0 }, (info) => resolve({ server, url: `http://127.0.0.1:${info.port}` }))
  })
}

/** The store server in its own process; resolves once it listens. */
function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const entry = fileURLToPath(new URL('./child-server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /port (\d+)/.exec(out)
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` })
    })
    child.once('exit', (code, signal) => reject(new Error(`store server exited (${code ?? signal}) before listening: ${err}`)))
  })
}

describe.skipIf(!inject('pg'))('exactly once: store server killed after COMMIT, before the reply', () => {
  it('the till resends the batch it has no ack for; the store holds each row once at the final rev', async () => {
    const { db, url } = await emptyDb('postgres')
    cleanups.push(() => db.close())
    await migrate(db)
    await ensureStore(db, STORE)
    let base = ''
    const till = await newTill(db, () => base)
    till.pay(250)
    // The first server process dies after its 2nd COMMIT; the next after its 1st; the third runs to the end.
    let deaths = 0
    let current: ChildProcess | undefined
    const boot = async (killAfter: number) => {
      const s = await startChild({ DATABASE_URL: url!, KILL_AFTER_COMMIT: String(killAfter) })
      current = s.child
      base = s.url
      s.child.once('exit', (_c, signal) => signal === 'SIGKILL' && deaths++)
    }
    cleanups.push(() => void current?.kill('SIGKILL'))
    await boot(2)
    let restarting: Promise<void> | undefined
    const onFailure = async () => {
      restarting ??= (async () => {
        await new Promise((r) => setTimeout(r, 50))
        await boot(deaths === 1 ? 1 : 0)
      })().finally(() => (restarting = undefined))
      await restarting
    }
    await till.drain({ onFailure, timeoutMs: 60_000 })
    till.advanceAll('approved')
    await till.drain({ onFailure, timeoutMs: 60_000 })
    expect(deaths).toBe(2)
    expect(till.failures).toBeGreaterThanOrEqual(2)
    await expectExactlyOnce(db, [till])
  })
})

describe('exactly once: embedded PGlite killed (kill -9) after COMMIT, before the reply', () => {
  it("the next process takes over the dead one's folder lock, and the store holds each row once at the final rev", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-pglite-kill-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const env = { PAYDESK_STORE_DIR: dir, PGLITE_TEMPLATE: inject('pgliteDump') }
    let base = ''
    let current: ChildProcess | undefined
    let deaths = 0
    const boot = async (killAfter: number) => {
      const s = await startChild({ ...env, KILL_AFTER_COMMIT: String(killAfter) })
      current = s.child
      base = s.url
      s.child.once('exit', (_c, signal) => signal === 'SIGKILL' && deaths++)
    }
    cleanups.push(() => void current?.kill('SIGKILL'))
    await boot(2)
    // The till enrols over HTTP: the child holds the folder.
    const { code } = (await (await fetch(`${base}/api/v1/test/code`, { method: 'POST' })).json()) as { code: string }
    const enrolled = (await (
      await fetch(`${base}/api/v1/enrol`, { method: 'POST', body: JSON.stringify({ code, device: { name: 'sim', appVersion: 'sim' } }) })
    ).json()) as {
      token: string
    }
    const till = new SimTill(enrolled.token, () => base, 200)
    till.pay(150)
    let restarting: Promise<void> | undefined
    const onFailure = async () => {
      restarting ??= (async () => {
        await new Promise((r) => setTimeout(r, 50))
        await boot(0)
      })().finally(() => (restarting = undefined))
      await restarting
    }
    await till.drain({ onFailure, timeoutMs: 60_000 })
    till.advanceAll('approved')
    await till.drain({ onFailure, timeoutMs: 60_000 })
    expect(deaths).toBe(1)
    const last = current!
    await new Promise<void>((r) => {
      last.once('exit', () => r())
      last.kill('SIGKILL')
    })
    const db = await openPglite({ dir, say: () => undefined })
    cleanups.push(() => db.close())
    await expectExactlyOnce(db, [till])
  })
})

describe.skipIf(!inject('pg'))('exactly once: PostgreSQL stopped immediately mid-push', () => {
  it('tills retry the batches that failed; after the restart the store holds each row once at the final rev', async () => {
    const pg = inject('pg')!
    const control = clusterControl(pg.dataDir)
    const f = await storeFixture('postgres', { pushSlots: 5 })
    cleanups.push(() => f.close())
    const { server, url } = await listen(f.app.fetch)
    cleanups.push(() => void server.close())
    const tills = await Promise.all(Array.from({ length: 5 }, () => newTill(f.db, () => url)))
    for (const t of tills) t.pay(300)
    let crashed = false
    const crash = (async () => {
      await expect.poll(() => tills.reduce((n, t) => n + t.pushes, 0), { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(6)
      control.stop('immediate')
      crashed = true
      await new Promise((r) => setTimeout(r, 300))
      control.start()
    })()
    cleanups.push(() => control.start())
    await Promise.all(tills.map((t) => t.drain({ retryMs: 100, timeoutMs: 60_000 })))
    await crash
    for (const t of tills) t.advanceAll('approved')
    await Promise.all(tills.map((t) => t.drain({ retryMs: 100, timeoutMs: 60_000 })))
    expect(crashed).toBe(true)
    expect(tills.reduce((n, t) => n + t.failures, 0)).toBeGreaterThan(0)
    await expectExactlyOnce(f.db, tills)
  })
})

describe.each(ENGINES)('exactly once on %s: a proxy that drops replies', (engine) => {
  it('two of every three replies are lost after the store committed; the tills end with every row once', async () => {
    const f = await storeFixture(engine)
    cleanups.push(() => f.close())
    const { server, url } = await listen(f.app.fetch)
    cleanups.push(() => void server.close())
    const upstream = new URL(url)
    let n = 0
    let dropped = 0
    const proxy: Server = createServer((req, res) => {
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (ur) => {
        const chunks: Buffer[] = []
        ur.on('data', (c: Buffer) => chunks.push(c))
        ur.on('end', () => {
          // The store has answered (so it committed): the till never hears it.
          if (n++ % 3 !== 2) {
            dropped++
            req.socket.destroy()
            return
          }
          res.writeHead(ur.statusCode ?? 502, ur.headers)
          res.end(Buffer.concat(chunks))
        })
      })
      up.on('error', () => res.destroy())
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    cleanups.push(() => void proxy.close())
    const address = proxy.address()
    const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const tills = await Promise.all(Array.from({ length: 3 }, () => newTill(f.db, () => proxyUrl)))
    for (const t of tills) t.pay(100)
    await Promise.all(tills.map((t) => t.drain({ retryMs: 10 })))
    for (const t of tills) t.advanceAll('approved')
    await Promise.all(tills.map((t) => t.drain({ retryMs: 10 })))
    expect(dropped).toBeGreaterThan(5)
    await expectExactlyOnce(f.db, tills)
  })
})
