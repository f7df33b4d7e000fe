// The call log behind `<prefix>/_control/calls` (docs/protocols/README.md S2): every API request a provider
// received, in arrival order, with the secret-bearing headers masked as the app's own log
// masks them (docs/rules.md R10). Control-plane requests are not logged.

import type { IncomingHttpHeaders } from 'node:http'
import type { Json } from './json.ts'

/** Oldest entries are dropped beyond this, so a long demo session stays small [C]. */
export const CALL_LOG_LIMIT = 10_000

export interface CallEntry {
  /** Arrival order across all providers, from 1. */
  seq: number
  /** Sandbox clock, ms since the epoch. */
  at: number
  provider: string
  method: string
  /** The full request path, from `/sandbox/…`, with the query. */
  path: string
  route: string | null
  headers: Record<string, string>
  /** Parsed JSON (big integers exact), the raw text when it is not JSON, or null when empty or unread. */
  body: Json
  /** The status sent, or null when nothing was sent (`noReply`, `lostReply`, `reset`). */
  status: number | null
  fault: string | null
  magic: number | null
  tooEarly: boolean
}

const MASK = '****'

/** Mask one header value the way docs/rules.md R10 asks; other headers pass unchanged. */
export function maskHeader(name: string, value: string): string {
  switch (name.toLowerCase()) {
    case 'auth': {
      // Click: `{merchant_user_id}:{digest}:{timestamp}` → `123:****:1519051543`.
      const parts = value.split(':')
      return parts.length === 3 ? `${parts[0]}:${MASK}:${parts[2]}` : MASK
    }
    case 'x-auth': {
      // Payme: `{id}:{key}` → `{id}:****`.
      const i = value.indexOf(':')
      return i >= 0 ? `${value.slice(0, i)}:${MASK}` : MASK
    }
    case 'authorization': {
      const i = value.indexOf(' ')
      return i > 0 ? `${value.slice(0, i)} ${MASK}` : MASK
    }
    case 'password':
    case 'token':
      return MASK
    default:
      return value
  }
}

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : value
    out[name] = maskHeader(name, text)
  }
  return out
}

export class CallLog {
  #seq = 0
  #entries: CallEntry[] = []

  record(entry: Omit<CallEntry, 'seq'>): CallEntry {
    const stored = { seq: ++this.#seq, ...entry }
    this.#entries.push(stored)
    if (this.#entries.length > CALL_LOG_LIMIT) this.#entries.splice(0, this.#entries.length - CALL_LOG_LIMIT)
    return stored
  }

  /** One provider's calls, oldest first. */
  list(provider: string): CallEntry[] {
    return this.#entries.filter((e) => e.provider === provider)
  }

  clear(provider?: string): void {
    this.#entries = provider === undefined ? [] : this.#entries.filter((e) => e.provider !== provider)
    if (provider === undefined) this.#seq = 0
  }
}
