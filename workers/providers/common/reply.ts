// One reply classification for every HTTP client (docs/rules.md R3). The transport says what it
// got (a status and a body, or a failure); the provider's parser says what the body means; this
// module says what the client may conclude: a definitive result, a wait, a refusal (no money
// moved), or an unknown outcome that must be resolved (R4). Pure: no fetch, no clock.
import { msg, type Msg } from '../../../src/domain/messages.ts'

/** What the transport got (the shape of `HttpResult`, without its timing). */
export type Received = { kind: 'response'; status: number; text: string } | { kind: 'failed'; reason: 'timeout' | 'network'; detail?: string }

/** What a provider's parser read in a body, whatever the HTTP status. */
export type Parsed<T> =
  /** The provider reports a final result (approved or declined, per the provider). */
  | { kind: 'final'; value: T }
  /** The provider reports "in progress": poll (R7). */
  | { kind: 'pending'; value: T }
  /** The provider's own business error: a definitive refusal. */
  | { kind: 'error'; value: T }
  /** Not the provider's reply: the body does not parse, or required fields are missing. */
  | { kind: 'malformed'; why: string }

/** The R3 class of one reply. */
export type ReplyClass<T> =
  | { kind: 'definitive'; status: number; value: T }
  | { kind: 'pending'; status: number; value: T }
  /**
   * The server refused: no money moved. `value` is the provider's error when the body parsed (the provider words
   * it); `message` names the HTTP status, for a 4xx that does not parse. `auth`: 401 or 403 (check the credentials).
   */
  | { kind: 'refusal'; status: number; value?: T; auth: boolean; message: Msg }
  /** Nothing proves what happened: resolve (R4); for a read-only request, try again at the next tick. */
  | { kind: 'unknown'; reason: string; status?: number }

export interface ClassifyOptions {
  /** The route's name, first in an unknown's reason (`payment: timeout`). */
  route: string
  /** A provider's own wording for a 401/403 whose body does not parse (default: `common.authHttp`). */
  authMessage?: (status: number) => Msg
}

const isAuth = (status: number) => status === 401 || status === 403

/** The message of a 4xx whose body does not parse: it names the status; 401/403 also name the credentials. */
export function httpRefusalMessage(status: number, authMessage?: (status: number) => Msg): Msg {
  if (isAuth(status)) return authMessage ? authMessage(status) : msg('common.authHttp', { status })
  return msg('common.httpStatus', { status })
}

/**
 * docs/rules.md R3. A body that parses is taken at its word for 2xx and 4xx alike (a 4xx business error is a refusal);
 * a body that does not parse is a refusal on a 4xx (refused before processing) and unknown on a 2xx; a 5xx with any
 * body, a network failure and a timeout are unknown. Browsers cannot tell "refused" from "reset after sending".
 */
export function classify<T>(got: Received, parse: (text: string, status: number) => Parsed<T>, opts: ClassifyOptions): ReplyClass<T> {
  if (got.kind === 'failed') return { kind: 'unknown', reason: `${opts.route}: ${got.reason}` }
  const status = got.status
  if (status >= 500) return { kind: 'unknown', reason: `${opts.route}: HTTP ${status}`, status }
  const p = parse(got.text, status)
  if (p.kind === 'malformed') {
    if (status >= 400) return { kind: 'refusal', status, auth: isAuth(status), message: httpRefusalMessage(status, opts.authMessage) }
    return { kind: 'unknown', reason: `${opts.route}: malformed reply (${p.why})`, status }
  }
  if (p.kind === 'error') return { kind: 'refusal', status, value: p.value, auth: isAuth(status), message: httpRefusalMessage(status, opts.authMessage) }
  return { kind: p.kind === 'final' ? 'definitive' : 'pending', status, value: p.value }
}
