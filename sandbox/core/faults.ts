// Fault rules (docs/protocols/README.md S3) and magic amounts (S4): the rule list with its counting, the
// matching, and the mapping of a rule to a reply with its wire effect. Pure logic: the
// server performs the wire effects on the socket; each provider supplies only its own
// bodies (decline, error) and the "prepare, then maybe commit" of its normal outcome.

import type { Json } from './json.ts'
import { isJsonObject, stringifyJson } from './json.ts'
import type { ApiReply } from './types.ts'

export const SHARED_FAULTS = ['decline', 'error', 'noReply', 'lostReply', 'http', 'malformed', 'slow', 'reset', 'pending', 'offline'] as const

/** docs/protocols/README.md S3: `noReply` holds the socket this long by default. */
export const NO_REPLY_HOLD_MS = 600_000
/** docs/protocols/README.md S4 magic 98: 8 s, just under the seeds' default 10 s `timeout`. */
export const MAGIC_SLOW_MS = 8_000
/** docs/protocols/README.md S4 magic 92: in progress for 20 s, then approve. */
export const MAGIC_PENDING_MS = 20_000
/** A `pending` rule with neither `forMs` nor `polls` lasts as long as magic 92 [C]. */
export const DEFAULT_PENDING_MS = MAGIC_PENDING_MS

/** A rule as posted to `_control/faults`. Extra fields are the fault's parameters. */
export interface FaultRuleInput {
  route: string
  fault: string
  match?: Record<string, Json>
  times?: number
  [param: string]: Json | undefined
}

/** A stored rule: `remaining` counts down; `Infinity` means "until cleared" (`times: 0`). */
export interface FaultRule {
  id: number
  route: string
  fault: string
  match: Record<string, Json> | undefined
  times: number
  remaining: number
  params: Record<string, Json>
}

type ParamKind = 'int' | 'code' | 'nonneg' | 'bool' | 'string' | 'status'
const PARAMS: Record<string, ParamKind> = {
  // An integer code, or a string one where the provider's error codes are words (Sendy `SYSTEMERROR`).
  code: 'code',
  note: 'string',
  status: 'status',
  holdMs: 'nonneg',
  apply: 'bool',
  delayMs: 'nonneg',
  forMs: 'nonneg',
  polls: 'nonneg',
  then: 'string',
  body: 'string',
  contentType: 'string',
}

export type ParsedRule = { ok: true; rule: Omit<FaultRule, 'id'> } | { ok: false; error: string }

/** Validate a posted rule against the provider's route names and fault kinds. */
export function parseFaultRule(input: Json, routes: readonly string[], extraFaults: readonly string[]): ParsedRule {
  if (!isJsonObject(input)) return { ok: false, error: 'a rule is a JSON object' }
  const { route = '*', fault, match, times = 1, ...rest } = input
  if (typeof route !== 'string' || (route !== '*' && !routes.includes(route))) {
    return { ok: false, error: `route must be "*" or one of: ${routes.join(', ')}` }
  }
  const kinds: readonly string[] = [...SHARED_FAULTS, ...extraFaults]
  if (typeof fault !== 'string' || !kinds.includes(fault)) return { ok: false, error: `fault must be one of: ${kinds.join(', ')}` }
  if (match !== undefined && match !== null && !isJsonObject(match)) return { ok: false, error: 'match must be an object' }
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) return { ok: false, error: 'times must be an integer ≥ 0' }
  const params: Record<string, Json> = {}
  for (const [key, value] of Object.entries(rest)) {
    const kind = PARAMS[key]
    const ok =
      kind === undefined ||
      (kind === 'int' && typeof value === 'number' && Number.isInteger(value)) ||
      (kind === 'code' && ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value !== ''))) ||
      (kind === 'nonneg' && typeof value === 'number' && value >= 0 && Number.isFinite(value)) ||
      (kind === 'bool' && typeof value === 'boolean') ||
      (kind === 'string' && typeof value === 'string') ||
      (kind === 'status' && typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599)
    if (!ok) return { ok: false, error: `bad value for ${key}` }
    params[key] = value
  }
  if (fault === 'error' && params.code === undefined) return { ok: false, error: 'an error fault needs a code' }
  return {
    ok: true,
    rule: { route, fault, match: isJsonObject(match) ? match : undefined, times, remaining: times === 0 ? Infinity : times, params },
  }
}

