// The contract between the shared sandbox server and each provider emulator. A provider
// plugs in with one folder under `sandbox/<id>/` exporting a `ProviderFactory`, and one
// line in `sandbox/registry.ts`. The server owns sockets, CORS, the control plane's
// generic parts (faults, calls, reset, clock) and every fault's wire effect; a provider
// owns its routes, checks, state and reply bodies.

import type { IncomingHttpHeaders } from 'node:http'
import type { CallLog } from './calls.ts'
import type { SandboxClock } from './clock.ts'
import type { FaultList, FaultRuleInput } from './faults.ts'
import type { IdSource } from './ids.ts'

/** One request as a provider sees it: the body is read, the path is below the provider prefix. */
export interface ApiRequest {
  method: string
  /** Path below `/sandbox/<id>` (API) or below `/sandbox/<id>/_control/` (control), without the query. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  rawBody: string
  /** The provider's route name for this method and path, when it is one of its API routes. */
  route: string | undefined
}

/**
 * What the server does with the socket instead of (or on top of) a plain answer (docs/protocols/README.md S3).
 * - `noReply`: never answer; close the socket after `holdMs`.
 * - `lostReply`: the request was applied; destroy the socket without answering.
 * - `reset`: destroy the socket at once.
 * - `malformed`: answer 200 with the body cut in the middle.
 * - `slow`: answer normally after `delayMs` (real time: it races the client's own timeout).
 */
export type WireEffect =
  { kind: 'noReply'; holdMs: number } | { kind: 'lostReply' } | { kind: 'reset' } | { kind: 'malformed' } | { kind: 'slow'; delayMs: number }

export interface ApiReply {
  status: number
  /** The serialized body: JSON text already (big ids as bare digits), or plain text. */
  body: string
  contentType: string
  wire?: WireEffect
  /** For the call log: the fault rule that shaped this reply, if any. */
  fault?: string
  /** For the call log: the magic amount code (S4) that shaped this reply, if any. */
  magic?: number
  /** For the call log: the request came sooner than the provider's poll floor allows. */
  tooEarly?: boolean
  /** For the call log: the route when only the body names it (JSON-RPC `method`). */
  route?: string
}

/** What the server hands each provider: its own fault list, the shared clock, log and ids. */
export interface SandboxEnv {
  readonly clock: SandboxClock
  readonly faults: FaultList
  readonly calls: CallLog
  readonly ids: IdSource
  /** Started by `npm start` / `npm run sandbox` (demo defaults) rather than by tests. */
  readonly demo: boolean
}

/** One choice on the phone page: how the next payment ends. `rule: null` clears the page's rule. */
export interface PhoneOutcome {
  id: string
  ru: string
  en: string
  rule: FaultRuleInput | null
}

export interface PhoneCodeKind {
  id: string
  ru: string
  en: string
  body: Record<string, string>
}

export interface SandboxProvider {
  readonly id: string
  /** Route names usable in fault rules (docs/protocols/README.md S3), e.g. `payment`, `status`. */
  readonly routes: readonly string[]
  /** Provider-specific fault kinds beyond the shared ones, if any. */
  readonly extraFaults: readonly string[]
  /** The route name for an API request, or undefined when the path is not one of its routes. */
  routeOf(method: string, path: string): string | undefined
  /** An API request below the prefix (`req.route` may be undefined: answer it as the real server would, e.g. 404). */
  handleApi(req: ApiRequest, env: SandboxEnv): Promise<ApiReply>
  /**
   * A control request below `<prefix>/_control/` other than the shared `faults` and `calls`
   * (`config`, `state`, `wallet/token`, `customer/act`, extras). Undefined means "no such endpoint".
   */
  handleControl(sub: string, req: ApiRequest, env: SandboxEnv): Promise<ApiReply | undefined>
  /** Forget all state and restore the default settings (demo or test defaults). */
  reset(): void
  /** The phone page's outcome choices, as fault rules on the provider's pay route. */
  phoneOutcomes(): PhoneOutcome[]
  /** Kinds of customer code the phone can show (Sendy: Sendy, WeChat, AliPay): the body posted to `wallet/token`. */
  phoneCodeKinds?(): PhoneCodeKind[]
}

export interface ProviderFactory {
  readonly id: string
  /** Shown on the phone page. */
  readonly title: string
  create(opts: { demo: boolean }): SandboxProvider
}
