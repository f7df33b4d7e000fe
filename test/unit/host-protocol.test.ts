// Host POS contract v1: the pure parsing and building of messages.
import { describe, expect, it } from 'vitest'
import {
  errorMessage,
  normalizeOrigin,
  parseHostAmount,
  parseHostRequest,
  parseHostUrl,
  parseOriginList,
  progressStage,
  resultMessage,
} from '../../src/domain/host-protocol.ts'
import type { Operation } from '../../src/domain/operation.ts'

describe('amount', () => {
  it('takes 1–15 digits (string) or a safe positive integer', () => {
    expect(parseHostAmount('1500')).toEqual({ ok: true, value: 1500 })
    expect(parseHostAmount(1500)).toEqual({ ok: true, value: 1500 })
    expect(parseHostAmount('999999999999999')).toEqual({ ok: true, value: 999999999999999 })
  })
  it.each(['0x10', '1e3', '-5', '', ' 15', '15.00', '1,5', '0', '0000', '1234567890123456', '+5', '١٢'])('refuses %j', (bad) => {
    expect(parseHostAmount(bad).ok).toBe(false)
  })
  it.each([0, -5, 1.5, Number.NaN, Infinity, 2 ** 60, null, undefined, true, [15], { v: 1 }])('refuses the value %j', (bad) => {
    expect(parseHostAmount(bad).ok).toBe(false)
  })
})

describe('requests', () => {
  it('parses each request type', () => {
    expect(parseHostRequest({ type: 'paydesk.pay', requestId: 'r1', order: 'A-1', amount: '1500' })).toEqual({
      ok: true,
      value: { type: 'paydesk.pay', requestId: 'r1', order: 'A-1', amount: 1500 },
    })
    expect(parseHostRequest({ type: 'paydesk.cancel', order: 'A-1' })).toEqual({ ok: true, value: { type: 'paydesk.cancel', order: 'A-1' } })
    expect(parseHostRequest({ type: 'paydesk.refund', order: 'A-1', amount: '100' })).toEqual({
      ok: true,
      value: { type: 'paydesk.refund', order: 'A-1', amount: 100 },
    })
    expect(parseHostRequest({ type: 'paydesk.refund', order: 'A-1' })).toEqual({ ok: true, value: { type: 'paydesk.refund', order: 'A-1' } })
    expect(parseHostRequest({ type: 'paydesk.void', order: 'A-1' })).toMatchObject({ ok: true, value: { type: 'paydesk.void' } })
    expect(parseHostRequest({ type: 'paydesk.status', order: 'A-1' })).toMatchObject({ ok: true, value: { type: 'paydesk.status' } })
  })
  it('gives a typed error, with the request id and order, for a malformed amount', () => {
    expect(parseHostRequest({ type: 'paydesk.pay', requestId: 'r2', order: 'A-1', amount: '0x10' })).toMatchObject({
      ok: false,
      code: 'bad-amount',
      requestId: 'r2',
      order: 'A-1',
    })
    expect(parseHostRequest({ type: 'paydesk.refund', order: 'A-1', amount: '1e3' })).toMatchObject({ ok: false, code: 'bad-amount' })
  })
  it('refuses non-objects, unknown types, and missing or odd orders', () => {
    expect(parseHostRequest('paydesk.pay')).toMatchObject({ ok: false, code: 'bad-request' })
    expect(parseHostRequest(null)).toMatchObject({ ok: false, code: 'bad-request' })
    expect(parseHostRequest({ type: 'paydesk.charge', order: 'A' })).toMatchObject({ ok: false, code: 'bad-request' })
    expect(parseHostRequest({ type: 'paydesk.pay', amount: '1' })).toMatchObject({ ok: false, code: 'bad-order' })
    expect(parseHostRequest({ type: 'paydesk.pay', order: 'a\nb', amount: '1' })).toMatchObject({ ok: false, code: 'bad-order' })
    expect(parseHostRequest({ type: 'paydesk.pay', order: 'x'.repeat(65), amount: '1' })).toMatchObject({ ok: false, code: 'bad-order' })
    expect(parseHostRequest({ type: 'paydesk.pay', order: 'A', amount: '1', items: 'x'.repeat(30_000) })).toMatchObject({ ok: false, code: 'bad-request' })
  })
})