/** Equal as the wire means it: 1000 matches "1000", a big id matches its digits. */
function sameValue(want: Json, got: Json | undefined): boolean {
  if (got === undefined) return false
  const scalar = (v: Json): boolean => v === null || typeof v !== 'object'
  if (scalar(want) && scalar(got)) return String(want) === String(got)
  return stringifyJson(want) === stringifyJson(got)
}

export function ruleMatches(rule: FaultRule, route: string, fields: Record<string, Json>): boolean {
  if (rule.route !== '*' && rule.route !== route) return false
  if (!rule.match) return true
  return Object.entries(rule.match).every(([k, v]) => sameValue(v, fields[k]))
}

/** One provider's ordered rule list. */
export class FaultList {
  #rules: FaultRule[] = []
  #nextId = 1

  add(rule: Omit<FaultRule, 'id'>): FaultRule {
    const stored = { ...rule, id: this.#nextId++ }
    this.#rules.push(stored)
    return stored
  }

  /** The rules with their remaining counts (`null` = until cleared), as the control API lists them. */
  list(): Array<Record<string, Json>> {
    return this.#rules.map((r) => ({
      id: r.id,
      route: r.route,
      fault: r.fault,
      ...(r.match ? { match: r.match } : {}),
      times: r.times,
      remaining: Number.isFinite(r.remaining) ? r.remaining : null,
      ...r.params,
    }))
  }

  remove(id: number): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((r) => r.id !== id)
    return this.#rules.length !== before
  }

  clear(): void {
    this.#rules = []
  }

  get size(): number {
    return this.#rules.length
  }

  /**
   * Before the body is read: an `offline` rule (any route, never used up), or the first
   * rule for this route when it is a `reset` without `match`. A rule with `match` needs the
   * body, so the decision waits for `take` (which then handles a `reset` too).
   */
  takeBeforeBody(route: string | undefined): FaultRule | undefined {
    const offline = this.#rules.find((r) => r.fault === 'offline')
    if (offline) return offline
    if (route === undefined) return undefined
    const first = this.#rules.find((r) => r.route === '*' || r.route === route)
    if (!first || first.match || first.fault !== 'reset') return undefined
    this.#useOnce(first)
    return first
  }

  /** The first rule matching this route and these fields (body and path), used up once. */
  take(route: string, fields: Record<string, Json>): FaultRule | undefined {
    const rule = this.#rules.find((r) => r.fault !== 'offline' && ruleMatches(r, route, fields))
    if (rule) this.#useOnce(rule)
    return rule
  }

  #useOnce(rule: FaultRule): void {
    rule.remaining -= 1
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule)
  }
}

// ---------------------------------------------------------------------------------------
// Magic amounts (S4): the last two digits of the minor amount pick a synthetic rule.

export const MAGIC_NAMES = {
  approve: 0,
  decline: 91,
  processing: 92,
  processingForever: 93,
  noReply: 94,
  lostReply: 95,
  http500: 96,
  malformed: 97,
  slow: 98,
  irreversible: 99,
} as const
export type MagicName = keyof typeof MAGIC_NAMES

export interface Magic {
  code: number
  /** The synthetic fault for the pay request, if the code makes one. */
  rule: FaultRule | undefined
  /** 99: approve, but refuse every cancel or reversal of this payment. */
  irreversible: boolean
}

function synthetic(fault: string, params: Record<string, Json> = {}): FaultRule {
  return { id: 0, route: '*', fault, match: undefined, times: 1, remaining: 1, params }
}

