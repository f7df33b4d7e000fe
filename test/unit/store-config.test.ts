// Payment types configured in the store's console on the till's own schemas; per-till fields stay on the
// till; a pushed config never moves a `url` to another host with the old secret; a till's line in the console.
import { describe, expect, it } from 'vitest'
import {
  mergeManaged,
  parseSecrets,
  parseTypeEdit,
  pushedTypeSafe,
  storeMissing,
  storeValues,
  tagMatches,
  tillView,
  urlMoveError,
} from '../../src/domain/store-config.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'
import { OPLATI_SCHEMA } from '../../workers/providers/oplati/config.ts'
import { CATALOG } from '../../workers/providers/catalog.ts'

describe('parseTypeEdit', () => {
  it('parses a ClickPass edit with the till’s own rules', () => {
    const r = parseTypeEdit(CLICKPASS_SCHEMA, { name: 'Click', number: 1, values: { timeout: '25', url: 'https://api.click.uz/v2', serviceId: 7 } })
    expect(r).toEqual({ ok: true, edit: { name: 'Click', number: 1, values: { timeout: 25, url: 'https://api.click.uz/v2', serviceId: 7 } } })
  })

  it('refuses out-of-range values, unknown fields, per-till fields and secrets sent as values, naming each', () => {
    const r = parseTypeEdit(CLICKPASS_SCHEMA, { name: '', number: -1, values: { timeout: '0', bogus: 1, cashboxCode: 'K1', secretKey: 's' } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map((e) => [e.field, e.message.key])).toEqual([
      ['name', 'console.pt.badName'],
      ['number', 'console.pt.badNumber'],
      ['timeout', 'config.outOfRange'],
      ['bogus', 'console.pt.unknownField'],
      ['cashboxCode', 'console.pt.perTillField'],
      ['secretKey', 'console.pt.secretAsValue'],
    ])
  })

  it('every provider schema in the catalogue goes through the same parser (one schema source)', () => {
    for (const about of Object.values(CATALOG)) {
      const r = parseTypeEdit(about.schema, { name: about.title.slice(0, 60), number: 1, values: {} })
      expect(r.ok, about.id).toBe(true)
    }
  })
})

describe('parseSecrets', () => {
  it('takes only the schema’s store secrets, non-empty', () => {
    expect(parseSecrets(CLICKPASS_SCHEMA, { secretKey: ' k ' })).toEqual({ ok: true, secrets: { secretKey: 'k' } })
    const bad = parseSecrets(CLICKPASS_SCHEMA, { secretKey: '', timeout: 'x' })
    expect(bad.ok).toBe(false)
    expect(parseSecrets(CLICKPASS_SCHEMA, 'x').ok).toBe(false)
  })
})

describe('url moves', () => {
  it('a url to another host needs every held secret entered anew', () => {
    const before = { url: 'https://api.click.uz' }
    expect(urlMoveError(CLICKPASS_SCHEMA, before, { url: 'https://api.click.uz/v2' }, ['secretKey'], [])).toBeUndefined()
    expect(urlMoveError(CLICKPASS_SCHEMA, before, { url: 'https://evil.example' }, ['secretKey'], [])?.message.key).toBe('console.pt.urlMove')
    expect(urlMoveError(CLICKPASS_SCHEMA, before, { url: 'https://evil.example' }, ['secretKey'], ['secretKey'])).toBeUndefined()
    expect(urlMoveError(CLICKPASS_SCHEMA, before, { url: 'https://evil.example' }, [], [])).toBeUndefined()
  })

  it('the till refuses a pushed url move that keeps the secret it holds, and any per-till field', () => {
    const held = { values: { url: 'https://api.click.uz' }, secrets: { secretKey: 'old' } }
    expect(pushedTypeSafe(CLICKPASS_SCHEMA, held, { values: { url: 'https://evil.example' }, secrets: { secretKey: 'old' } })).toBe(false)
    expect(pushedTypeSafe(CLICKPASS_SCHEMA, held, { values: { url: 'https://evil.example' }, secrets: { secretKey: 'new' } })).toBe(true)
    expect(pushedTypeSafe(CLICKPASS_SCHEMA, held, { values: { url: 'https://api.click.uz', timeout: 30 }, secrets: { secretKey: 'old' } })).toBe(true)
    expect(pushedTypeSafe(CLICKPASS_SCHEMA, held, { values: { url: 'https://api.click.uz', cashboxCode: 'X' }, secrets: {} })).toBe(false)
  })
})

describe('store and till values', () => {
  it('the store’s part drops per-till fields and secrets; the till keeps its own over the store’s', () => {
    expect(storeValues(OPLATI_SCHEMA, { url: 'https://o', regNum: 'R1', timeout: 5 })).toEqual({ url: 'https://o', timeout: 5 })
    expect(mergeManaged(OPLATI_SCHEMA, { regNum: 'R1', timeout: 99 }, { timeout: 5, regNum: 'X' })).toEqual({ timeout: 5, regNum: 'R1' })
    expect(storeMissing(OPLATI_SCHEMA, { url: 'https://o' }, new Set())).not.toContain('regNum')
  })

  it('If-None-Match by version', () => {
    expect(tagMatches('"12"', 12)).toBe(true)
    expect(tagMatches('W/"11", "12"', 12)).toBe(true)
    expect(tagMatches('"11"', 12)).toBe(false)
    expect(tagMatches(null, 12)).toBe(false)
  })
})

describe('tillView', () => {
  const NOW = 1_000_000_000
  const ctx = { now: NOW, streamOpen: false, configVersion: 3, appVersion: '0.1.0' }
  it('online by stream or seen in the last 90 s; a revoked till is never online', () => {
    expect(tillView({ lastSeenAt: NOW - 89_000 }, ctx).online).toBe(true)
    expect(tillView({ lastSeenAt: NOW - 91_000 }, ctx).online).toBe(false)
    expect(tillView({ lastSeenAt: NOW - 91_000 }, { ...ctx, streamOpen: true }).online).toBe(true)
    expect(tillView({ lastSeenAt: NOW, revokedAt: NOW }, ctx).online).toBe(false)
  })
  it('outbox red past an hour, clock skew, versions behind', () => {
    const v = tillView(
      {
        lastPushAt: NOW,
        receivedAt: NOW,
        status: {
          outbox: 3,
          oldestUnsyncedAt: NOW - 3_700_000 + 5000,
          now: NOW + 5000,
          queue: 0,
          open: 0,
          attention: 0,
          configVersion: 2,
          appVersion: '0.1.0',
        },
      },
      ctx,
    )
    expect(v).toMatchObject({ outboxRed: true, oldestAgeMs: 3_700_000, skewMs: 5000, configBehind: true, appBehind: false })
    expect(tillView({ status: { outbox: 0, queue: 0, open: 0, attention: 0 } }, ctx).outboxRed).toBe(false)
  })
})

describe('one schema source', () => {
  it('the server knows every provider the page finds by folder, with the same schema objects', async () => {
    const { PROVIDER_SCHEMAS } = await import('../../server/admin/schemas.ts')
    expect(Object.keys(PROVIDER_SCHEMAS).sort()).toEqual(Object.keys(CATALOG).sort())
    for (const [id, about] of Object.entries(CATALOG)) expect(PROVIDER_SCHEMAS[id]!.schema).toBe(about.schema)
  })
})
