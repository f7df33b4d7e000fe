// The PaymeGO emulator (docs/protocols/payme.md § 3) over real HTTP: JSON-RPC checks in order, X-Auth,
// receipt states on the manual clock, the one-time 30-second tokens, cancels by state,
// faults and magic amounts, and the call log the client tests lean on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts'

const POS_ID = '5e730e8e0b852a417aa49ceb'
const AUTH = `${POS_ID}:sandbox-key`

interface Rpc {
  status: number
  text: string
  json: { jsonrpc?: string; id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: unknown; data?: unknown } } | undefined
}
interface ReceiptJson {
  _id: string
  state: number
  amount: number
  pay_time: number
  cancel_time: number
  account: { name: string; value: unknown }[]
  card: { number: string } | null
  payer: { phone: string } | null
  error: { code: number } | null
  merchant: { name: string; epos: { terminalId: string } }
}

let sb: TestSandbox
beforeAll(async () => {
  sb = await startTestSandbox()
})
afterAll(async () => {
  await sb.close()
})
beforeEach(async () => {
  await sb.reset()
  await sb.clock.manual()
})

async function raw(body: string | undefined, opts: { method?: string; auth?: string | null } = {}): Promise<Rpc> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  const auth = opts.auth === undefined ? AUTH : opts.auth
  if (auth !== null) headers['X-Auth'] = auth
  const res = await fetch(`${sb.url}/sandbox/payme/api`, { method: opts.method ?? 'POST', headers, ...(body === undefined ? {} : { body }) })
  const text = await res.text()
  let json: Rpc['json']
  try {
    json = JSON.parse(text) as Rpc['json']
  } catch {
    json = undefined
  }
  return { status: res.status, text, json }
}

let rpcId = 0
const rpc = (method: string, params: unknown, opts: { auth?: string | null } = {}) => raw(JSON.stringify({ id: ++rpcId, method, params }), opts)
const receiptOf = (r: Rpc) => r.json?.result?.receipt as ReceiptJson
const codeOf = (r: Rpc) => r.json?.error?.code

async function create(amount = 150_000): Promise<ReceiptJson> {
  const r = await rpc('receipts.create', { amount, account: { order_id: 'A-1' }, description: 'Чек 1' })
  expect(r.json?.result).toBeDefined()
  return receiptOf(r)
}
const token = async (o?: Record<string, unknown>) => (await sb.mintToken('payme', o)).token
const fault = (rule: Record<string, unknown>) => sb.control('payme', 'faults', rule)
const state = async () =>
  (await sb.state('payme')) as { receipts: (ReceiptJson & { token: string | null })[]; tokens: { token: string; usedAt: string | null }[] }

describe('JSON-RPC checks in order', () => {
  it('GET → -32300, not JSON → -32700, wrong X-Auth → -32504, no method → -32600, unknown method → -32601 with its name', async () => {
    expect(codeOf(await raw(undefined, { method: 'GET' }))).toBe(-32300)
    expect(codeOf(await raw('{"id":1,'))).toBe(-32700)
    expect(codeOf(await rpc('receipts.create', { amount: 150000, account: { a: 1 } }, { auth: `${POS_ID}:wrong` }))).toBe(-32504)
    expect(codeOf(await rpc('receipts.create', { amount: 150000, account: { a: 1 } }, { auth: null }))).toBe(-32504)
    expect(codeOf(await raw(JSON.stringify({ id: 1, params: {} })))).toBe(-32600)
    const foo = await rpc('receipts.foo', {})
    expect(foo.json?.error).toMatchObject({ code: -32601, data: 'receipts.foo' })
    expect(codeOf(await rpc('receipts.send', { id: 'x', phone: '998901234567' }))).toBe(-32601)
    expect(codeOf(await rpc('receipts.get_all', { count: 1, from: 0, to: 1 }))).toBe(-32601)
  })

  it('every answer is HTTP 200 JSON-RPC 2.0 with the request id, except receipts.pay (id null, as the doc example)', async () => {
    const c = await raw(JSON.stringify({ id: 77, method: 'receipts.create', params: { amount: 150000, account: { a: 1 } } }))
    expect(c).toMatchObject({ status: 200, json: { jsonrpc: '2.0', id: 77 } })
    const p = await raw(JSON.stringify({ id: 78, method: 'receipts.pay', params: { id: receiptOf(c)._id, token: await token() } }))
    expect(p).toMatchObject({ status: 200, json: { jsonrpc: '2.0', id: null } })
    expect(receiptOf(p).state).toBe(4)
  })

  it('messages are a plain string by default and {ru,uz,en} with messageForm "object"', async () => {
    expect(typeof (await rpc('receipts.check', { id: 'f'.repeat(24) })).json?.error?.message).toBe('string')
    await sb.control('payme', 'config', { messageForm: 'object' }, 'PUT')
    expect((await rpc('receipts.check', { id: 'f'.repeat(24) })).json?.error?.message).toMatchObject({
      ru: expect.any(String),
      uz: expect.any(String),
      en: expect.any(String),
    })
  })
})

