// The demo's console password (`npm start`, never `npm run store`): made once, kept in the demo's data folder beside
// the database, printed at start, and set as the admin password when the demo store's database first opens (a
// password already set is never replaced).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Db } from '../db/db.ts'
import { setFirstPassword } from './auth.ts'

export function demoPassword(storeDir: string): string {
  if (storeDir === 'memory') return 'paydesk-demo'
  const file = join(resolve(storeDir), 'demo-console-password')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const pw = `demo-${randomBytes(6).toString('base64url')}`
  mkdirSync(resolve(storeDir), { recursive: true })
  writeFileSync(file, pw + '\n', { mode: 0o600 })
  return pw
}

export async function setDemoPassword(db: Db, storeId: string, password: string): Promise<void> {
  await db.tx(async (q) => {
    if (await setFirstPassword(q, storeId, password)) await q.query("INSERT INTO audit (store_id, actor, action) VALUES ($1, 'demo', 'setup')", [storeId])
  })
}
