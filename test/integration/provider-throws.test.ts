// Errors cross Comlink as data, never as exceptions. A provider procedure that throws
// (a bug, a codec surprise) is an unknown outcome: the engine still resolves the operation by
// status or compensation, exactly as for a lost reply, and `pay` answers `{ ok: true, op }`.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { isFinal } from '../../src/domain/operation.ts'
import type { AnyProvider } from '../../workers/providers/types.ts'

let h: Harness
afterEach(async () => h?.close())

/** ClickPass whose pay throws, either before it journals its request or right after. */
function throwingClickpass(after: 'created' | 'sent'): AnyProvider[] {
  return PROVIDERS.map((p) =>
    p.id !== 'clickpass'
      ? p
      : ({
          ...p,
          pay: async (ctx) => {
            if (after === 'sent') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
            throw new TypeError('provider bug: cannot read properties of undefined')
          },
        } as AnyProvider),
  )
}

describe('a provider procedure that throws', () => {
  it('after journaling its request: pay answers data, the outcome is unknown, and the status check resolves it', async () => {
    h = await harness({ providers: throwingClickpass('sent') })
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    expect(r.ok).toBe(true)
    await h.engine.settled()
    const op = await h.op(r.ok ? r.op.id : '')
    // It went through `unknown` and ended resolved (a final state); the sandbox holds no payment.
    expect(op.history.map((x) => x.state)).toContain('unknown')
    // ClickPass's rule for a lost reply: not found by our transaction id is for a person to check (docs/protocols/clickpass.md § 4.4).
    expect(op.state).toBe('needs-attention')
    expect((await h.payments()).length).toBe(0)
    const log = await h.engine.exportLog()
    expect(log).toContain('provider procedure failed')
  })

  it('before journaling its request: still treated as unknown and resolved, never left `created` or thrown', async () => {
    h = await harness({ providers: throwingClickpass('created') })
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    expect(r.ok).toBe(true)
    await h.engine.settled()
    const op = await h.op(r.ok ? r.op.id : '')
    expect(op.history.map((x) => x.state)).toContain('unknown')
    expect(isFinal(op.state)).toBe(true)
    expect(op.state).not.toBe('approved')
  })
})
