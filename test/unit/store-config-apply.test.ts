// What a pulled store config changes on the till: the store's types marked managed with their version,
// the till's own fields and local types kept, a url move with the held secret refused, and nothing applied while
// an operation of a changed type is open.
import { describe, expect, it } from 'vitest'
import { planStoreConfig, type TillType } from '../../src/domain/store-config-apply.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'
import { OPLATI_SCHEMA } from '../../workers/providers/oplati/config.ts'
import type { ConfigValues } from '../../src/domain/config.ts'

const schemaOf = (p: string) => (p === 'clickpass' ? CLICKPASS_SCHEMA : p === 'oplati' ? OPLATI_SCHEMA : undefined)
const local: TillType = { id: 'mine', number: 9, name: 'Local Click', provider: 'clickpass', values: { url: 'https://a' } }
const click = (values: ConfigValues, extra: Record<string, unknown> = {}) => ({
  id: 'st_1',
  number: 1,
  name: 'Click',
  provider: 'clickpass',
  values,
  ...extra,
})
const base = { appliedVersion: null, openTypes: new Set<string>(), schemaOf, now: 1_000 }

describe('planStoreConfig', () => {
  it('adds the store’s types, marked with the version, beside the till’s local ones, with their secrets', () => {
    const plan = planStoreConfig({
      ...base,
      current: [local],
      secrets: {},
      pulled: { version: 3, paymentTypes: [click({ url: 'https://api.click.uz', timeout: 20 })], secrets: { st_1: { secretKey: 'K' } } },
    })
    expect(plan).toMatchObject({ kind: 'apply', version: 3, changed: ['st_1'], putSecrets: { 'st_1:secretKey': 'K' }, refused: [] })
    if (plan.kind !== 'apply') return
    expect(plan.types.map((t) => [t.id, t.managed?.version])).toEqual([
      ['st_1', 3],
      ['mine', undefined],
    ])
  })

  it('a store type with the number of a local type adopts it: the local one is archived, never two of one number', () => {
    const demo: TillType = { id: 'clickpass-1', number: 1, name: 'ClickPass', provider: 'clickpass', values: { url: 'https://a' } }
    const other: TillType = { ...local, number: 2 }
    const pulled = { version: 3, paymentTypes: [click({ url: 'https://api.click.uz' })], secrets: {} }
    const plan = planStoreConfig({ ...base, current: [demo, other], secrets: {}, pulled })
    expect(plan).toMatchObject({ kind: 'apply', changed: ['st_1'], adopted: ['clickpass-1'] })
    if (plan.kind !== 'apply') return
    expect(plan.types.filter((t) => t.archived === undefined).map((t) => [t.id, t.number])).toEqual([
      ['st_1', 1],
      ['mine', 2],
    ])
    expect(plan.types.find((t) => t.id === 'clickpass-1')?.archived).toBe(1_000)
    // An open operation of the local type waits for it to end first.
    expect(planStoreConfig({ ...base, current: [demo], secrets: {}, pulled, openTypes: new Set(['clickpass-1']) })).toEqual({
      kind: 'wait',
      busy: ['clickpass-1'],
    })
  })

  it('a store type adopting a local type of the same provider keeps that type’s per-till values (an uploaded type)', () => {
    const own: TillType = { id: 'clickpass-1', number: 1, name: 'ClickPass', provider: 'clickpass', values: { url: 'https://a', cashboxCode: 'KASSA-1' } }
    const pulled = { version: 4, paymentTypes: [click({ url: 'https://a', timeout: 12 })], secrets: {} }
    const plan = planStoreConfig({ ...base, current: [own], secrets: {}, pulled })
    expect(plan).toMatchObject({ kind: 'apply', adopted: ['clickpass-1'] })
    if (plan.kind !== 'apply') return
    expect(plan.types.find((t) => t.id === 'st_1')?.values).toMatchObject({ cashboxCode: 'KASSA-1', timeout: 12 })
    // Another provider's type of that number gives nothing of its own.
    const oplati: TillType = { ...own, provider: 'oplati', values: { regNum: 'R1' } }
    const other = planStoreConfig({ ...base, current: [oplati], secrets: {}, pulled })
    if (other.kind !== 'apply') throw new Error(other.kind)
    expect(other.types.find((t) => t.id === 'st_1')?.values).not.toHaveProperty('regNum')
  })

  it('the same version is nothing to do; per-till fields stay the till’s', () => {
    const held: TillType = { ...click({ url: 'https://api.click.uz', timeout: 20, cashboxCode: 'K7' }), managed: { version: 3 } }
    expect(planStoreConfig({ ...base, appliedVersion: 3, current: [held], secrets: {}, pulled: { version: 3, paymentTypes: [], secrets: {} } })).toEqual({
      kind: 'same',
    })
    const plan = planStoreConfig({
      ...base,
      appliedVersion: 3,
      current: [held],
      secrets: { st_1: { secretKey: 'K' } },
      pulled: { version: 4, paymentTypes: [click({ url: 'https://api.click.uz', timeout: 25 })], secrets: { st_1: { secretKey: 'K' } } },
    })
    expect(plan.kind === 'apply' && plan.types[0]!.values).toEqual({ url: 'https://api.click.uz', timeout: 25, cashboxCode: 'K7' })
    expect(plan.kind === 'apply' && plan.putSecrets).toEqual({})
  })

  it('waits while an operation of a changed type is open; an unchanged type does not hold it up', () => {
    const held: TillType = { ...click({ url: 'https://api.click.uz', timeout: 20 }), managed: { version: 3 } }
    const pulled = { version: 4, paymentTypes: [click({ url: 'https://api.click.uz', timeout: 25 })], secrets: {} }
    expect(planStoreConfig({ ...base, appliedVersion: 3, current: [held], secrets: {}, pulled, openTypes: new Set(['st_1']) })).toEqual({
      kind: 'wait',
      busy: ['st_1'],
    })
    const same = { version: 4, paymentTypes: [click({ url: 'https://api.click.uz', timeout: 20 })], secrets: {} }
    expect(planStoreConfig({ ...base, appliedVersion: 3, current: [held], secrets: {}, pulled: same, openTypes: new Set(['st_1']) }).kind).toBe('apply')
  })

  it('refuses a url moved to another host with the secret the till holds; keeps the type as it was', () => {
    const held: TillType = { ...click({ url: 'https://api.click.uz' }), managed: { version: 3 } }
    const plan = planStoreConfig({
      ...base,
      appliedVersion: 3,
      current: [held],
      secrets: { st_1: { secretKey: 'K' } },
      pulled: { version: 4, paymentTypes: [click({ url: 'https://evil.example' })], secrets: { st_1: { secretKey: 'K' } } },
    })
    expect(plan).toMatchObject({ kind: 'apply', refused: [{ id: 'st_1', reason: 'url' }] })
    expect(plan.kind === 'apply' && plan.types[0]).toEqual(held)
  })

  it('a type no longer assigned goes, with its secrets; an unknown provider or a malformed entry is refused', () => {
    const held: TillType = { ...click({ url: 'https://api.click.uz' }), managed: { version: 3 } }
    const plan = planStoreConfig({
      ...base,
      appliedVersion: 3,
      current: [held, local],
      secrets: { st_1: { secretKey: 'K' } },
      pulled: { version: 5, paymentTypes: [{ id: 'x', number: 2, name: 'X', provider: 'nope', values: {} }, { id: 'y' }], secrets: {} },
    })
    expect(plan).toMatchObject({ kind: 'apply', removed: ['st_1'], deleteSecrets: ['st_1:secretKey'] })
    expect(plan.kind === 'apply' && plan.refused).toEqual([
      { id: 'x', reason: 'provider' },
      { id: 'y', reason: 'shape' },
    ])
    expect(plan.kind === 'apply' && plan.types.map((t) => t.id)).toEqual(['mine'])
  })
})
