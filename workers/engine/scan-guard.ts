// docs/rules.md R6, the scan guard: a scanned customer code is checked for format, a double read of the
// scanner, reuse and lifetime before any operation is journaled. It keeps the last scan in memory.
import { maskCode } from '../../src/domain/ids.ts'
import { hex } from '../../src/domain/hex.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { AnyProvider } from '../providers/types.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'

/** docs/rules.md R6: the same payload twice within 2 s is a double read of the scanner. */
export const DOUBLE_SCAN_MS = 2_000

export type ScanResult = { ok: true; code: Operation['code'] } | { ok: false; ignored?: boolean; message: Msg }

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

export function scanGuard(db: PaydeskDb, clock: Clock) {
  let lastScan: { hash: string; at: number } | undefined
  /** docs/rules.md R6, what needs no journal: format and a double read of the scanner. Types where the cashier does not scan take no code. */
  async function early(p: AnyProvider, config: unknown, code: string, scannedAtIn: number | undefined): Promise<ScanResult> {
    if ((p.payModeOf?.(config) ?? 'customer-qr') !== 'customer-qr') return { ok: true, code: undefined }
    const now = clock.now()
    const bad = p.checkCode(code)
    if (bad) return { ok: false, message: bad }
    const hash = await sha256(code)
    if (lastScan && lastScan.hash === hash && now - lastScan.at < DOUBLE_SCAN_MS) return { ok: false, ignored: true, message: msg('common.doubleScan') }
    lastScan = { hash, at: now }
    return { ok: true, code: { hash, masked: maskCode(code), spent: false, scannedAt: scannedAtIn ?? now } }
  }
  /**
   * docs/rules.md R6 against the journal: a code already spent, or first scanned longer ago than it lives. Reads only the
   * operations table, so the payment runs it inside the transaction that journals it (no transaction of its own),
   * sent beside the payment's own write (a refusal aborts that transaction: nothing is written).
   */
  async function againstJournal(p: AnyProvider, code: NonNullable<Operation['code']>, self?: string): Promise<ScanResult> {
    const now = clock.now()
    // `self`: the operation being journaled in the same transaction, whose own write the look-up may already see.
    const earlier = (await db.operations.where('code.hash').equals(code.hash).toArray()).filter((o) => o.id !== self)
    if (earlier.some((o) => o.code?.spent)) return { ok: false, message: msg('common.qrUsed') }
    const scannedAt = Math.min(code.scannedAt ?? now, ...earlier.map((o) => o.code?.scannedAt ?? now))
    if (now - scannedAt > p.codeLifetimeMs) return { ok: false, message: msg('common.qrExpired') }
    return { ok: true, code: { ...code, scannedAt } }
  }
  /** docs/rules.md R6 for a type where the cashier scans: format, double scan, reuse, lifetime. Others take no code. */
  async function checkScan(p: AnyProvider, config: unknown, code: string, scannedAtIn: number | undefined): Promise<ScanResult> {
    const r = await early(p, config, code, scannedAtIn)
    return r.ok && r.code ? againstJournal(p, r.code) : r
  }
  return Object.assign(checkScan, { early, againstJournal })
}

export type ScanGuard = ReturnType<typeof scanGuard>
