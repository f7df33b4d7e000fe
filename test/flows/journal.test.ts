// The journal's flow without a browser: the filter as typed becomes the filter the list uses (dates
// in the app's language), a reversal asks, then asks the supervisor, then calls the engine once, and
// says how it went; the refund form offers what is left; the CSV is for a person.
import { describe, expect, it } from 'vitest'
import { JournalFlow, type JournalDeps } from '../../src/app/flows/journal.svelte.ts'
import type { JournalRow } from '../../workers/engine/journal-query.ts'
import type { PaymentTypeView } from '../../workers/engine/engine.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { Minor } from '../../src/domain/money.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import { ru } from '../../src/i18n/ru.ts'
import { formatMoney } from '../../src/domain/money.ts'

const NOW = Date.UTC(2026, 11, 7, 12, 0)

function op(p: Partial<Operation> = {}): Operation {
  return {
    id: 'p1' as OperationId,
    kind: 'pay',
    provider: 'clickpass',
    paymentTypeId: 'click',
    amount: 2_500_000 as Minor,
    currency: 'UZS',
    state: 'approved',
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
    history: [],
    ...p,
  } as Operation
}
const row = (o: Operation, rest: Partial<JournalRow> = {}): JournalRow => ({ op: o, kind: 'pay', inQueue: false, remaining: o.amount, ...rest })

const CLICK = {
  id: 'click',
  number: 1,
  name: 'Click',
  provider: 'clickpass',
  capabilities: { cancel: true, refund: 'partial', cancelRefund: false, void: true },
  statusCheck: false,
} as unknown as PaymentTypeView

interface Fake {
  deps: JournalDeps
  calls: string[]
  saved: { name: string; text: string; type: string }[]
  answers: { confirm: boolean; approve: boolean }
  questions: string[]
}

function fake(over: Partial<JournalDeps['engine']> = {}, journal: Operation[] = []): Fake {
  const calls: string[] = []
  const saved: Fake['saved'] = []
  const questions: string[] = []
  const answers = { confirm: true, approve: true }
  const t = (key: string, params?: Record<string, string | number>) =>
    ((ru as Record<string, string>)[key] ?? key).replace(/\{(\w+)(:money)?\}/g, (_, p: string) => String(params?.[p] ?? ''))
  const deps: JournalDeps = {
    engine: {
      listPaymentTypes: async () => [CLICK],
      reverse: async (r) => {
        calls.push(`reverse ${r.kind} ${r.opId} ${r.amount ?? ''}`.trim())
        return { ok: true, op: op({ id: 'r1' as OperationId, kind: r.kind, amount: (r.amount ?? 2_500_000) as Minor, original: r.opId as OperationId }) }
      },
      voidOrder: async (r) => {
        calls.push(`void ${r.order}`)
        return { ok: true, results: [] }
      },
      checkStatus: async () => ({ ok: false, message: { key: 'common.notSupported' } }),
      exportJournal: async () => JSON.stringify({ exportedAt: '', operations: journal }),
      ...over,
    } as JournalDeps['engine'],
    confirm: async (q) => (questions.push(q), answers.confirm),
    approve: async () => (calls.push('approve?'), answers.approve),
    print: async () => calls.push('print'),
    save: (name, text, type) => saved.push({ name, text, type }),
    now: () => NOW,
    words: {
      t,
      money: (minor, currency) => formatMoney(minor, currency, 'ru'),
      dateTime: (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' '),
      dateOrder: () => 'dmy',
      decimal: () => ',',
    },
    instant: (p) => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute),
  }
  return { deps, calls, saved, answers, questions }
}

describe('the filter', () => {
  it('dates typed in the app’s format become the range; «По» without a time takes the whole day', () => {
    const flow = new JournalFlow(fake().deps)
    flow.fromText = '01.12.2026 09:30'
    flow.toText = '05.12.2026'
    flow.applyFilter()
    expect(flow.filterError).toBeUndefined()
    expect(flow.filter).toEqual({ from: Date.UTC(2026, 11, 1, 9, 30), to: Date.UTC(2026, 11, 5, 23, 59) + 59_999 })
  })

  it('a date in another format, or one that does not exist, is refused and the list keeps its filter', () => {
    const flow = new JournalFlow(fake().deps)
    flow.q = 'ORD-1'
    flow.applyFilter()
    for (const bad of ['2026-12-01T09:30', '31.02.2026', '12/01/2026 25:00', 'вчера']) {
      flow.fromText = bad
      flow.applyFilter()
      expect(flow.filterError).toBe('Проверьте фильтр: Время')
      expect(flow.filter).toEqual({ q: 'ORD-1' })
    }
  })

  it('«Требуют проверки», «В очереди» and «Сбросить» set and clear what they say', () => {
    const flow = new JournalFlow(fake().deps)
    flow.amountText = '1 500,50'
    flow.quick('attention')
    expect(flow.filter).toEqual({ amountMin: 150_050, amountMax: 150_050, state: 'needs-attention' })
    flow.quick('queue')
    expect(flow.filter).toEqual({ amountMin: 150_050, amountMax: 150_050, queued: true })
    flow.pages = 3
    flow.resetFilter()
    expect(flow.filter).toEqual({})
    expect(flow.pages).toBe(1)
  })
})

