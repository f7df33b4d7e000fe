// The till pulls its store's configuration: GET /config with If-None-Match of the version it applied,
// after a push says the store's version moved, and on start. A new version is applied in one Dexie transaction
// over the payment types, their secrets and the journal's open operations, so it lands only once no open operation
// of a changed type is left (else it waits for the next trigger). What the store manages is marked on each type
// (read-only in Settings, with the version); the till's own fields and local types stay.
import { OPEN_STATES } from '../../../src/domain/operation.ts'
import type { ConfigSchema } from '../../../src/domain/config.ts'
import { planStoreConfig, type ConfigPlan, type PulledConfig, type TillType } from '../../../src/domain/store-config-apply.ts'
import type { PaydeskDb } from '../db.ts'
import type { Logger } from '../log.ts'
import { linkStore } from './link.ts'

export const STORE_CONFIG_KEY = 'store.config'
const PAYMENT_TYPES_KEY = 'paymentTypes'
const PULL_TIMEOUT_MS = 20_000
const MAX_CONFIG_CHARS = 1024 * 1024

export interface AppliedConfig {
  version: number
  at: number
}

export async function appliedConfig(db: PaydeskDb): Promise<AppliedConfig | undefined> {
  return (await db.settings.get(STORE_CONFIG_KEY))?.value as AppliedConfig | undefined
}

export type PullResult =
  { kind: 'none' | 'unchanged' | 'failed' | 'revoked' } | { kind: 'wait'; busy: string[] } | { kind: 'applied'; version: number; refused: number }

export function configPuller(d: {
  db: PaydeskDb
  fetch: typeof fetch
  log: Logger
  now: () => number
  schemaOf: (provider: string) => ConfigSchema | undefined
}) {
  const { db, log } = d
  const link = linkStore(db)
  let running: Promise<PullResult> | undefined

  async function fetchConfig(address: string, token: string, version: number | undefined): Promise<PulledConfig | 'unchanged' | 'failed' | 'revoked'> {
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), PULL_TIMEOUT_MS)
    try {
      const res = await d.fetch(`${address}/api/v1/config`, {
        headers: { authorization: `Bearer ${token}`, ...(version !== undefined ? { 'if-none-match': `"${version}"` } : {}) },
        credentials: 'omit',
        cache: 'no-store',
        signal: ctrl.signal,
      })
      if (res.status === 304) return 'unchanged'
      if (res.status === 401 || res.status === 403) return 'revoked'
      if (res.status !== 200) return 'failed'
      const text = await res.text()
      if (text.length > MAX_CONFIG_CHARS) return 'failed'
      const b = JSON.parse(text) as Partial<PulledConfig>
      if (typeof b.version !== 'number' || !Array.isArray(b.paymentTypes) || typeof b.secrets !== 'object' || b.secrets === null) return 'failed'
      return { version: b.version, paymentTypes: b.paymentTypes, secrets: b.secrets }
    } catch {
      return 'failed'
    } finally {
      clearTimeout(timer)
    }
  }

  async function pullOnce(): Promise<PullResult> {
    const l = await link.read()
    const token = await link.token()
    if (!l || !token || l.revoked) return { kind: 'none' }
    const applied = await appliedConfig(db)
    const pulled = await fetchConfig(l.address, token, applied?.version)
    if (pulled === 'unchanged' || pulled === 'failed' || pulled === 'revoked') return { kind: pulled }
    let plan: ConfigPlan = { kind: 'same' }
    await db.transaction('rw', db.settings, db.secrets, db.operations, async () => {
      // Read inside the transaction: an operation started meanwhile is seen, or starts after the new version.
      const still = await link.read()
      if (!still || still.tillId !== l.tillId) return
      const current = ((await db.settings.get(PAYMENT_TYPES_KEY))?.value as TillType[] | undefined) ?? []
      const secrets: Record<string, Record<string, string>> = {}
      for (const t of current.filter((x) => x.managed)) {
        const rows = await db.secrets.where('key').startsWith(`${t.id}:`).toArray()
        secrets[t.id] = Object.fromEntries(rows.map((r) => [r.key.slice(t.id.length + 1), r.value]))
      }
      for (const raw of pulled.paymentTypes) {
        const id = typeof raw.id === 'string' ? raw.id : ''
        if (id && !secrets[id]) {
          const rows = await db.secrets.where('key').startsWith(`${id}:`).toArray()
          secrets[id] = Object.fromEntries(rows.map((r) => [r.key.slice(id.length + 1), r.value]))
        }
      }
      const open = await db.operations
        .where('state')
        .anyOf([...OPEN_STATES])
        .toArray()
      plan = planStoreConfig({
        current,
        secrets,
        pulled,
        appliedVersion: (await appliedConfig(db))?.version ?? null,
        openTypes: new Set(open.map((o) => o.paymentTypeId)),
        schemaOf: d.schemaOf,
        now: d.now(),
      })
      if (plan.kind !== 'apply') return
      // Nothing of the till's types changed (a version with nothing for this till): only the version is recorded.
      if (plan.changed.length || plan.removed.length || plan.adopted.length) await db.settings.put({ key: PAYMENT_TYPES_KEY, value: plan.types })
      for (const [key, value] of Object.entries(plan.putSecrets)) await db.secrets.put({ key, value })
      if (plan.deleteSecrets.length) await db.secrets.bulkDelete(plan.deleteSecrets)
      await db.settings.put({ key: STORE_CONFIG_KEY, value: { version: plan.version, at: d.now() } satisfies AppliedConfig })
    })
    const p = plan as ConfigPlan
    if (p.kind === 'wait') {
      log.info('sync', 'store config waits for open operations', { version: pulled.version, busy: p.busy.join(',') })
      return { kind: 'wait', busy: p.busy }
    }
    if (p.kind === 'apply') {
      // Ids and counts only: never a value (secrets travel in the same reply).
      log.info('sync', 'store config applied', {
        version: p.version,
        changed: p.changed.join(','),
        removed: p.removed.join(','),
        adopted: p.adopted.join(','),
        refused: p.refused.length,
      })
      for (const r of p.refused) log.warn('sync', 'store config: a payment type refused', { id: r.id, reason: r.reason })
      return { kind: 'applied', version: p.version, refused: p.refused.length }
    }
    return { kind: 'unchanged' }
  }

  return {
    /** Pull now (one at a time in this tab; a second call joins the running one). */
    pull(): Promise<PullResult> {
      running ??= pullOnce().finally(() => (running = undefined))
      return running
    },
    applied: () => appliedConfig(db),
  }
}

export type ConfigPuller = ReturnType<typeof configPuller>
