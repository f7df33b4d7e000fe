// The till's sync with its store (docs/architecture.md § 6b): the calls the engine exposes — join a store with a
// one-time code, leave it (refused while rows wait), the sync status — over the three parts: the outbox (store),
// the runner (policy) and the transport (wire). engine.ts wires it with a few lines.
import pkg from '../../../package.json' with { type: 'json' }
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { normalizeEnrolCode, normalizeStoreAddress, TILL_NAME_MAX } from '../../../src/domain/store-link.ts'
import type { Clock } from '../clock.ts'
import type { PaydeskDb } from '../db.ts'
import type { Locks } from '../locks.ts'
import type { Logger } from '../log.ts'
import { linkStore, type StoreLink } from './link.ts'
import { outboxStore } from './outbox.ts'
import { SYNC_LOCK, SYNC_RETRY_CAP_MS, syncRunner } from './runner.ts'
import { storeTransport } from './transport.ts'
import { appliedConfig, configPuller } from './config-pull.ts'
import { listenStoreEvents } from './events.ts'
import type { ConfigSchema } from '../../../src/domain/config.ts'
import { readSyncView, type SyncView } from './status.ts'
import type { TillType } from '../../../src/domain/store-config-apply.ts'
import { storeFields, storeValues } from '../../../src/domain/store-config.ts'
import type { UploadType } from '../../../src/domain/store-contract.ts'

export const APP_VERSION: string = pkg.version

/** A demo build's store: the till joins it by itself on first start (the newcomer sees sync working). */
export interface DemoStore {
  /** The store's address (a path on the app's origin) and a fresh one-time code, or undefined when there is none. */
  enrolment(): Promise<{ address: string; code: string } | undefined>
}

export interface SyncDeps {
  db: PaydeskDb
  clock: Clock
  locks: Locks
  log: Logger
  random: () => number
  fetch: typeof fetch
  timers: boolean
  /** The worker's origin: a store address may be a path on it. */
  baseUrl?: string | undefined
  demoStore?: DemoStore | undefined
  /** A provider's settings schema, to apply the store's payment types on it. */
  schemaOf?: (provider: string) => ConfigSchema | undefined
  /** After a store config was applied (the engine refreshes the secret values it scrubs from logs). */
  afterConfig?: () => Promise<void>
}

type R<T = object> = ({ ok: true } & T) | { ok: false; message: Msg }

/** The settings flag that says the demo till has joined (or left) its store once: it never re-joins by itself. */
const DEMO_DONE_KEY = 'store.demoDone'
/** Held by the one tab of a till that listens to the store's events. */
const EVENTS_LOCK = 'paydesk-store-events'
/** The demo store opens its database on first use (PGlite's first start: up to a minute on a loaded machine). */
const DEMO_ENROL_TRIES = 12

