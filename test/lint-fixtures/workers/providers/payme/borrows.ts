// Lint fixture: a provider breaking its layer. Each ✗ names the error test/unit/lint-layers.test.ts expects there.
import { clickAuth } from '../clickpass/auth.ts' // ✗ paydesk/layers: never imports another provider
import { PaydeskDb } from '../../engine/db.ts' // ✗ paydesk/layers: only through its OpCtx
import { DEMO } from '../../../sandbox/payme/demo.ts' // ✗ paydesk/layers: never imports sandbox/
import { classify } from '../common/reply.ts'
import { money } from '../../../src/domain/money.ts'
import type { OpCtx } from '../types.ts'

export function remember(ctx: OpCtx<unknown>): number {
  localStorage.setItem('payme', 'x') // ✗ no-restricted-globals: ctx.store
  const at = new Date() // ✗ no-restricted-syntax: ctx.clock.now()
  return Date.now() + at.getTime() + ctx.clock.now() // ✗ no-restricted-properties: ctx.clock.now()
}
export const used = [clickAuth, PaydeskDb, DEMO, classify, money]
