// The sale flow shared by the cashier's screen and the self-checkout, without a browser: a fake engine that
// journals under the id it is handed, a fake journal followed live, a fake printer and host. Each test states what
// the screen may rely on.
import { describe, expect, it } from 'vitest'
import { flushSync } from 'svelte'
import { SaleFlow, type SaleFlowDeps } from '../../src/app/flows/sale-flow.svelte.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { Slip } from '../../src/domain/slip.ts'
import type { PaymentTypeView } from '../../workers/engine/engine.ts'
import { isOperationId, ulid } from '../../src/domain/ids.ts'

const type = (id: string, over: Partial<PaymentTypeView> = {}): PaymentTypeView =>
  ({
    id,
    number: 1,
    name: id,
    provider: 'clickpass',
    currency: 'UZS',
    values: {},
    secretsSet: [],
    missing: [],
    enabled: true,
    capabilities: {},
    payMode: 'customer-qr',
    scanHint: 'clickpass.scan',
    closeDay: false,
    statusCheck: false,
    adminActions: [],
    sandbox: true,
    checkConnection: false,
    ...over,
  }) as PaymentTypeView

/** The journal as the page sees it: rows by id, live. */
class FakeJournal {
  rows = $state<Record<string, Operation>>({})
  write(op: Operation) {
    this.rows[op.id] = op
  }
}

function setup(opts: { types?: PaymentTypeView[]; max?: number; till?: string } = {}) {
  const journal = new FakeJournal()
  const calls: { pay: Parameters<SaleFlowDeps['pay']>[0][]; watched: (string | undefined)[]; printed: Slip[]; hostStarted: string[] } = {
    pay: [],
    watched: [],
    printed: [],
    hostStarted: [],
  }
  let seq = 0
  /** What the engine does with the next pay: journal the row and answer (default: approved with a slip). */
  let engine: (req: Parameters<SaleFlowDeps['pay']>[0]) => ReturnType<SaleFlowDeps['pay']> = async (req) => {
    const op = row(req.id, req.amount, 'approved')
    journal.write(op)
    return { ok: true, op }
  }
  let loyalty: SaleFlowDeps['addLoyaltyCard'] = async () => ({ ok: false, message: { key: 'common.notSupported' } })
  const row = (id: string, amount: number, state: Operation['state'], order?: string): Operation =>
    ({
      id,
      kind: 'pay',
      provider: 'clickpass',
      paymentTypeId: 'click',
      amount,
      currency: 'UZS',
      state,
      createdAt: 1,
      updatedAt: 1,
      history: [],
      ...(order ? { order } : {}),
      ...(state === 'approved' ? { slip: { title: 'slip.sale' } as unknown as Slip } : {}),
    }) as unknown as Operation
  const deps: SaleFlowDeps = {
    listPaymentTypes: async () => opts.types ?? [type('click')],
    pay: (req) => {
      calls.pay.push(req)
      return engine(req)
    },
    addLoyaltyCard: (req) => loyalty(req),
    watch: (id) => {
      calls.watched.push(id)
      return {
        get value() {
          return id ? journal.rows[id] : undefined
        },
        stop: () => undefined,
      }
    },
    openPayments: async () => Object.values(journal.rows).filter((o) => o.state === 'sent'),
    print: (op) => void (op.slip && calls.printed.push(op.slip)),
    printQr: () => undefined,
    startCamera: async () => ({ stop: async () => undefined }),
    cameraProblem: () => ({ key: 'camera.failed' }),
    hostPaymentStarted: (id) => void calls.hostStarted.push(id),
    clearHostPay: () => undefined,
    newId: () => ulid(1_700_000_000_000 + seq++, new Uint8Array(16).fill(seq)),
    now: () => 1_700_000_000_000,
    maxAmount: () => opts.max,
    tillCurrency: () => opts.till,
  }
  const flow = new SaleFlow(deps, { tab: 'tab-1', askChoice: true, preselect: true })
  const stopEffects = $effect.root(() => flow.effects())
  return {
    flow,
    journal,
    calls,
    row,
    setEngine: (e: typeof engine) => (engine = e),
    loyaltyEngine: (e: SaleFlowDeps['addLoyaltyCard']) => (loyalty = e),
    done: () => {
      stopEffects()
      flow.stop()
    },
  }
}