describe('URL', () => {
  it('reads #/pay and #/self; no amount means no host request', () => {
    expect(parseHostUrl('#/pay?amount=1500&order=A-7')).toEqual({ ok: true, value: { type: 'paydesk.pay', order: 'A-7', amount: 1500 } })
    expect(parseHostUrl('#/self?amount=99&order=B')).toMatchObject({ ok: true, value: { amount: 99 } })
    expect(parseHostUrl('#/self')).toEqual({ none: true })
    expect(parseHostUrl('#/journal')).toEqual({ none: true })
  })
  it.each(['0x10', '1e3', '-5', ''])('refuses amount=%s', (a) => {
    expect(parseHostUrl(`#/pay?amount=${encodeURIComponent(a)}&order=A`)).toMatchObject({ ok: false, code: 'bad-amount' })
  })
  it('keeps items that are not JSON as null (the engine refuses them)', () => {
    expect(parseHostUrl('#/pay?amount=1&order=A&items=%7B')).toMatchObject({ ok: true, value: { items: null } })
  })
  it('carries the sale’s currency, three capital letters, or refuses it', () => {
    expect(parseHostUrl('#/self?amount=1500000&order=A&currency=UZS')).toEqual({
      ok: true,
      value: { type: 'paydesk.pay', order: 'A', amount: 1500000, currency: 'UZS' },
    })
    expect(parseHostRequest({ type: 'paydesk.pay', order: 'A', amount: 1, currency: 'BYN' })).toMatchObject({ ok: true, value: { currency: 'BYN' } })
    for (const c of ['uzs', 'SUM1', '', 'сум'])
      expect(parseHostUrl(`#/pay?amount=1&order=A&currency=${encodeURIComponent(c)}`)).toMatchObject({ ok: false, code: 'bad-request' })
    expect(parseHostRequest({ type: 'paydesk.pay', order: 'A', amount: 1, currency: 860 })).toMatchObject({ ok: false, code: 'bad-request' })
  })
})

describe('results', () => {
  const op = {
    id: '01J',
    kind: 'pay',
    provider: 'clickpass',
    paymentTypeId: 'c',
    amount: 1500,
    currency: 'UZS',
    state: 'approved',
    createdAt: 1,
    updatedAt: 2,
    history: [],
    order: 'A',
    ref: '77',
    providerCode: 64,
  } as unknown as Operation
  it('one shape for every result, demo and repeated marked', () => {
    expect(resultMessage(op, { demo: true, repeated: true, requestId: 'r' })).toEqual({
      type: 'paydesk.result',
      protocol: 'paydesk/1',
      requestId: 'r',
      operationId: '01J',
      kind: 'pay',
      outcome: 'approved',
      order: 'A',
      amountMinor: 1500,
      currency: 'UZS',
      paymentId: '77',
      paymentProviderCode: 64,
      repeated: true,
      demo: true,
    })
    expect(resultMessage({ ...op, state: 'compensated' }).outcome).toBe('declined')
    expect(resultMessage({ ...op, state: 'needs-attention' }).outcome).toBe('unknown')
    expect('demo' in resultMessage(op)).toBe(false)
  })
  it('progress stages', () => {
    expect(progressStage({ ...op, state: 'created' })).toBe('waiting-scan')
    expect(progressStage({ ...op, state: 'sent', display: { kind: 'qr', payload: 'x', until: 1 } })).toBe('qr-shown')
    expect(progressStage({ ...op, state: 'sent', details: { method: 'sbp' } })).toBe('pinpad')
    expect(progressStage({ ...op, state: 'resolving' })).toBe('checking')
    expect(progressStage({ ...op, state: 'approved' })).toBeUndefined()
    expect(errorMessage('bad-amount', 'x', { order: 'A' })).toEqual({
      type: 'paydesk.error',
      protocol: 'paydesk/1',
      order: 'A',
      code: 'bad-amount',
      message: 'x',
    })
  })
})

describe('origins', () => {
  it('normalizes and refuses wildcards, paths and other schemes', () => {
    expect(normalizeOrigin('HTTPS://Shop.Example:8443/')).toBe('https://shop.example:8443')
    for (const bad of ['*', 'null', 'file:///x', 'https://a.example/path', 'javascript:alert(1)', 'https://u:p@a.example', 'a.example'])
      expect(normalizeOrigin(bad)).toBeUndefined()
    expect(parseOriginList('https://a.example, http://127.0.0.1:9000\nhttps://a.example')).toEqual({
      ok: true,
      origins: ['https://a.example', 'http://127.0.0.1:9000'],
    })
    expect(parseOriginList('https://a.example *')).toEqual({ ok: false, bad: '*' })
    expect(parseOriginList('')).toEqual({ ok: true, origins: [] })
  })
})
