// The till's side of the store's configuration: what a pulled config version changes in the till's own
// payment types and secrets, applied in one transaction by the worker, and only once no open operation of a changed
// type is left. The till keeps its own per-till fields (an O!plati regNum, a pin-pad port) and its own local
// types; a pushed type that would move a `url` to another host with the secret the till holds is refused. Pure.
import type { ConfigSchema, ConfigValues } from './config.ts'
import { mergeManaged, pushedTypeSafe } from './store-config.ts'

/** A payment type as the till keeps it (workers/providers/types.ts PaymentType), plus the store's mark. */
export interface TillType {
  id: string
  number: number
  name: string
  provider: string
  values: ConfigValues
  foreign?: Record<string, string>
  /** Set on a type the store manages: its fields (but the per-till ones) are read-only on the till. */
  managed?: { version: number }
  /** Hidden from the till, kept for the journal (workers/providers/types.ts PaymentType). Epoch ms. */
  archived?: number
}

export interface PulledConfig {
  version: number
  paymentTypes: readonly Record<string, unknown>[]
  secrets: Readonly<Record<string, Readonly<Record<string, string>>>>
}

export type ConfigPlan =
  | { kind: 'same' }
  /** Changed types have open operations: apply later, when they have ended. */
  | { kind: 'wait'; busy: string[] }
  | {
      kind: 'apply'
      version: number
      types: TillType[]
      /** Secrets to write (`${typeId}:${name}` → value) and the keys to delete. */
      putSecrets: Record<string, string>
      deleteSecrets: string[]
      changed: string[]
      removed: string[]
      /** The till's local types a store type took the number of: archived, so the till never shows two of one number. */
      adopted: string[]
      /** Pushed types refused (unknown provider, a url moved with the held secret, a malformed entry): kept as they were. */
      refused: { id: string; reason: 'provider' | 'url' | 'shape' }[]
    }

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * Plan the move from what the till holds to a pulled config. `secrets` are the till's current secrets by type;
 * `openTypes` the payment types with an operation still open (created … compensating).
 */
export function planStoreConfig(input: {
  current: readonly TillType[]
  secrets: Readonly<Record<string, Readonly<Record<string, string>>>>
  pulled: PulledConfig
  appliedVersion: number | null
  openTypes: ReadonlySet<string>
  schemaOf: (provider: string) => ConfigSchema | undefined
  /** When a local type is adopted (its `archived` mark). */
  now: number
}): ConfigPlan {
  const { current, pulled } = input
  if (input.appliedVersion === pulled.version) return { kind: 'same' }
  const byId = new Map(current.map((t) => [t.id, t]))
  const next: TillType[] = current.filter((t) => !t.managed)
  const refused: { id: string; reason: 'provider' | 'url' | 'shape' }[] = []
  const putSecrets: Record<string, string> = {}
  const deleteSecrets: string[] = []
  const changed: string[] = []
  const seen = new Set<string>()
  // A store type arriving with the number of one of the till's own types of the same provider (the till uploaded
  // it, or the manager set it up alike) starts from that type's per-till values (a cashbox code, a pin-pad port).
  const ownByNumber = new Map(current.filter((t) => !t.managed && t.archived === undefined).map((t) => [t.number, t]))

  for (const raw of pulled.paymentTypes) {
    const id = typeof raw.id === 'string' ? raw.id : ''
    const provider = typeof raw.provider === 'string' ? raw.provider : ''
    if (!id || !isRecord(raw.values) || typeof raw.name !== 'string' || typeof raw.number !== 'number') {
      refused.push({ id: id || '?', reason: 'shape' })
      continue
    }
    seen.add(id)
    const held = byId.get(id)
    const schema = input.schemaOf(provider)
    const keep = () => {
      if (held) next.push(held)
    }
    if (!schema || (held && held.provider !== provider)) {
      refused.push({ id, reason: 'provider' })
      keep()
      continue
    }
    const pushedValues = raw.values as ConfigValues
    const heldSecrets = input.secrets[id] ?? {}
    const pushedSecrets = input.pulled.secrets[id] ?? {}
    if (held && !pushedTypeSafe(schema, { values: held.values, secrets: heldSecrets }, { values: pushedValues, secrets: pushedSecrets })) {
      refused.push({ id, reason: 'url' })
      keep()
      continue
    }
    const own = held ? undefined : ownByNumber.get(raw.number)
    const values = mergeManaged(schema, held?.values ?? (own?.provider === provider ? own.values : {}), pushedValues)
    const type: TillType = {
      id,
      number: raw.number,
      name: raw.name,
      provider,
      values,
      ...(held?.foreign ? { foreign: held.foreign } : {}),
      managed: { version: pulled.version },
    }
    next.push(type)
    const secretFields = new Set(schema.fields.filter((f) => f.secret && !f.perTill).map((f) => f.name))
    let secretsChanged = false
    for (const [name, value] of Object.entries(pushedSecrets)) {
      if (!secretFields.has(name)) continue
      if (heldSecrets[name] !== value) {
        putSecrets[`${id}:${name}`] = value
        secretsChanged = true
      }
    }
    const same =
      held &&
      held.managed &&
      held.name === type.name &&
      held.number === type.number &&
      JSON.stringify(sortKeys(held.values)) === JSON.stringify(sortKeys(values)) &&
      !secretsChanged
    if (!same) changed.push(id)
  }
  const removed = current.filter((t) => t.managed && !seen.has(t.id)).map((t) => t.id)
  for (const id of removed) for (const name of Object.keys(input.secrets[id] ?? {})) deleteSecrets.push(`${id}:${name}`)

  // A store type with the number of one of the till's own types adopts it: the number is what the cashier and the
  // host POS choose by, so the store's wins and the local one is archived (its operations keep their name), never
  // two buttons of one number side by side.
  const storeNumbers = new Set(next.filter((t) => t.managed && t.archived === undefined).map((t) => t.number))
  const adopted: string[] = []
  for (const [i, t] of next.entries()) {
    if (t.managed || t.archived !== undefined || !storeNumbers.has(t.number)) continue
    next[i] = { ...t, archived: input.now }
    adopted.push(t.id)
  }

  const busy = [...changed, ...removed, ...adopted].filter((id) => input.openTypes.has(id))
  if (busy.length) return { kind: 'wait', busy }
  next.sort((a, b) => a.number - b.number)
  return { kind: 'apply', version: pulled.version, types: next, putSecrets, deleteSecrets, changed, removed, adopted, refused }
}

function sortKeys(v: ConfigValues): [string, unknown][] {
  return Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
}
