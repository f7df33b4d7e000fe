// An engine wired to a real sandbox over HTTP, a fresh fake-indexeddb, and a clock whose
// sleeps move both the client's time and the sandbox's manual clock at once.
import { flushLogs, remember } from './engines.ts'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { createEngine, type Engine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoryLocks, type Locks } from '../../workers/engine/locks.ts'
import type { Clock } from '../../workers/engine/clock.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import type { Http } from '../../workers/transport/http.ts'
import type { AnyProvider } from '../../workers/providers/types.ts'
import type { Logger } from '../../workers/engine/log.ts'
import { startTestSandbox } from './sandbox.ts'

/** The inpas-sbp variant: the engine against the in-memory pin-pad emulator, no HTTP sandbox (test/support/inpas.ts). */
export { inpasHarness, type InpasHarness } from './inpas.ts'

export class SkipClock implements Clock {
  #t: number
  /** Called after every advance with the new time (tests press "stop" at a moment, etc.). */
  onTick: ((now: number) => Promise<void> | void) | undefined
  constructor(
    start: number,
    private readonly advanceSandbox: (ms: number) => Promise<unknown>,
  ) {
    this.#t = start
  }
  now() {
    return this.#t
  }
  async advance(ms: number) {
    this.#t += ms
    await this.advanceSandbox(ms)
    await this.onTick?.(this.#t)
  }
  async sleep(ms: number, signal?: AbortSignal) {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError')
    await this.advance(ms)
    await new Promise((r) => setImmediate(r))
  }
}

let dbSeq = 0
/** A secret distinctive enough to find if it ever leaked into a log or an export. */
export const SECRET = 'S3cr3t-Click-Key'

export interface HarnessOptions {
  provider?: 'clickpass' | 'payme' | 'oplati' | 'sendy'
  /** Secrets for the payment type (O!plati `password`); ClickPass and Payme get SECRET. */
  secrets?: Record<string, string>
  /** Extra form values for the payment type (strings, as the settings form sends them). */
  values?: Record<string, string>
  confirmMode?: boolean
  timeout?: number
  locks?: Locks
  http?: (source: string, log: Logger) => Http
  sandboxConfig?: Record<string, unknown>
  random?: () => number
  /** Replace the provider registry (a test wraps a provider, e.g. one whose pay throws). */
  providers?: readonly AnyProvider[]
  /** The engine's fetch (a store in memory in front of the sandbox). */
  fetch?: typeof fetch
}

export async function harness(opts: HarnessOptions = {}) {
  const sb = await startTestSandbox()
  const { now } = (await sb.clock.manual()) as { now: number }
  const provider = opts.provider ?? 'clickpass'
  const sandboxSecret = provider === 'clickpass' ? { secretKey: SECRET } : provider === 'payme' ? { posKey: SECRET } : {}
  if ((provider !== 'oplati' && provider !== 'sendy') || opts.sandboxConfig)
    await sb.control(provider, 'config', { ...sandboxSecret, ...opts.sandboxConfig }, 'PUT')
  const clock = new SkipClock(now, (ms) => sb.clock.advance(ms))
  const idb = new IDBFactory()
  const name = `paydesk-test-${++dbSeq}`
  /** Every engine made on this database: the harness writes their logs before it closes it. */
  const made: Engine[] = []
  const makeEngine = (over: Partial<{ locks: Locks; http: HarnessOptions['http'] }> = {}): Engine =>
    remember(
      made,
      createEngine({
        db: new PaydeskDb(name, { indexedDB: idb, IDBKeyRange }),
        fetch: opts.fetch ?? globalThis.fetch,
        clock,
        locks: over.locks ?? opts.locks ?? memoryLocks(),
        providers: opts.providers ?? PROVIDERS,
        timers: false,
        ...(opts.random ? { random: opts.random } : {}),
        ...((over.http ?? opts.http) ? { http: over.http ?? opts.http } : {}),
      }),
    )
  const engine = makeEngine()
  await engine.start()
  for (const t of await engine.listPaymentTypes()) await engine.deletePaymentType(t.id)
  const saved = await engine.savePaymentType(
    provider === 'clickpass'
      ? {
          id: 'click',
          number: 1,
          name: 'ClickPass',
          provider,
          values: {
            url: `${sb.url}/sandbox/clickpass`,
            serviceId: '85335',
            merchantUserId: '123',
            confirmMode: String(opts.confirmMode ?? true),
            timeout: String(opts.timeout ?? 1),
            ...opts.values,
          },
          secrets: { secretKey: SECRET },
        }
      : provider === 'payme'
        ? {
            // docs/protocols/payme.md § 5: tests use frequency = 1000, payDuration = 5000, timeout = 1.
            id: 'payme',
            number: 2,
            name: 'PaymeGO',
            provider,
            values: {
              url: `${sb.url}/sandbox/payme/api`,
              posId: '5e730e8e0b852a417aa49ceb',
              timeout: String(opts.timeout ?? 1),
              frequency: '1000',
              payDuration: '5000',
              ...opts.values,
            },
            secrets: { posKey: SECRET },
          }
        : provider === 'sendy'
          ? {
              // docs/protocols/sendy.md § 5: timeout = 1 and the manual clock; activation is the test's first step.
              id: 'sendy',
              number: 4,
              name: 'Sendy',
              provider,
              values: { url: `${sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: String(opts.timeout ?? 1), ...opts.values },
              secrets: opts.secrets ?? {},
            }
          : {
              // docs/protocols/oplati.md § 5: timeout = 1 and the manual clock.
              id: 'oplati',
              number: 3,
              name: 'O!плати',
              provider,
              values: { url: `${sb.url}/sandbox/oplati/ms-pay`, regNum: 'OPL000011111', timeout: String(opts.timeout ?? 1), mode: '0', ...opts.values },
              secrets: opts.secrets ?? {},
            },
  )
  if (!saved.ok) throw new Error(`cannot save payment type: ${JSON.stringify(saved)}`)
  const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
  const token = async (o?: Record<string, unknown>) => ((await sb.mintToken(provider, o)) as { token: string }).token
  const calls = async () =>
    (await sb.calls(provider)) as { route: string; method: string; path: string; status: number; body: unknown; headers: Record<string, string> }[]
  const routes = async () => (await calls()).map((c) => c.route)
  const payments = async () =>
    ((await sb.state('clickpass')) as { payments: { payment_id: string; state: string; payment_status: number; transaction_id: string }[] }).payments
  const receipts = async () => ((await sb.state('payme')) as { receipts: { _id: string; state: number; amount: number }[] }).receipts
  const fault = (rule: Record<string, unknown>) => sb.control(provider, 'faults', rule, 'POST')
  const clearFaults = () => sb.control(provider, 'faults', undefined, 'DELETE')
  const op = async (id: string) => (await db.operations.get(id))!
  const ops = () => db.operations.orderBy('createdAt').toArray()
  /** Run `fn` with the cashier pressing "stop waiting" on the first operation at every clock tick. */
  const stoppingWaiting = async <T>(fn: () => Promise<T>): Promise<T> => {
    clock.onTick = async () => {
      const id = (await ops())[0]?.id
      if (id) await engine.stopWaiting(id)
    }
    try {
      return await fn()
    } finally {
      clock.onTick = undefined
    }
  }
  return {
    sb,
    clock,
    engine,
    makeEngine,
    db,
    token,
    calls,
    routes,
    payments,
    receipts,
    fault,
    clearFaults,
    op,
    ops,
    stoppingWaiting,
    close: async () => {
      engine.stop()
      await engine.settled()
      await flushLogs(made)
      db.close()
      await sb.close()
    },
  }
}

export type Harness = Awaited<ReturnType<typeof harness>>

/** A promise with its resolve exposed: holds an I/O call in flight while a test acts. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