describe('the sale flow', () => {
  it('mints the operation id, hands it to the engine and follows that row before the reply comes', async () => {
    const t = setup()
    await t.flow.start()
    let release!: () => void
    t.setEngine(async (req) => {
      // The engine journals the row under the page's id before its first request, then waits for the customer.
      t.journal.write(t.row(req.id, req.amount, 'sent'))
      await new Promise<void>((r) => (release = r))
      const op = t.row(req.id, req.amount, 'approved')
      t.journal.write(op)
      return { ok: true, op }
    })
    t.flow.amountText = '1 500'
    const paying = t.flow.submit({ code: '880012345678901234' })
    await Promise.resolve()
    const id = t.calls.pay[0]!.id
    expect(isOperationId(id)).toBe(true)
    expect(t.calls.pay[0]).toMatchObject({ amount: 150000, code: '880012345678901234', paymentTypeId: 'click', tab: 'tab-1' })
    // Before the engine answers, the screen shows the journaled row: no probe of the journal.
    expect(t.flow.opId).toBe(id)
    expect(t.flow.op?.state).toBe('sent')
    expect(t.flow.pending).toBe(true)
    release()
    await paying
    flushSync()
    expect(t.flow.op?.state).toBe('approved')
    expect(t.flow.sending).toBe(false)
    t.done()
  })

  it('prints an approved slip once, and a scan of the same amount after it is refused until «Новая продажа»', async () => {
    const t = setup()
    await t.flow.start()
    t.flow.amountText = '3000'
    await t.flow.submit({ code: 'A1' })
    flushSync()
    flushSync()
    expect(t.calls.printed).toHaveLength(1)
    const again = await t.flow.submit({ code: 'A2' })
    expect(again).toEqual({ key: 'sale.newSaleFirst' })
    expect(t.calls.pay).toHaveLength(1)
    t.flow.newSale()
    expect(t.flow.op).toBeUndefined()
    expect(t.flow.amountText).toBe('')
    t.flow.amountText = '3000'
    await t.flow.submit({ code: 'A3' })
    expect(t.calls.pay).toHaveLength(2)
    t.done()
  })

  it('a refusal is shown and nothing is left on screen; an ignored repeat leaves the screen as it was', async () => {
    const t = setup()
    await t.flow.start()
    t.setEngine(async () => ({ ok: false, message: { key: 'common.qrUsed' } }))
    t.flow.amountText = '100'
    expect(await t.flow.submit({ code: 'X' })).toEqual({ key: 'common.qrUsed' })
    expect(t.flow.error).toEqual({ key: 'common.qrUsed' })
    expect(t.flow.opId).toBeUndefined()
    t.setEngine(async () => ({ ok: false, ignored: true, message: { key: 'common.doubleScan' } }))
    expect(await t.flow.submit({ code: 'X' })).toBeUndefined()
    expect(t.flow.error).toBeUndefined()
    expect(t.flow.opId).toBeUndefined()
    t.done()
  })

  it('bad input and an amount above the provider’s maximum are refused here and never sent', async () => {
    const t = setup({ max: 10_000_000_000 })
    await t.flow.start()
    t.flow.amountText = '12,345'
    expect(await t.flow.submit({ code: 'X' })).toEqual({ key: 'amount.too-many-decimals' })
    t.flow.amountText = '99 999 999 999'
    expect(await t.flow.submit({ code: 'X' })).toEqual({ key: 'sale.aboveMax', params: { name: 'click', max: '100 000 000' } })
    expect(t.flow.amountError?.key).toBe('sale.aboveMax')
    expect(t.calls.pay).toHaveLength(0)
    t.flow.amountText = '100 000 000'
    await t.flow.submit({ code: 'X' })
    expect(t.calls.pay).toHaveLength(1)
    t.done()
  })

  it('a host request offers only types of its currency, else of the till’s; a typed amount any', async () => {
    const types = [type('click'), type('oplati', { provider: 'oplati', currency: 'BYN' })]
    const t = setup({ types, till: 'UZS' })
    await t.flow.start()
    expect(t.flow.offered.map((x) => x.id)).toEqual(['click', 'oplati'])
    t.flow.setHost({ kind: 'pay', pay: { order: 'U-1', amount: 1_500_000 } })
    expect(t.flow.amountText).toBe('15 000')
    expect(t.flow.offered.map((x) => x.id)).toEqual(['click'])
    t.flow.setHost({ kind: 'pay', pay: { order: 'B-1', amount: 1_500_000, currency: 'BYN' } })
    expect(t.flow.offered.map((x) => x.id)).toEqual(['oplati'])
    t.flow.choose('oplati')
    await t.flow.submit({ code: 'X' })
    expect(t.calls.pay[0]).toMatchObject({ order: 'B-1', currency: 'BYN', amount: 1_500_000 })
    t.done()
  })

  it('a pay pressed before the host confirmed its order is not held against the host’s amount once it comes', async () => {
    const t = setup()
    await t.flow.start()
    // The window opened by URL waits for the host's message: no amount yet, «Оплатить» meets an empty field.
    t.flow.setHost({ kind: 'pending', pay: { order: 'P-1', amount: 2_000 } })
    expect(await t.flow.submit({ code: 'C1' })).toEqual({ key: 'amount.empty' })
    expect(t.calls.pay).toHaveLength(0)
    // The host confirms: its amount fills the locked field, and «Введите сумму» no longer stands under it.
    t.flow.setHost({ kind: 'pay', pay: { order: 'P-1', amount: 2_000 } })
    expect(t.flow.amountText).toBe('20')
    expect(t.flow.amountError).toBeUndefined()
    await t.flow.submit({ code: 'C1' })
    expect(t.calls.pay[0]).toMatchObject({ order: 'P-1', amount: 2_000 })
    t.done()
  })

  it('the host hears of its payment once its row is journaled, and an approved order takes no second payment', async () => {
    const t = setup()
    await t.flow.start()
    t.flow.setHost({ kind: 'pay', pay: { order: 'H-1', amount: 50_000 } })
    t.setEngine(async (req) => {
      const op = t.row(req.id, req.amount, 'approved', req.order)
      t.journal.write(op)
      return { ok: true, op }
    })
    await t.flow.submit({ code: 'C1' })
    flushSync()
    expect(t.calls.hostStarted).toEqual([t.calls.pay[0]!.id])
    expect(await t.flow.submit({ code: 'C2' })).toEqual({ key: 'common.orderPaid' })
    expect(t.calls.pay).toHaveLength(1)
    t.done()
  })

  it('a type with a choice asks it first, then pays with it', async () => {
    const choices = {
      title: { key: 'sendy.choose' },
      options: [
        { id: 'wechat', label: 'WeChat' },
        { id: 'alipay', label: 'AliPay' },
      ],
    }
    const t = setup({ types: [type('sendy', { choices, payMode: 'merchant-dynamic' })] })
    await t.flow.start()
    t.flow.amountText = '10'
    await t.flow.submit()
    expect(t.flow.choosing).toBe(true)
    expect(t.calls.pay).toHaveLength(0)
    t.flow.choosing = false
    await t.flow.submit({ choice: 'alipay' })
    expect(t.calls.pay[0]).toMatchObject({ choice: 'alipay', code: '' })
    t.done()
  })

  it('a loyalty card is added under the page’s id too, and the screen follows that row', async () => {
    const t = setup({ types: [type('oplati', { provider: 'oplati', currency: 'BYN', payMode: 'merchant-dynamic' })] })
    const asked: string[] = []
    await t.flow.start()
    t.loyaltyEngine(async (req) => {
      asked.push(req.id)
      const op: Operation = { ...t.row(req.id, 0, 'approved'), kind: 'loyalty' }
      t.journal.write(op)
      return { ok: true, op }
    })
    await t.flow.addLoyalty()
    expect(asked).toHaveLength(1)
    expect(isOperationId(asked[0])).toBe(true)
    expect(t.flow.op?.id).toBe(asked[0])
    expect(t.flow.op?.kind).toBe('loyalty')
    t.done()
  })

  it('after a reload the open payment is on screen again with its type and amount', async () => {
    const t = setup({ types: [type('a'), type('click')] })
    t.journal.write({ ...t.row('01HZZZZZZZZZZZZZZZZZZZZZZZ', 250_000, 'sent'), paymentTypeId: 'click' })
    await t.flow.start()
    expect(t.flow.op?.id).toBe('01HZZZZZZZZZZZZZZZZZZZZZZZ')
    expect(t.flow.typeId).toBe('click')
    expect(t.flow.amountText).toBe('2 500')
    t.done()
  })
})
