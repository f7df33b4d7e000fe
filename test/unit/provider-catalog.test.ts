// A provider is one folder: the page finds its title, settings schema, scan hint and messages in that
// folder, with no list of providers to edit outside it but the registry line.
import { describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { CATALOG } from '../../workers/providers/catalog.ts'
import { PROVIDER_MESSAGES_RU } from '../../workers/providers/messages/ru.ts'
import { PROVIDER_MESSAGES_UZ } from '../../workers/providers/messages/uz.ts'
import { PROVIDER_MESSAGES_EN } from '../../workers/providers/messages/en.ts'
import { ru } from '../../src/i18n/ru.ts'

describe('the provider catalogue, found by folder', () => {
  it('every registered provider has its about.ts: the same schema and scan hint the worker uses', () => {
    expect(Object.keys(CATALOG).sort()).toEqual(PROVIDERS.map((p) => p.id).sort())
    for (const p of PROVIDERS) {
      expect(CATALOG[p.id]!.schema, p.id).toBe(p.schema)
      expect(CATALOG[p.id]!.scanHint, p.id).toBe(p.scanHint)
      expect(CATALOG[p.id]!.title, p.id).toContain(p.title.split(' ')[0]!)
    }
  })

  it('each provider brings its own messages, in all three languages, into the app catalogue', () => {
    for (const p of PROVIDERS) {
      const prefix = p.scanHint.split('.')[0]!
      const own = Object.keys(PROVIDER_MESSAGES_RU).filter((k) => k.startsWith(`${prefix}.`))
      expect(own.length, p.id).toBeGreaterThan(3)
      for (const k of own) {
        expect(PROVIDER_MESSAGES_UZ[k], `${k} uz`).toBeTruthy()
        expect(PROVIDER_MESSAGES_EN[k], `${k} en`).toBeTruthy()
        expect((ru as Record<string, string>)[k], `${k} in the app catalogue`).toBe(PROVIDER_MESSAGES_RU[k])
      }
      expect(PROVIDER_MESSAGES_RU[p.scanHint], p.id).toBeTruthy()
    }
  })
})

describe('what a customer reads and what a provider takes, from about.ts', () => {
  it('a tile names the app the customer knows; two types of one app keep their own names; no app name keeps the type’s', async () => {
    const { appNameOf } = await import('../../src/app/flows/app-name.ts')
    const click = { id: 'c1', name: 'ClickPass', provider: 'clickpass' }
    const inpas = { id: 'i1', name: 'Карта или СБП', provider: 'inpas-sbp' }
    expect(appNameOf(click, [click, inpas])).toBe('Click')
    expect(appNameOf(inpas, [click, inpas])).toBe('Карта или СБП')
    const click2 = { id: 'c2', name: 'ClickPass 2', provider: 'clickpass' }
    expect(appNameOf(click2, [click, click2])).toBe('ClickPass 2')
  })

  it('a declared maximum is a positive amount in minor units no larger than the till’s own cap', async () => {
    const { MAX_MINOR } = await import('../../src/domain/money.ts')
    for (const a of Object.values(CATALOG))
      if (a.maxAmount !== undefined) expect(Number.isSafeInteger(a.maxAmount) && a.maxAmount > 0 && a.maxAmount <= MAX_MINOR, a.id).toBe(true)
    expect(CATALOG.clickpass?.maxAmount).toBe(10_000_000_000)
  })
})
