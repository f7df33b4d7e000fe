// The skeleton every HTTP emulator shares (ClickPass, PaymeGO, O!plati, Sendy): its settings (demo or test defaults,
// merged by `PUT config` with every key checked), `reset`, the control API's generic part (`GET`/`PUT config`,
// `GET state`, the body read once) and the synchronous API answer wrapped for the server. A provider extends it with
// its routes, checks, state and reply bodies; the server (sandbox/server.ts) keeps sockets, faults, calls and the
// clock (docs/protocols/README.md S1–S6).

import { jsonReply } from './http.ts'
import { parseJson, type Json } from './json.ts'
import type { ApiReply, ApiRequest, PhoneOutcome, SandboxEnv, SandboxProvider } from './types.ts'

/** How a provider's settings start and change: `merge` refuses unknown keys and bad types, changing nothing. */
export interface SettingsSpec<S> {
  defaults(demo: boolean): S
  merge(current: S, patch: Json | undefined): { ok: true; value: S } | { ok: false; error: string }
}

/** A control request's body: `undefined` when empty, `null` when it is not JSON (the merge then refuses it). */
export function controlBody(rawBody: string): Json | undefined {
  if (rawBody.trim() === '') return undefined
  try {
    return parseJson(rawBody)
  } catch {
    return null
  }
}

export abstract class Emulator<S> implements SandboxProvider {
  abstract readonly id: string
  abstract readonly routes: readonly string[]
  readonly extraFaults: readonly string[] = []
  /** Started by `npm start` / `npm run sandbox` (demo defaults) rather than by tests. */
  protected readonly demo: boolean
  protected settings: S
  readonly #spec: SettingsSpec<S>

  constructor(opts: { demo: boolean }, spec: SettingsSpec<S>) {
    this.demo = opts.demo
    this.#spec = spec
    this.settings = spec.defaults(opts.demo)
  }

  /** Forget all state and restore the default settings. */
  reset(): void {
    this.settings = this.#spec.defaults(this.demo)
    this.clear()
  }

  abstract routeOf(method: string, path: string): string | undefined
  abstract phoneOutcomes(): PhoneOutcome[]

  handleApi(req: ApiRequest, env: SandboxEnv): Promise<ApiReply> {
    return Promise.resolve(this.api(req, env))
  }

  handleControl(sub: string, req: ApiRequest, env: SandboxEnv): Promise<ApiReply | undefined> {
    const now = env.clock.now()
    this.beforeControl(now)
    const body = controlBody(req.rawBody)
    if (sub === 'config' && req.method === 'GET') return Promise.resolve(jsonReply(200, this.settings))
    if (sub === 'config' && req.method === 'PUT') {
      const merged = this.#spec.merge(this.settings, body)
      if (!merged.ok) return Promise.resolve(jsonReply(400, { error: merged.error }))
      this.settings = merged.value
      return Promise.resolve(jsonReply(200, this.settings))
    }
    if (sub === 'state' && req.method === 'GET') return Promise.resolve(jsonReply(200, this.stateView(now)))
    return Promise.resolve(this.control(sub, req, env, body, now))
  }

  /** Forget the provider's own state (`reset` has restored the settings already). */
  protected abstract clear(): void
  /** An API request below the prefix; `req.route` undefined is answered as the real server would (e.g. 404). */
  protected abstract api(req: ApiRequest, env: SandboxEnv): ApiReply
  /** `GET state`: the provider's state, settled to `now`. */
  protected abstract stateView(now: number): unknown
  /** Any other control endpoint; undefined means "no such endpoint". */
  protected abstract control(sub: string, req: ApiRequest, env: SandboxEnv, body: Json | undefined, now: number): ApiReply | undefined
  /** Runs before every control request (a provider that settles timed state on each look). */
  protected beforeControl(_now: number): void {}
}
