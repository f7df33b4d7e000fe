// What the admin types to join a store is checked and normalised before anything is sent.
import { describe, expect, it } from 'vitest'
import { normalizeEnrolCode, normalizeStoreAddress } from '../../src/domain/store-link.ts'

describe('the store address', () => {
  it.each([
    ['https://store.example', 'https://store.example'],
    ['https://store.example/', 'https://store.example'],
    ['  http://127.0.0.1:8080/store/api/v1/ ', 'http://127.0.0.1:8080/store'],
    ['/store', 'https://till.example/store'],
  ])('%s → %s', (input, address) => {
    expect(normalizeStoreAddress(input, 'https://till.example')).toEqual({ ok: true, address })
  })

  it.each([
    '',
    'store.example',
    'ftp://store.example',
    'https://u:p@store.example',
    'https://store.example/?x=1',
    'https://store.example/#a',
    `https://${'a'.repeat(200)}.example`,
  ])('refuses %j with a message', (input) => {
    expect(normalizeStoreAddress(input, 'https://till.example')).toMatchObject({ ok: false, message: { key: 'store.badAddress' } })
  })
})

describe('the one-time code', () => {
  it('reads case, spaces and dashes away, O as 0 and I, L as 1', () => {
    expect(normalizeEnrolCode(' abcd-efgh o1 ')).toEqual({ ok: true, code: 'ABCDEFGH01' })
    expect(normalizeEnrolCode('abcde-fghjk')).toEqual({ ok: true, code: 'ABCDEFGHJK' })
    expect(normalizeEnrolCode('0o1il 23456')).toEqual({ ok: true, code: '0011123456' })
  })

  it.each(['', 'ABCDEFGHJ', 'ABCDEFGHJKM', 'ABCDEFGHJU', 'ABCDE*GHJK'])('refuses %j', (input) => {
    expect(normalizeEnrolCode(input)).toMatchObject({ ok: false, message: { key: 'store.badCode', params: { length: 10 } } })
  })
})
