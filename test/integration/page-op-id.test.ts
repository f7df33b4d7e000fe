// The page mints the operation's id and hands it to the engine (the sale flow follows that journal row from its
// first write). The engine still journals the row, under that id, before its first request; a second request with
// an id already in the journal is the same payment sent twice and is ignored; an id that is not one is refused.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import { ulid } from '../../src/domain/ids.ts'

let h: Harness
afterEach(async () => h?.close())

const pageId = (n: number) => ulid(Date.now(), new Uint8Array(16).fill(n))

it('a payment is journaled under the page’s id before its request, and a repeat of that id charges nothing', async () => {
  h = await harness({ confirmMode: false })
  const id = pageId(7)
  // The sandbox is asked only after the row is in the journal: it sees the payment's own id as the merchant reference.
  const r = await h.engine.pay({ id, paymentTypeId: 'click', amount: 150_000, code: await h.token() })
  expect(r).toMatchObject({ ok: true, op: { id, state: 'approved' } })
  expect((await h.op(id)).history.map((e) => e.state)).toEqual(['created', 'sent', 'approved'])
  const payments = (await h.calls()).filter((c) => c.route === 'payment')
  expect(payments).toHaveLength(1)
  expect(JSON.stringify(payments[0]!.body)).toContain(id)

  const again = await h.engine.pay({ id, paymentTypeId: 'click', amount: 150_000, code: await h.token() })
  expect(again).toMatchObject({ ok: false, ignored: true })
  expect((await h.calls()).filter((c) => c.route === 'payment')).toHaveLength(1)
  expect(await h.ops()).toHaveLength(1)
})

it('an id that is not an operation id is refused and nothing is journaled or sent', async () => {
  h = await harness({ confirmMode: false })
  const r = await h.engine.pay({ id: 'not-an-id', paymentTypeId: 'click', amount: 150_000, code: await h.token() })
  expect(r).toMatchObject({ ok: false, message: { key: 'common.notSupported' } })
  expect(await h.ops()).toHaveLength(0)
  expect((await h.calls()).filter((c) => c.route === 'payment')).toHaveLength(0)
})

it('without an id the engine mints one, as before', async () => {
  h = await harness({ confirmMode: false })
  const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code: await h.token() })
  expect(r.ok && r.op.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
})
