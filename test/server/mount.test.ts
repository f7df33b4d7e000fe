// How `npm start` carries the store: the API mounted on the demo's origin, its database opened only when the
// API is first used (pages never wait for PGlite's first start), a demo till enrolling by itself; and the
// embedded database's folder lock (PGlite takes none).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirLocked, lockDataDir } from '../../server/db/pglite.ts'
import { migrate } from '../../server/migrate.ts'
import { ensureStore } from '../../server/store/enrolment.ts'
import { storeMiddleware } from '../../server/vite-plugin.ts'
import type { EnrolReply, PushReply } from '../../src/domain/store-contract.ts'
import { emptyDb, opRow, pushBody } from './support.ts'

describe('the store API inside the demo server', () => {
  const closers: (() => unknown)[] = []
  afterAll(async () => {
    for (const c of closers) await c()
  })

  it('serves pages without opening the database, then enrols a demo till and takes its push on the same origin', async () => {
    let opened = 0
    const mw = storeMiddleware({}, async (_env, store) => {
      opened++
      const { db } = await emptyDb('pglite')
      await migrate(db)
      await ensureStore(db, store)
      return db
    })
    closers.push(() => mw.close())
    const server = createServer((req: IncomingMessage, res: ServerResponse) => mw.handle(req, res, () => res.end('page')))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    closers.push(() => server.close())
    const a = server.address()
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`

    expect(await (await fetch(`${base}/`)).text()).toBe('page')
    expect(await (await fetch(`${base}/api`)).text()).toBe('page')
    expect(opened).toBe(0)

    const { code } = (await (await fetch(`${base}/api/v1/demo/enrol-code`, { method: 'POST' })).json()) as { code: string }
    expect(opened).toBe(1)
    const enrolled = (await (
      await fetch(`${base}/api/v1/enrol`, { method: 'POST', body: JSON.stringify({ code, device: { name: 'demo', appVersion: '0' } }) })
    ).json()) as EnrolReply
    expect(enrolled.storeId).toBe('demo')
    const row = opRow()
    const r = await fetch(`${base}/api/v1/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${enrolled.token}` },
      body: JSON.stringify(pushBody([row])),
    })
    expect(((await r.json()) as PushReply).acked).toEqual([[row.id, 1]])
    expect(opened).toBe(1)
  })
})

describe('the embedded database folder lock', () => {
  it('a second holder is refused while the first lives; a lock left by a dead process is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-lock-'))
    try {
      const release = lockDataDir(dir)
      writeFileSync(join(dir, 'lock'), String(process.ppid))
      expect(() => lockDataDir(dir)).toThrow(DataDirLocked)
      expect(() => lockDataDir(dir)).toThrow(/in use by process/)
      release()
      // A pid no process has.
      writeFileSync(join(dir, 'lock'), '2147483646')
      const again = lockDataDir(dir)
      again()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
