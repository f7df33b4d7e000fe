// Security in the engine: a replayed host refund moves no money; a burst of PINs cannot
// slip past the lockout; the self-checkout exit and Settings count wrong tries apart; the kiosk
// starts only behind an admin PIN and then money going back needs one; exports survive a short
// numeric secret; the customer's phone never reaches the log in full.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'

let h: Harness
afterEach(async () => h?.close())

const act = (body: Record<string, unknown>) => h.sb.control('oplati', 'customer/act', body)

/** An O!plati mode-0 payment the customer confirms at the first poll. */
async function oplatiPaid(amount = 1700): Promise<Operation> {
  h.clock.onTick = async () => {
    const op = (await h.ops()).filter((o) => o.kind === 'pay' && !isFinal(o.state)).at(-1)
    if (op?.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
  }
  const r = await h.engine.pay({ paymentTypeId: 'oplati', amount, code: await h.token() })
  await h.engine.settled()
  h.clock.onTick = undefined
  if (!r.ok) throw new Error('payment refused')
  const op = await h.op(r.op.id)
  expect(op.state).toBe('approved')
  return op
}

describe('18.1 a replayed host refund', () => {
  it('the same request (host, order, kind, amount, requestId) twice refunds once and answers the first refund; a new requestId refunds again', async () => {
    h = await harness({ provider: 'oplati' })
    const sale = await oplatiPaid(1700)
    const key = JSON.stringify(['http://127.0.0.1:9000', 'SQ-1', 'refund', 500, 'r-7'])
    const first = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 500, dedupe: key })
    expect(first).toMatchObject({ ok: true, op: { state: 'approved', amount: 500 } })
    // The host resends after its own timeout: nothing moves, the first refund answers.
    const again = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 500, dedupe: key })
    expect(again).toMatchObject({ ok: true, repeated: true, op: { id: first.ok ? first.op.id : '' } })
    // Two copies at once: still one refund.
    const [a, b] = await Promise.all([
      h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 300, dedupe: key + 'x' }),
      h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 300, dedupe: key + 'x' }),
    ])
    expect([a, b].filter((r) => r.ok && r.repeated)).toHaveLength(1)
    expect((await h.ops()).filter((o) => o.kind === 'refund')).toHaveLength(2)
    expect((await h.calls()).filter((c) => c.route === 'refund' || c.route === 'return').length).toBeLessThanOrEqual(2)
    // A genuinely new refund of the same amount carries a new requestId.
    const next = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 500, dedupe: key.replace('r-7', 'r-8') })
    expect(next).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(next.ok && next.repeated).toBeFalsy()
    expect(
      (await h.ops())
        .filter((o) => o.kind === 'refund' && o.state === 'approved')
        .map((o) => o.amount)
        .sort(),
    ).toEqual([300, 500, 500])
    expect(await h.engine.hostRequestOperation(key)).toMatchObject({ id: first.ok ? first.op.id : '' })
  })
})

describe('18.4 the PIN lockout under a burst', () => {
  it('50 PINs at once (a scanner reading 1000⏎1001⏎…): five are compared, the right one (the 10th) does not open', async () => {
    h = await harness()
    await h.engine.setAdminPin({ current: '', next: '1009' })
    const tries = await Promise.all(Array.from({ length: 50 }, (_, i) => h.engine.verifyKioskExit(String(1000 + i))))
    expect(tries.filter((r) => r.ok)).toHaveLength(0)
    expect(tries.filter((r) => !r.ok && r.message.key === 'pin.locked').length).toBe(45)
    // The right PIN after the lockout opens, and gives its try back.
    await h.clock.advance(30_000)
    expect(await h.engine.verifyKioskExit('1009')).toEqual({ ok: true })
  })

  it('the self-checkout exit and Settings count apart: a customer cannot lock the admin out', async () => {
    h = await harness()
    await h.engine.setAdminPin({ current: '', next: '2580' })
    for (let i = 0; i < 6; i++) await h.engine.verifyKioskExit('0000')
    expect(await h.engine.verifyKioskExit('2580')).toMatchObject({ ok: false, message: { key: 'pin.locked' } })
    expect(await h.engine.verifyAdminPin('2580')).toEqual({ ok: true })
  })
})

describe('17.2 and 18.5 the kiosk and money going back', () => {
  it('the self-checkout starts only behind an admin PIN; from then on a refund needs a PIN even with no supervisor PIN', async () => {
    h = await harness()
    expect(await h.engine.reversalGuard()).toBe('none')
    expect(await h.engine.kioskStart()).toMatchObject({ ok: false, message: { key: 'self.needAdminPin' } })
    expect(await h.engine.verifyKioskExit('')).toMatchObject({ ok: false })
    await h.engine.setAdminPin({ current: '', next: '7531' })
    expect(await h.engine.kioskStart()).toEqual({ ok: true })
    expect(await h.engine.reversalGuard()).toBe('admin')
    expect(await h.engine.verifyReversalPin('')).toMatchObject({ ok: false })
    expect(await h.engine.verifyReversalPin('7531')).toEqual({ ok: true })
    await h.engine.setSupervisorPin({ next: '8642', adminPin: '7531' })
    expect(await h.engine.reversalGuard()).toBe('supervisor')
    expect(await h.engine.verifyReversalPin('7531')).toMatchObject({ ok: false })
    expect(await h.engine.verifyReversalPin('8642')).toEqual({ ok: true })
  })
})

describe('18.7 exports with a short numeric secret', () => {
  it('a secret 000: the journal and the log export parse and carry no secret', async () => {
    h = await harness({
      provider: 'oplati',
      sandboxConfig: { cashboxes: [{ regNum: 'OPL000011111', password: '000', authMode: 'password' }] },
      secrets: { password: '000' },
    })
    await oplatiPaid(1700)
    await h.engine.settled()
    const journal = JSON.parse(await h.engine.exportJournal()) as { operations: unknown[] }
    expect(journal.operations).toHaveLength(1)
    const log = await h.engine.exportLog()
    const rows = log.split('\n').map((l) => JSON.parse(l) as unknown)
    expect(rows.length).toBeGreaterThan(0)
    expect(log).not.toMatch(/"000"/)
  })
})

describe('18.8 personal data in the log', () => {
  it('Click’s reply carries the customer’s full phone: the log keeps it masked', async () => {
    h = await harness()
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await h.engine.settled()
    expect(r.ok).toBe(true)
    // The sandbox's customers have 99890xxxxxxx numbers (Click's `phone_number`).
    const log = await h.engine.exportLog()
    expect(log).toMatch(/phone_number/)
    expect(log).not.toMatch(/99890\d{7}/)
    expect(log).toMatch(/998\*{5}\d{4}/)
  })
})
