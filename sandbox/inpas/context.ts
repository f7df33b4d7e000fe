// The working context of one emulator step: the step's own copy of the state plus the effects collected so far.
// Every core module takes a `Ctx` and mutates only `ctx.s` (never the caller's state) and `ctx.fx`.
import type { Effect, Notice, PinpadState, TraceDir } from './types.ts'
import { hex as hexOf } from '../../src/domain/hex.ts'
export { concatBytes } from '../../workers/providers/inpas-sbp/codec/frame.ts'

export interface Ctx {
  s: PinpadState
  fx: Effect[]
}

export function notice(ctx: Ctx, n: Notice): void {
  ctx.fx.push({ type: 'notice', notice: n })
}

export function log(ctx: Ctx, message: string): void {
  notice(ctx, { kind: 'log', message })
}

/** § 5.1: every byte in both directions with timestamps. */
export function traceBytes(ctx: Ctx, dir: TraceDir, bytes: Uint8Array, at = ctx.s.now): void {
  ctx.s.trace = { at, dir, bytes: bytes.slice(), prev: ctx.s.trace }
}

/** Bytes as the trace shows them: uppercase hex, a space between bytes. */
export function hex(bytes: Uint8Array): string {
  return hexOf(bytes, ' ').toUpperCase()
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
