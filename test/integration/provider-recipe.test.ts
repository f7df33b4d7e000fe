// The recipe for a new provider (docs/architecture.md § 10) is true: every real provider folder holds the files it
// lists, and a minimal provider folder made by the recipe alone (test/fixtures/provider-recipe/cashcard/) is found by
// folder the way the catalog and the messages find theirs, saved through Settings' API, offered by the till and
// paid through — with no list in src/ or the engine edited for it.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CATALOG, catalogOf, withSchemas } from '../../workers/providers/catalog.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import type { ConfigSchema } from '../../src/domain/config.ts'
import type { ProviderAbout, TillAbout } from '../../workers/providers/types.ts'
import { PROVIDER_MESSAGES_RU } from '../../workers/providers/messages/ru.ts'
import { PROVIDER_MESSAGES_UZ } from '../../workers/providers/messages/uz.ts'
import { PROVIDER_MESSAGES_EN } from '../../workers/providers/messages/en.ts'
import { cashcard } from '../fixtures/provider-recipe/cashcard/index.ts'
import { harness, type Harness } from '../support/engine.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const FIXTURE = join(ROOT, 'test', 'fixtures', 'provider-recipe', 'cashcard')
// Found by the catalog's and the messages' own patterns, applied to the fixture's folder.
const FIXTURE_ABOUTS = withSchemas(
  import.meta.glob<TillAbout>('../fixtures/provider-recipe/*/about.ts', { eager: true, import: 'ABOUT' }),
  import.meta.glob<ConfigSchema>('../fixtures/provider-recipe/*/about.ts', { eager: true, import: 'SCHEMA' }),
)
const FIXTURE_MESSAGES = {
  ru: import.meta.glob<Record<string, string>>('../fixtures/provider-recipe/*/messages.ru.ts', { eager: true, import: 'default' }),
  uz: import.meta.glob<Record<string, string>>('../fixtures/provider-recipe/*/messages.uz.ts', { eager: true, import: 'default' }),
  en: import.meta.glob<Record<string, string>>('../fixtures/provider-recipe/*/messages.en.ts', { eager: true, import: 'default' }),
}

/** The files step 1 of the recipe names in a provider's worker folder (`name.ts`, `messages.{ru,uz,en}.ts`). */
function recipeFiles(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')
  const section = doc.slice(doc.indexOf('## 10. Adding a provider'), doc.indexOf('## 11.'))
  const step1 = section.slice(section.indexOf('1. '), section.indexOf('\n2. '))
  const names = [...step1.matchAll(/`([\w.{},]+\.ts)`/g)].map((m) => m[1] ?? '')
  return names
    .filter((n) => !n.includes('/'))
    .flatMap((n) => {
      const m = /^(.*)\{([\w,]+)\}(.*)$/.exec(n)
      return m ? (m[2] ?? '').split(',').map((x) => `${m[1]}${x}${m[3]}`) : [n]
    })
}

const realFolders = () =>
  readdirSync(join(ROOT, 'workers', 'providers'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'common' && d.name !== 'messages')
    .map((d) => d.name)

describe('the recipe for a provider (docs/architecture.md § 10)', () => {
  it('names the worker folder’s files, and every provider folder and the fixture hold each of them', () => {
    const files = recipeFiles()
    expect(files).toEqual(
      expect.arrayContaining(['about.ts', 'config.ts', 'codec.ts', 'client.ts', 'index.ts', 'messages.ru.ts', 'messages.uz.ts', 'messages.en.ts']),
    )
    for (const folder of [...realFolders().map((f) => join(ROOT, 'workers', 'providers', f)), FIXTURE])
      for (const f of files) {
        // A provider may split its codec into a folder (Inpas: codec/).
        const there = existsSync(join(folder, f)) || (f === 'codec.ts' && existsSync(join(folder, 'codec')))
        expect(there, `${folder}/${f}`).toBe(true)
      }
  })

  it('the catalog is every folder with an about.ts, and the same pattern finds the fixture’s', () => {
    const withAbout = realFolders().filter((f) => existsSync(join(ROOT, 'workers', 'providers', f, 'about.ts')))
    expect(Object.keys(CATALOG).sort()).toEqual(withAbout.sort())
    const both = catalogOf([...Object.values(CATALOG), ...Object.values(FIXTURE_ABOUTS)])
    expect(both.cashcard?.title).toBe('CashCard (fixture)')
    expect(Object.keys(both)).toHaveLength(withAbout.length + 1)
  })

  it('each about’s texts exist in ru, uz and en: the real ones in messages/<lang>.ts, the fixture’s in its folder', () => {
    const real = { ru: PROVIDER_MESSAGES_RU, uz: PROVIDER_MESSAGES_UZ, en: PROVIDER_MESSAGES_EN }
    const keysOf = (a: ProviderAbout) => [
      a.scanHint,
      ...(a.device ? [a.device.title, ...a.device.choices.map((c) => c.label), ...Object.values(a.device.port).filter((v) => typeof v === 'string')] : []),
      ...(a.token ? [a.token.reset, a.token.confirm, ...Object.values(a.token.states)] : []),
    ]
    for (const lang of ['ru', 'uz', 'en'] as const) {
      for (const a of Object.values(CATALOG)) for (const k of keysOf(a)) expect(real[lang][k], `${lang} ${k}`).toBeTruthy()
      const fixture: Record<string, string> = Object.assign({}, ...Object.values(FIXTURE_MESSAGES[lang]))
      for (const a of Object.values(FIXTURE_ABOUTS)) for (const k of keysOf(a)) expect(fixture[k], `${lang} ${k}`).toBeTruthy()
    }
  })

  describe('the fixture provider, added with its one registry line', () => {
    let h: Harness
    afterEach(async () => h?.close())

    it('is saved through Settings, offered by the till, refuses a bad code and pays', async () => {
      h = await harness({ providers: [...PROVIDERS, cashcard] })
      // Settings: the schema's required fields are asked for, then saved.
      const incomplete = await h.engine.savePaymentType({ number: 9, name: 'CashCard', provider: 'cashcard', values: { url: 'https://cashcard.invalid' } })
      expect(incomplete.ok).toBe(true)
      const id = incomplete.ok ? incomplete.id : ''
      let view = (await h.engine.listPaymentTypes()).find((t) => t.id === id)
      expect(view?.enabled).toBe(false)
      expect(view?.missing).toEqual(['apiKey'])
      const saved = await h.engine.savePaymentType({
        id,
        number: 9,
        name: 'CashCard',
        provider: 'cashcard',
        values: { url: 'https://cashcard.invalid' },
        secrets: { apiKey: 'k-1' },
      })
      expect(saved.ok).toBe(true)
      // The till: offered, with its scan hint and pay mode.
      view = (await h.engine.listPaymentTypes()).find((t) => t.id === id)
      expect(view).toMatchObject({ enabled: true, provider: 'cashcard', payMode: 'customer-qr', scanHint: 'cashcard.scan', currency: 'UZS' })
      const bad = await h.engine.pay({ paymentTypeId: id, amount: 150000, code: 'abc' })
      expect(bad.ok ? undefined : bad.message.key).toBe('cashcard.badCode')
      const paid = await h.engine.pay({ paymentTypeId: id, amount: 150000, code: '123456789012' })
      expect(paid.ok).toBe(true)
      await h.engine.settled()
      const op = await h.op(paid.ok ? paid.op.id : '')
      expect(op.state).toBe('approved')
      expect(op.provider).toBe('cashcard')
    })
  })
})