/** The magic behaviour of a minor amount (or of a code 0–99), or undefined for a normal approve. */
export function magicOf(minorOrCode: number): Magic | undefined {
  const code = ((minorOrCode % 100) + 100) % 100
  const rules: Record<number, FaultRule | undefined> = {
    91: synthetic('decline'),
    92: synthetic('pending', { forMs: MAGIC_PENDING_MS, then: 'approve' }),
    // JSON has no Infinity: a pending without end is `forever: true`.
    93: synthetic('pending', { forever: true }),
    94: synthetic('noReply'),
    95: synthetic('lostReply'),
    96: synthetic('http', { status: 500 }),
    97: synthetic('malformed'),
    98: synthetic('slow', { delayMs: MAGIC_SLOW_MS }),
  }
  if (code < 91) return undefined
  return { code, rule: rules[code], irreversible: code === 99 }
}

/** A magic name or code (wallet/token `behaviour`) as a code, or undefined when unknown. */
export function magicCodeOf(behaviour: Json | undefined): number | undefined {
  if (typeof behaviour === 'number' && Number.isInteger(behaviour) && (behaviour === 0 || (behaviour >= 91 && behaviour <= 99))) {
    return behaviour
  }
  if (typeof behaviour === 'string' && Object.hasOwn(MAGIC_NAMES, behaviour)) return MAGIC_NAMES[behaviour as MagicName]
  return undefined
}

// ---------------------------------------------------------------------------------------
// From a rule to a reply. The generic effects live here once; the provider supplies bodies.

/** The provider's normal outcome, computed but not yet applied to its state. */
export interface Prepared {
  reply: ApiReply
  commit(): void
}

export interface FaultHooks {
  prepare(): Prepared
  /** The provider's definitive refusal (its default code unless `code` is given). */
  decline(code: number | undefined): ApiReply
  /** A provider error body. */
  error(code: number, note: string | undefined, status: number | undefined): ApiReply
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/**
 * Turn a matched rule (or none) into the reply, applying the request exactly when S3 says
 * so. `pending` is applied normally here: the provider has already built it into `prepare`.
 */
export function applyFault(rule: FaultRule | undefined, hooks: FaultHooks): ApiReply {
  const p = rule?.params ?? {}
  const tag = (reply: ApiReply): ApiReply => (rule ? { ...reply, fault: rule.fault } : reply)
  const applied = (): ApiReply => {
    const prepared = hooks.prepare()
    prepared.commit()
    return prepared.reply
  }
  switch (rule?.fault) {
    case undefined:
      return applied()
    case 'decline':
      return tag(hooks.decline(typeof p.code === 'number' ? p.code : undefined))
    case 'error':
      return tag(hooks.error(Number(p.code), typeof p.note === 'string' ? p.note : undefined, typeof p.status === 'number' ? p.status : undefined))
    case 'noReply':
      return tag({
        status: 0,
        body: '',
        contentType: 'text/plain',
        wire: { kind: 'noReply', holdMs: typeof p.holdMs === 'number' ? p.holdMs : NO_REPLY_HOLD_MS },
      })
    case 'lostReply':
      return tag({ ...applied(), wire: { kind: 'lostReply' } })
    case 'http': {
      if (p.apply === true) applied()
      const status = typeof p.status === 'number' ? p.status : 500
      const body = typeof p.body === 'string' ? p.body : `${status} ${STATUS_TEXT[status] ?? 'Error'}`
      const contentType = typeof p.contentType === 'string' ? p.contentType : 'text/plain; charset=utf-8'
      return tag({ status, body, contentType })
    }
    case 'malformed': {
      const prepared = hooks.prepare()
      if (p.apply !== false) prepared.commit()
      return tag({ ...prepared.reply, status: 200, wire: { kind: 'malformed' } })
    }
    case 'slow':
      return tag({ ...applied(), wire: { kind: 'slow', delayMs: typeof p.delayMs === 'number' ? p.delayMs : MAGIC_SLOW_MS } })
    case 'reset':
    case 'offline':
      return tag({ status: 0, body: '', contentType: 'text/plain', wire: { kind: 'reset' } })
    default:
      // `pending` and provider-specific kinds the provider has already acted on.
      return tag(applied())
  }
}

/** The malformed body: the normal text cut in the middle. */
export function cutInMiddle(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)))
}
