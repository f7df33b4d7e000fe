// The first load has the sale screen's Russian only (src/i18n/ru-till.ts); the rest of the language loads with
// `complete()`, and a switch of language waits for the new language's whole catalogue: no key, no half a language.
import { expect, it, vi } from 'vitest'
import { i18n } from '../../src/i18n/i18n.svelte.ts'
import { ruTill } from '../../src/i18n/ru-till.ts'
import { ru } from '../../src/i18n/ru.ts'
import { uz } from '../../src/i18n/uz.ts'

it('the sale screen speaks at once; the rest of Russian arrives with complete(); a switch waits for its language', async () => {
  expect(i18n.locale).toBe('ru')
  expect(i18n.t('sale.payButton')).toBe(ruTill['sale.payButton'])
  expect('settings.title' in ruTill).toBe(false)
  await i18n.complete()
  expect(i18n.t('settings.title')).toBe(ru['settings.title'])

  // What the switch writes: the choice, and the page's lang once applied.
  const stored = new Map<string, string>()
  vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) })
  vi.stubGlobal('document', { documentElement: { lang: 'ru' } })
  i18n.locale = 'uz'
  expect(stored.get('paydesk.locale')).toBe('uz')
  // Until Uzbek is here the screen stays Russian, whole.
  expect(i18n.locale).toBe('ru')
  expect(i18n.t('settings.title')).toBe(ru['settings.title'])
  await expect.poll(() => i18n.locale).toBe('uz')
  expect(i18n.t('settings.title')).toBe(uz['settings.title'])
  expect(i18n.t('sale.payButton')).toBe(uz['sale.payButton'])
  expect(document.documentElement.lang).toBe('uz')
  vi.unstubAllGlobals()
})
