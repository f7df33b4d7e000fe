// The structured log (the seed's `terminal.log`, docs/rules.md R10): rows in IndexedDB, masked
// before they are written, batched so logging never slows a payment, rotated by count.
import type { PaydeskDb, LogEntry } from './db.ts'
import { maskPhoneText, PHONE_FIELD } from '../transport/personal.ts'

/** Rotation: keep this many rows (about a week of a busy till). */
export const LOG_MAX_ROWS = 20_000
const PRUNE_EVERY = 500
/**
 * Rows wait this long and go in one transaction, after the payment that wrote them has committed its
 * own (a log write beside the journal's made each of its commits wait). `flush` writes at once.
 */
export const LOG_BATCH_MS = 200

export interface Logger {
  info(source: string, event: string, data?: Record<string, unknown>, opId?: string): void
  warn(source: string, event: string, data?: Record<string, unknown>, opId?: string): void
  error(source: string, event: string, data?: Record<string, unknown>, opId?: string): void
  flush(): Promise<void>
}

/** Field names whose values are never written (docs/rules.md R10). */
const SECRET_FIELDS = /^(secretKey|posKey|password|token|authorization|secret|key)$/i

export function scrub(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let s = value
    for (const secret of secrets) if (secret.length >= 3) s = s.split(secret).join('****')
    return s
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value))
      out[k] =
        SECRET_FIELDS.test(k) && typeof v === 'string' && v !== ''
          ? '****'
          : PHONE_FIELD.test(k) && (typeof v === 'string' || typeof v === 'number')
            ? maskPhoneText(String(v))
            : scrub(v, secrets)
    return out
  }
  return value
}

export function createLogger(db: PaydeskDb, now: () => number, secrets: () => readonly string[]): Logger {
  let pending: LogEntry[] = []
  let flushing: Promise<void> | undefined
  let written = 0

  const write = async () => {
    while (pending.length) {
      const batch = pending
      pending = []
      await db.log.bulkAdd(batch)
      written += batch.length
      if (written >= PRUNE_EVERY) {
        written = 0
        const count = await db.log.count()
        if (count > LOG_MAX_ROWS) {
          const cut = await db.log
            .orderBy('id')
            .offset(count - LOG_MAX_ROWS)
            .first()
          if (cut?.id !== undefined) await db.log.where('id').below(cut.id).delete()
        }
      }
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    flushing ??= write()
      .catch((e: unknown) => console.error('paydesk log write failed', e))
      .finally(() => {
        flushing = undefined
        if (pending.length) later()
      })
  }
  const later = () => {
    if (timer === undefined && !flushing) timer = setTimeout(schedule, LOG_BATCH_MS)
  }
  const add = (level: LogEntry['level']) => (source: string, event: string, data?: Record<string, unknown>, opId?: string) => {
    const entry: LogEntry = { at: now(), level, source, event }
    if (data) entry.data = scrub(data, secrets()) as Record<string, unknown>
    if (opId) entry.opId = opId
    pending.push(entry)
    later()
  }
  return {
    info: add('info'),
    warn: add('warn'),
    error: add('error'),
    async flush() {
      while (flushing || pending.length) {
        schedule()
        await flushing
      }
    },
  }
}