describe('reversals', () => {
  it('a cancel asks in the app’s words, then the supervisor, then calls the engine once', async () => {
    const f = fake()
    const flow = new JournalFlow(f.deps)
    await flow.loadTypes()
    const o = op()
    expect(flow.offers(row(o))).toMatchObject({ cancel: true, refund: true, void: false })
    await flow.reverse('cancel', o)
    expect(f.questions.map((q) => q.replace(/\s/g, ' '))).toEqual(['Отменить оплату 25 000 сум?'])
    expect(f.calls).toEqual(['approve?', 'reverse cancel p1'])
    expect(flow.message).toEqual({ text: { key: 'rowResult.cancel' }, ok: true })
  })

  it('«Нет» in the dialog, or no supervisor PIN, moves no money', async () => {
    const f = fake()
    const flow = new JournalFlow(f.deps)
    f.answers.confirm = false
    await flow.reverse('cancel', op())
    expect(f.calls).toEqual([])
    f.answers.confirm = true
    f.answers.approve = false
    await flow.reverse('void', op({ order: 'U-1' }))
    expect(f.calls).toEqual(['approve?'])
  })

  it('a payment of an earlier month in its currency’s zone says so in the question', async () => {
    const f = fake()
    const flow = new JournalFlow(f.deps)
    // 30 November 20:30 UTC: December in Tashkent, November in Minsk.
    const late = Date.UTC(2026, 10, 30, 20, 30)
    await flow.reverse('cancel', op({ createdAt: late, currency: 'UZS' }))
    await flow.reverse('cancel', op({ createdAt: late, currency: 'BYN' }))
    expect(f.questions[0]).not.toContain('прошлого месяца')
    expect(f.questions[1]).toContain('Оплата прошлого месяца')
  })

  it('the refund form offers what is left, grouped, and a refund asks nothing more than its form', async () => {
    const f = fake()
    const flow = new JournalFlow(f.deps)
    await flow.loadTypes()
    const o = op()
    const partly = row(o, { remaining: 1_000_050, reversal: { id: 'r0', kind: 'refund', state: 'approved' } })
    expect(flow.offers(partly)).toMatchObject({ cancel: false, refund: true, void: false })
    flow.openRefund(partly)
    expect(flow.refundText).toBe('10 000,50')
    flow.openRefund(row(o))
    expect(flow.refundText).toBe('25 000')
    flow.refundText = '12 345'
    await flow.submitRefund()
    expect(f.questions).toEqual([])
    expect(f.calls).toEqual(['approve?', 'reverse refund p1 1234500'])
    expect(flow.refundFor).toBeUndefined()
  })

  it('a refund amount that is not one says why and sends nothing', async () => {
    const f = fake()
    const flow = new JournalFlow(f.deps)
    flow.openRefund(row(op()))
    flow.refundText = '12,345'
    await flow.submitRefund()
    expect(flow.message).toEqual({ text: { key: 'amount.too-many-decimals' }, ok: false })
    expect(f.calls).toEqual([])
  })

  it('a void answered with a refusal says the refusal', async () => {
    const f = fake({
      voidOrder: async () => ({ ok: true, results: [{ opId: 'p1', outcome: 'refused', message: { key: 'common.notSupported' } }] }) as never,
    })
    const flow = new JournalFlow(f.deps)
    await flow.reverse('void', op({ order: 'U-1' }))
    expect(f.questions[0]).toContain('U-1')
    expect(flow.message).toEqual({ text: { key: 'common.notSupported' }, ok: false })
    expect(flow.working).toBe(false)
  })
})

describe('exports', () => {
  it('the CSV is for a person: local time, the row’s words, major units, the type’s name', async () => {
    const pay = op({ id: 'p1' as OperationId, ref: 'R-1' })
    const refund = op({ id: 'r1' as OperationId, kind: 'refund', amount: 1_000_050 as Minor, original: 'p1' as OperationId, createdAt: NOW - 60_000 })
    const f = fake({}, [pay, refund])
    const flow = new JournalFlow(f.deps)
    await flow.loadTypes()
    await flow.exportCsv()
    expect(f.saved).toHaveLength(1)
    const file = f.saved[0]!
    expect(file.name).toBe('paydesk-journal-2026-12-07.csv')
    expect(file.type).toBe('text/csv')
    const lines = file.text.trim().split('\r\n')
    expect(lines[0]).toBe('Время,Операция,Тип оплаты,Сумма,Валюта,Состояние,Номер,id')
    expect(lines[1]).toBe('2026-12-07 11:59,Возврат,Click · № 1,10000.50,UZS,успешно,,r1')
    expect(lines[2]).toBe('2026-12-07 11:00,Оплата,Click · № 1,25000.00,UZS,успешно,R-1,p1')
  })

  it('a failed export says so', async () => {
    const f = fake({
      exportJournal: async () => {
        throw new Error('disk full')
      },
    })
    const flow = new JournalFlow(f.deps)
    await flow.exportCsv()
    expect(flow.message).toEqual({ text: { key: 'export.failed', params: { error: 'disk full' } }, ok: false })
    expect(f.saved).toEqual([])
  })
})
