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