describe('receipts.create', () => {
  it('detail as Payme documents it: price per unit next to count, code (IKPU) and vat_percent required, lines adding up to amount', async () => {
    const line = { title: 'Non', price: 50_000, count: 3, code: '10202001001000001', package_code: '1500212', vat_percent: 12 }
    const ok = await rpc('receipts.create', { amount: 150_000, account: { order_id: 'A-1' }, detail: { receipt_type: 0, items: [line] } })
    expect(receiptOf(ok)).toMatchObject({ state: 0, detail: { items: [line] } })
    const refused = async (item: Record<string, unknown>, amount = 150_000) => {
      const r = await rpc('receipts.create', { amount, account: { order_id: 'A-1' }, detail: { receipt_type: 0, items: [item] } })
      expect(codeOf(r)).toBe(-32600)
      return r.json?.error?.message as unknown
    }
    const { code: _c, ...noCode } = line
    const { vat_percent: _v, ...noVat } = line
    expect(await refused(noCode)).toMatch(/code/)
    expect(await refused(noVat)).toMatch(/vat_percent/)
    // The line total in `price` (the old mistake) no longer adds up to the amount.
    expect(await refused({ ...line, price: 150_000 })).toMatch(/add up/)
    expect(await refused({ ...line, count: 0 })).toMatch(/count/)
    expect((await state()).receipts).toHaveLength(1)
  })

  it('a receipt in state 0 with a 24-hex id, the account as an array, the merchant and terminal', async () => {
    const r = await create(150_000)
    expect(r._id).toMatch(/^[0-9a-f]{24}$/)
    expect(r).toMatchObject({
      state: 0,
      amount: 150_000,
      account: [{ name: 'order_id', value: 'A-1' }],
      merchant: { name: 'Paydesk Demo', epos: { terminalId: '92000000' } },
    })
  })

  it('refuses a bad amount or an empty account (-32600), and the limits with -31611 / -31612', async () => {
    expect(codeOf(await rpc('receipts.create', { amount: 0, account: { a: 1 } }))).toBe(-32600)
    expect(codeOf(await rpc('receipts.create', { amount: 1500.5, account: { a: 1 } }))).toBe(-32600)
    expect(codeOf(await rpc('receipts.create', { amount: 150000, account: {} }))).toBe(-32600)
    expect(codeOf(await rpc('receipts.create', { amount: 99_999, account: { a: 1 } }))).toBe(-31611)
    expect(codeOf(await rpc('receipts.create', { amount: 10_000_000_001, account: { a: 1 } }))).toBe(-31612)
    // 2^53 − 1 and beyond are read exactly, and refused as too large.
    expect(codeOf(await raw(`{"id":1,"method":"receipts.create","params":{"amount":9007199254740993,"account":{"a":1}}}`))).toBe(-31612)
    expect((await state()).receipts).toEqual([])
  })
})

