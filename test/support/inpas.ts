// The inpas-sbp variant of the engine harness: the engine and the inpas-sbp provider against the in-memory pin-pad
// emulator (sandbox/inpas) behind the sandbox's fake Web Serial port — no HTTP sandbox. One virtual clock drives
// both sides: the engine's sleeps run the emulator's timers in time order and end early when bytes arrive (the
// runner's wake signal), so a 180 s payment takes milliseconds and every timer fires at its virtual moment.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { createEngine, type Engine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import type { Clock } from '../../workers/engine/clock.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { createInpasProvider } from '../../workers/providers/inpas-sbp/index.ts'
import { webSerialPort, type PinpadPort, type SerialLike } from '../../workers/transport/serial.ts'
import { sandboxSerial } from '../../sandbox/inpas/fake-serial.ts'
import type { PortFactory } from '../../workers/providers/inpas-sbp/client.ts'
import { createPinpad, type Clock as PadClock, type ControlAction, type Pinpad, type PinpadOptions } from '../../sandbox/inpas/index.ts'
import type { Operation } from '../../src/domain/operation.ts'
import { flushLogs, remember } from './engines.ts'

const flush = () => new Promise<void>((r) => setImmediate(r))
const aborted = () => new DOMException('aborted', 'AbortError')

/** Virtual time shared by the engine (`sleep`) and the emulator (`schedule`). */
export class VirtualClock implements Clock, PadClock {
  #now: number
  #seq = 0
  #timers = new Map<number, { at: number; fn: () => void }>()
  constructor(start: number) {
    this.#now = start
  }
  now() {
    return this.#now
  }
  schedule(at: number, fn: () => void) {
    const id = this.#seq++
    this.#timers.set(id, { at, fn })
    return () => void this.#timers.delete(id)
  }
  /** Run due timers up to now + ms, in order; stop early (AbortError) when `signal` aborts after one. */
  async sleep(ms: number, signal?: AbortSignal) {
    if (signal?.aborted) throw aborted()
    const target = this.#now + Math.max(0, ms)
    for (;;) {
      let best: [number, { at: number; fn: () => void }] | undefined
      for (const e of this.#timers) if (e[1].at <= target && (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[0] < best[0]))) best = e
      if (!best) break
      this.#timers.delete(best[0])
      this.#now = Math.max(this.#now, best[1].at)
      best[1].fn()
      await flush()
      if (signal?.aborted) throw aborted()
    }
    this.#now = target
    await flush()
  }
  /** The test moves time (the emulator's timers fire on the way). */
  advance(ms: number) {
    return this.sleep(ms)
  }
}

/** Local 10:00 on 2025-01-15, the emulator's calendar start (read with UTC getters as local time). */
export const T0 = new Date(2025, 0, 15, 10, 0, 0).getTime()
export const TID = '99000001'

let dbSeq = 0

export interface InpasHarnessOptions {
  /** Form values of the payment type (strings, as the settings form sends them). */
  values?: Record<string, string>
  pad?: PinpadOptions
}

export async function inpasHarness(opts: InpasHarnessOptions = {}) {
  const clock = new VirtualClock(T0)
  const pad: Pinpad = createPinpad({ seed: 7, ...opts.pad, clock })
  let serial: SerialLike = sandboxSerial(pad)
  /** Ports opened so far (a test can close one to "kill the tab"). */
  const opened: PinpadPort[] = []
  const ports: PortFactory = (c) => {
    const p = webSerialPort({ serial: async () => serial, baudRate: c.baudRate })
    opened.push(p)
    return p
  }
  const provider = createInpasProvider(ports)
  const providers = PROVIDERS.map((p) => (p.id === 'inpas-sbp' ? provider : p))
  const idb = new IDBFactory()
  const name = `paydesk-inpas-${++dbSeq}`
  const dbs: PaydeskDb[] = []
  const made: Engine[] = []
  const makeEngine = (over: { clock?: Clock } = {}): Engine => {
    const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
    dbs.push(db)
    return remember(made, createEngine({ db, fetch: globalThis.fetch, clock: over.clock ?? clock, locks: memoryLocks(), providers, timers: false }))
  }
  const engine = makeEngine()
  await engine.start()
  for (const t of await engine.listPaymentTypes()) await engine.deletePaymentType(t.id)
  const saved = await engine.savePaymentType({
    id: 'inpas',
    number: 4,
    name: 'Inpas SmartSale',
    provider: 'inpas-sbp',
    values: {
      transport: 'sandbox',
      qrSBP: 'true',
      id: TID,
      timeout: '180',
      currencyCodeNumeric: '643',
      sbpProfile: 'custom',
      mirrorQr: 'true',
      ...opts.values,
    },
  })
  if (!saved.ok) throw new Error(`cannot save payment type: ${JSON.stringify(saved)}`)
  const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
  /** Every patch the engine wrote to an operation (display, message …), in order. */
  const patches: Array<{ id: string; mods: Partial<Operation> }> = []
  dbs[0]!.operations.hook('updating', (mods, key) => {
    patches.push({ id: String(key), mods: mods as Partial<Operation> })
  })
  const control = (a: ControlAction) => {
    const r = pad.control(a)
    if (!r.ok) throw new Error(`control ${a.action}: ${r.error}`)
    return r
  }
  /** Run `fn` at `ms` of virtual time from now. */
  const at = (ms: number, fn: () => void) => clock.schedule(clock.now() + ms, fn)
  const op = async (id: string) => (await db.operations.get(id))!
  const ops = () => db.operations.orderBy('createdAt').toArray()
  /** Message keys the operation showed, in order (Dexie reports a changed nested key as `message.key`). */
  const messages = (id: string) =>
    patches.flatMap((p) => {
      if (p.id !== id) return []
      const m = p.mods as Record<string, unknown>
      const key = (m.message as { key?: string } | undefined)?.key ?? m['message.key']
      return typeof key === 'string' ? [key] : []
    })
  const moneyFrames = () => pad.journal().length
  return {
    clock,
    pad,
    engine,
    makeEngine,
    db,
    control,
    at,
    op,
    ops,
    patches,
    messages,
    moneyFrames,
    opened,
    /** Replace the fake Serial (e.g. one with no granted port). */
    setSerial: (s: SerialLike) => void (serial = s),
    close: async () => {
      engine.stop()
      await engine.settled()
      await flushLogs(made)
      pad.close()
      for (const d of dbs) d.close()
      db.close()
    },
  }
}

export type InpasHarness = Awaited<ReturnType<typeof inpasHarness>>