export function createSync(d: SyncDeps) {
  const { db, clock, log } = d
  const origin = d.baseUrl ? new URL(d.baseUrl).origin : undefined
  const link = linkStore(db)
  const outbox = outboxStore(db)
  const transport = storeTransport(d.fetch)
  let stopped = false
  const puller = configPuller({ db, fetch: d.fetch, log, now: () => clock.now(), schemaOf: d.schemaOf ?? (() => undefined) })
  const pull = async () => {
    const r = await puller.pull()
    if (r.kind === 'applied') await d.afterConfig?.()
    return r
  }
  const runner = syncRunner({
    db,
    clock,
    locks: d.locks,
    log,
    random: d.random,
    transport,
    appVersion: APP_VERSION,
    timers: d.timers,
    // A push that reports another store config version than the one applied: pull it.
    configChanged: (v) => {
      if (v !== null) void appliedConfig(db).then((a) => (a?.version !== v ? pull() : undefined))
    },
    appliedConfig: async () => (await appliedConfig(db))?.version,
  })

  // The store's events (a browser till only, with timers): `config` pulls at once; each (re)connect pulls
  // too, so a change made while the stream was down is not missed; a refused token makes the runner find out.
  // One stream per till, not per tab (a browser opens at most 6 connections to a host): the tab holding the lock
  // listens, the next one takes over when it closes; the journal they share shows the pulled config in every tab.
  const listening = new AbortController()
  let nudge: () => void = () => undefined
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => (clearTimeout(t), listening.signal.removeEventListener('abort', done), (nudge = () => undefined), resolve())
      const t = setTimeout(done, ms)
      nudge = done
      listening.signal.addEventListener('abort', done, { once: true })
    })
  async function listenLoop() {
    let failures = 0
    while (!stopped) {
      const l = await link.read()
      const token = await link.token()
      if (!l || !token || l.revoked) {
        await pause(30_000)
        continue
      }
      void pull()
      const r = await listenStoreEvents({
        fetch: d.fetch,
        address: l.address,
        token,
        signal: listening.signal,
        on: { config: () => void pull(), revoked: () => runner.schedule(0), resync: () => runner.schedule(0) },
      })
      if (r === 'revoked') runner.schedule(0)
      failures = r === 'ended' ? 0 : failures + 1
      await pause(Math.min(60_000, 2_000 * 2 ** Math.min(failures, 5)))
    }
  }

  /**
   * The till's own payment types offered to the store: store fields and secrets only (a per-till field stays here),
   * each type as the console would save it. The store's copies come back in the next config and take these
   * numbers over (the local ones are archived, their per-till values kept); a number the store already has stays
   * the till's own.
   */
  async function uploadOwnTypes(l: StoreLink): Promise<Msg> {
    const token = await link.token()
    const own = ((((await db.settings.get('paymentTypes'))?.value as TillType[] | undefined) ?? []) as TillType[]).filter(
      (t) => !t.managed && t.archived === undefined,
    )
    const types: UploadType[] = []
    for (const t of own) {
      const schema = d.schemaOf?.(t.provider)
      if (!schema) continue
      const secretNames = new Set(
        storeFields(schema)
          .filter((f) => f.secret)
          .map((f) => f.name),
      )
      const rows = await db.secrets.where('key').startsWith(`${t.id}:`).toArray()
      const secrets = Object.fromEntries(rows.map((r) => [r.key.slice(t.id.length + 1), r.value]).filter(([name]) => secretNames.has(name!)))
      types.push({ provider: t.provider, number: t.number, name: t.name, values: storeValues(schema, t.values), secrets })
    }
    if (!token || !types.length) return msg('store.uploadNone')
    const r = await transport.uploadTypes(l.address, token, types)
    if (r.kind !== 'ok') {
      log.warn('sync', 'payment type upload failed', { reason: r.reason })
      return msg('store.uploadFailed')
    }
    const kept = r.reply.results.filter((x) => !x.ok)
    log.info('sync', 'payment types uploaded', { sent: types.length, saved: types.length - kept.length })
    await pull()
    return kept.length
      ? msg('store.uploadPartly', { saved: types.length - kept.length, count: types.length, numbers: kept.map((x) => `№ ${x.number}`).join(', ') })
      : msg('store.uploaded', { count: types.length })
  }

  async function enrolStore(req: {
    address: string
    code: string
    name?: string
    /** The till has payment types of its own: take the store's (`adopt`) or offer its own to the store (`upload`). */
    localTypes?: 'adopt' | 'upload'
  }): Promise<R<{ message: Msg; link: StoreLink; detail?: Msg }>> {
    const a = normalizeStoreAddress(req?.address, origin)
    if (!a.ok) return a
    const c = normalizeEnrolCode(req?.code)
    if (!c.ok) return c
    const name = String(req?.name ?? '').trim()
    if (name.length > TILL_NAME_MAX) return { ok: false, message: msg('store.nameTooLong', { max: TILL_NAME_MAX }) }
    if (await link.read()) return { ok: false, message: msg('store.alreadyLinked') }
    const answer = await transport.enrol(a.address, c.code, { name: name || 'Paydesk', appVersion: APP_VERSION })
    if (answer.kind === 'unreachable') {
      log.warn('sync', 'enrolment: store unreachable', { address: a.address, reason: answer.reason })
      return { ok: false, message: msg('store.unreachable') }
    }
    if (answer.kind === 'notAStore') {
      log.warn('sync', 'enrolment: not a store', { address: a.address })
      return { ok: false, message: msg('store.notAStore') }
    }
    if (answer.kind === 'refused') {
      log.warn('sync', 'enrolment refused', { address: a.address, status: answer.status, reason: answer.reason })
      return { ok: false, message: msg('store.codeRefused') }
    }
    const e = answer.reply
    const l: StoreLink = {
      address: a.address,
      storeId: e.storeId,
      tillId: e.tillId,
      storeName: e.storeName,
      tillName: e.tillName,
      tillKind: e.kind,
      enrolledAt: clock.now(),
      configVersion: e.configVersion,
      lastShift: e.lastShift,
    }
    // Two enrolments racing in two tabs: the lock makes the second see the first's link.
    const saved = await d.locks.run(SYNC_LOCK, async () => {
      if (await link.read()) return false
      await link.save(l, e.token)
      return true
    })
    if (saved !== true) return { ok: false, message: msg('store.alreadyLinked') }
    log.info('sync', 'joined the store', { storeId: l.storeId, tillId: l.tillId, address: l.address })
    runner.schedule(0)
    nudge()
    const detail = req?.localTypes === 'upload' ? await uploadOwnTypes(l) : undefined
    return { ok: true, message: msg('store.linked', { store: l.storeName }), link: l, ...(detail ? { detail } : {}) }
  }

  /** Leave the store: refused while any row waits to be sent (it would never reach the store). */
  async function unenrolStore(): Promise<R<{ message: Msg }>> {
    const r = await d.locks.run(SYNC_LOCK, async (): Promise<R<{ message: Msg }>> => {
      const l = await link.read()
      if (!l) return { ok: false, message: msg('store.notLinked') }
      const { count } = await outbox.depth()
      if (count > 0) return { ok: false, message: msg('store.outboxNotEmpty', { count }) }
      await link.forget()
      await db.settings.put({ key: DEMO_DONE_KEY, value: true })
      log.info('sync', 'left the store', { storeId: l.storeId, tillId: l.tillId })
      return { ok: true, message: msg('store.unlinked') }
    })
    return typeof r === 'symbol' ? { ok: false, message: msg('common.busy') } : r
  }

  /** What the settings card shows (never the token). */
  const storeStatus = (): Promise<SyncView> => readSyncView(db)

  /** A demo build joins its store once, by itself; the store's first start may take a while, so it tries again. */
  async function demoEnrol(tries = 1) {
    for (let i = 0; i < tries && !stopped; i++) {
      if (!d.demoStore || (await link.read()) || (await db.settings.get(DEMO_DONE_KEY))?.value) return
      try {
        const e = await d.demoStore.enrolment()
        const r = e ? await enrolStore({ address: e.address, code: e.code, name: 'Demo' }) : undefined
        if (r?.ok) return void (await db.settings.put({ key: DEMO_DONE_KEY, value: true }))
        log.warn('sync', 'demo enrolment failed', { message: r && !r.ok ? r.message.key : 'no code' })
      } catch (e) {
        log.warn('sync', 'demo enrolment failed', { error: String(e) })
      }
      if (i + 1 < tries) await clock.sleep(Math.min(SYNC_RETRY_CAP_MS, 3_000 * 2 ** i)).catch(() => undefined)
    }
  }

  return {
    /** On start: the demo till joins its store; whatever waits goes now. */
    async start() {
      // The browser never waits for the store at start (its first start may take a minute): in the background.
      if (d.timers) {
        // The stream waits for a link (a pause that an enrolment cuts short), in the demo too.
        void d.locks.run(EVENTS_LOCK, listenLoop).catch((e: unknown) => log.warn('sync', 'store events stopped', { error: String(e) }))
        void demoEnrol(DEMO_ENROL_TRIES).finally(() => {
          runner.schedule(0)
          void pull()
        })
      } else {
        await demoEnrol()
        await runner.drain()
      }
    },
    online: () => runner.online(),
    stop: () => {
      stopped = true
      listening.abort()
      runner.stop()
    },
    tillStatus: runner.tillStatus,
    calls: {
      enrolStore,
      unenrolStore,
      storeStatus,
      /** Push what waits now (tests; a tab that holds the lock elsewhere waits its turn). */
      syncNow: () => runner.drain(),
      /** Pull the store's configuration now (tests and the settings card). */
      pullStoreConfig: pull,
    },
  }
}

export type Sync = ReturnType<typeof createSync>