describe('receipts.pay and the one-time token', () => {
  it('approves with a minted token: state 4, pay_time, card and payer; the token is consumed', async () => {
    const r = await create()
    const t = await token()
    expect(t).toMatch(/^5050\d{16}$/)
    const p = receiptOf(await rpc('receipts.pay', { id: r._id, token: t }))
    expect(p).toMatchObject({ state: 4, card: { number: '860006******6311' }, payer: { phone: '99890*****27' } })
    expect(p.pay_time).toBeGreaterThan(0)
    const again = await create()
    expect(codeOf(await rpc('receipts.pay', { id: again._id, token: t }))).toBe(-31400)
    expect((await state()).tokens[0]?.usedAt).not.toBeNull()
  })

  it('refuses an unknown, empty or expired token with -31400, and an unknown receipt with -31602', async () => {
    const r = await create()
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: '12345678901234567890' }))).toBe(-31400)
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: '' }))).toBe(-31400)
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: 12345 }))).toBe(-31400)
    const t = await token()
    await sb.clock.advance(30_000)
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: t }))).toBe(-31400)
    expect(codeOf(await rpc('receipts.pay', { id: 'a'.repeat(24), token: await token() }))).toBe(-31602)
    expect((await state()).receipts[0]?.state).toBe(0)
  })

  it('a token 29 s old still pays', async () => {
    const r = await create()
    const t = await token()
    await sb.clock.advance(29_000)
    expect(receiptOf(await rpc('receipts.pay', { id: r._id, token: t })).state).toBe(4)
  })

  it('acceptAnyToken takes any printable code once', async () => {
    await sb.control('payme', 'config', { acceptAnyToken: true }, 'PUT')
    const r = await create()
    expect(receiptOf(await rpc('receipts.pay', { id: r._id, token: '00816261728386152' })).state).toBe(4)
    expect(codeOf(await rpc('receipts.pay', { id: (await create())._id, token: '00816261728386152' }))).toBe(-31400)
  })

  it('a paid receipt cannot be paid again (-31008)', async () => {
    const r = await create()
    await rpc('receipts.pay', { id: r._id, token: await token() })
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: await token() }))).toBe(-31008)
  })

  it('decline: -31630 and the receipt goes to 50 with error set', async () => {
    await fault({ route: 'pay', fault: 'decline' })
    const r = await create()
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: await token() }))).toBe(-31630)
    const got = receiptOf(await rpc('receipts.get', { id: r._id }))
    expect(got).toMatchObject({ state: 50, error: { code: -31630 } })
  })

  it('error with a code leaves the receipt in 0', async () => {
    await fault({ route: 'pay', fault: 'error', code: -31303 })
    const r = await create()
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: await token() }))).toBe(-31303)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 0 })
  })
})

describe('pending, check and time', () => {
  it('pending forMs: state 2 until the time passes, then 4', async () => {
    await fault({ route: 'pay', fault: 'pending', forMs: 20_000, then: 'approve' })
    const r = await create()
    expect(receiptOf(await rpc('receipts.pay', { id: r._id, token: await token() })).state).toBe(2)
    await sb.clock.advance(19_999)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 2 })
    await sb.clock.advance(1)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 4 })
    expect(receiptOf(await rpc('receipts.get', { id: r._id })).card).not.toBeNull()
  })

  it('pending polls: N checks see 2, the next sees the end (decline → 50)', async () => {
    await fault({ route: 'pay', fault: 'pending', polls: 2, then: 'decline' })
    const r = await create()
    await rpc('receipts.pay', { id: r._id, token: await token() })
    const seen = []
    for (let i = 0; i < 4; i++) seen.push((await rpc('receipts.check', { id: r._id })).json?.result?.state)
    expect(seen).toEqual([2, 2, 50, 50])
  })

  it('magic 93 stays in 2 for ever; a cancel stops it: 21, then 50 after cancelDelayMs', async () => {
    await sb.control('payme', 'config', { magic: true }, 'PUT')
    const r = await create(150_093)
    await rpc('receipts.pay', { id: r._id, token: await token() })
    await sb.clock.advance(86_400_000)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 2 })
    expect(receiptOf(await rpc('receipts.cancel', { id: r._id })).state).toBe(21)
    await sb.clock.advance(3_000)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 50 })
  })

  it('the call log records every check with the sandbox time and its route', async () => {
    const r = await create()
    await rpc('receipts.check', { id: r._id })
    await sb.clock.advance(1_000)
    await rpc('receipts.check', { id: r._id })
    const checks = (await sb.calls('payme')).filter((c) => c.route === 'check')
    expect(checks).toHaveLength(2)
    expect(checks[1]!.at - checks[0]!.at).toBe(1_000)
    expect(checks[0]!.headers['x-auth']).toBe(`${POS_ID}:****`)
  })
})

describe('receipts.cancel by state', () => {
  it('4 → 21 → 50 after cancelDelayMs; 21 and 50 answer unchanged', async () => {
    const r = await create()
    await rpc('receipts.pay', { id: r._id, token: await token() })
    expect(receiptOf(await rpc('receipts.cancel', { id: r._id })).state).toBe(21)
    expect(receiptOf(await rpc('receipts.cancel', { id: r._id })).state).toBe(21)
    await sb.clock.advance(2_999)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 21 })
    await sb.clock.advance(1)
    const done = receiptOf(await rpc('receipts.cancel', { id: r._id }))
    expect(done.state).toBe(50)
    expect(done.cancel_time).toBeGreaterThan(0)
  })

  it('0 → 50 at once; unknown → -31602; forced 1–3 → -31008; magic 99 → -31008 every time', async () => {
    const r = await create()
    expect(receiptOf(await rpc('receipts.cancel', { id: r._id })).state).toBe(50)
    expect(codeOf(await rpc('receipts.cancel', { id: 'b'.repeat(24) }))).toBe(-31602)
    const forced = await create()
    await sb.control('payme', `receipt/${forced._id}`, { state: 3 }, 'PUT')
    expect(codeOf(await rpc('receipts.cancel', { id: forced._id }))).toBe(-31008)
    await sb.control('payme', 'config', { magic: true }, 'PUT')
    const m = await create(150_099)
    expect(receiptOf(await rpc('receipts.pay', { id: m._id, token: await token() })).state).toBe(4)
    expect(codeOf(await rpc('receipts.cancel', { id: m._id }))).toBe(-31008)
    expect(codeOf(await rpc('receipts.cancel', { id: m._id }))).toBe(-31008)
  })

  it('pending on cancel holds 21 for forMs', async () => {
    const r = await create()
    await rpc('receipts.pay', { id: r._id, token: await token() })
    await fault({ route: 'cancel', fault: 'pending', forMs: 400_000 })
    await rpc('receipts.cancel', { id: r._id })
    await sb.clock.advance(399_999)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 21 })
    await sb.clock.advance(1)
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 50 })
  })
})

describe('faults and extras', () => {
  it('lostReply on pay applies it: the socket closes, and the receipt is paid', async () => {
    await fault({ route: 'pay', fault: 'lostReply' })
    const r = await create()
    await expect(rpc('receipts.pay', { id: r._id, token: await token() })).rejects.toThrow()
    expect((await rpc('receipts.check', { id: r._id })).json?.result).toEqual({ state: 4 })
  })

  it('http 500 on check answers 500 text; malformed on get cuts the body', async () => {
    const r = await create()
    await fault({ route: 'check', fault: 'http', status: 500 })
    expect((await rpc('receipts.check', { id: r._id })).status).toBe(500)
    await fault({ route: 'get', fault: 'malformed' })
    const m = await rpc('receipts.get', { id: r._id })
    expect(m.status).toBe(200)
    expect(m.json).toBeUndefined()
  })

  it('set_fiscal_data stores the data and answers success', async () => {
    const r = await create()
    expect((await rpc('receipts.set_fiscal_data', { id: r._id, fiscal_data: { receipt_id: 7, qr_code_url: 'https://ofd.example/7' } })).json?.result).toEqual({
      success: true,
    })
    expect((await state()).receipts[0]).toMatchObject({ fiscal: { receipt_id: 7 } })
  })

  it('a token minted with a behaviour follows it even without magic (decline)', async () => {
    const r = await create()
    expect(codeOf(await rpc('receipts.pay', { id: r._id, token: await token({ behaviour: 'decline' }) }))).toBe(-31630)
  })

  it('config refuses unknown keys and bad types, and changes nothing', async () => {
    await expect(sb.control('payme', 'config', { nope: 1 }, 'PUT')).rejects.toThrow(/400/)
    await expect(sb.control('payme', 'config', { codes: { decline: 'x' } }, 'PUT')).rejects.toThrow(/400/)
    await expect(sb.control('payme', 'config', { messageForm: 'xml' }, 'PUT')).rejects.toThrow(/400/)
    const merged = (await sb.control('payme', 'config', { codes: { decline: -31303 } }, 'PUT')) as { codes: Record<string, number> }
    expect(merged.codes).toMatchObject({ decline: -31303, tokenUsed: -31400 })
  })

  it('the call log names the method even when auth is refused', async () => {
    await rpc('receipts.create', { amount: 150000, account: { a: 1 } }, { auth: 'x:y' })
    expect((await sb.calls('payme')).map((c) => c.route)).toEqual(['create'])
  })
})
