// The cashier's language: ru (default), uz, en. `t` reads the reactive locale, so every
// screen re-renders when it changes. Intl formats money and dates for the locale.
import type { MessageKey } from './ru.ts'
import { ruTill } from './ru-till.ts'
import type { Msg } from '../domain/messages.ts'
import { currencyLabel, formatMoney } from '../domain/money.ts'
import { dateTimeFormat, intlTag } from './formats.ts'
import { untrack } from 'svelte'

export const LOCALES = ['ru', 'uz', 'en'] as const
export type Locale = (typeof LOCALES)[number]
/**
 * What the till's sale screen says in Russian is built in (the default and the fallback); the rest of Russian
 * (`complete()`: once the till is up, and before another screen opens) and the other languages load when needed,
 * to keep the first load small.
 */
let RU: Record<string, string> = ruTill
const CATALOGUES: Partial<Record<Locale, Record<MessageKey, string>>> = {}
const LOADERS: Record<Locale, () => Promise<Record<MessageKey, string>>> = {
  ru: () => import('./ru.ts').then((m) => m.ru),
  uz: () => import('./uz.ts').then((m) => m.uz),
  en: () => import('./en.ts').then((m) => m.en),
}
const loading: Partial<Record<Locale, Promise<void>>> = {}
const STORAGE_KEY = 'paydesk.locale'

function initial(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return (LOCALES as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'ru'
}

class I18n {
  #locale = $state<Locale>(initial())
  /** Bumped when a catalogue arrives, so every `t` re-renders. */
  #loaded = $state(0)
  #switching = 0

  get locale(): Locale {
    return this.#locale
  }

  /**
   * Switch once the language's whole catalogue is here (at once when it is): the screen never shows a key or
   * half a language in between. The last choice wins.
   */
  set locale(l: Locale) {
    localStorage.setItem(STORAGE_KEY, l)
    const n = ++this.#switching
    const apply = () => {
      if (n !== this.#switching) return
      this.#locale = l
      document.documentElement.lang = l
    }
    if (CATALOGUES[l]) apply()
    else
      void this.#load(l)
        .catch(() => undefined)
        .then(apply)
  }

  /** Load the chosen catalogue (the app awaits it before the first render; Russian's sale screen is built in). */
  ready(): Promise<void> {
    return this.#locale === 'ru' ? Promise.resolve() : this.#load(this.#locale)
  }

  /**
   * Load the whole chosen catalogue: every screen but the sale screen awaits it before it renders. Untracked: a
   * screen's `{#await}` that calls it must not start again (and lose its state) when the language changes.
   */
  complete(): Promise<void> {
    return this.#load(untrack(() => this.#locale))
  }

  #load(l: Locale): Promise<void> {
    loading[l] ??= LOADERS[l]().then(
      (cat) => {
        CATALOGUES[l] = cat
        if (l === 'ru') RU = cat
        this.#loaded++
      },
      (e: unknown) => {
        delete loading[l]
        throw e
      },
    )
    return loading[l]
  }

  t = (key: string, params?: Record<string, string | number>): string => {
    void this.#loaded
    const text = (CATALOGUES[this.#locale] as Record<string, string> | undefined)?.[key] ?? RU[key] ?? key
    // `{rest:money}`: a parameter in minor units, written as money in the `currency` parameter («25 000 сум»).
    return params
      ? text.replace(/\{(\w+)(:money)?\}/g, (_, p: string, money?: string) =>
          money && typeof params[p] === 'number' ? this.money(params[p], String(params.currency ?? '')) : String(params[p] ?? `{${p}}`),
        )
      : text
  }

  /** A message as data: a provider's own text as received, else the catalogue (docs/rules.md R14). */
  m = (message: Msg | undefined): string => {
    if (!message) return ''
    const byLang = message.serverByLang
    if (message.server && message.serverLang && message.serverLang !== this.#locale) return this.t(message.key, message.params)
    return (byLang && (byLang[this.#locale] ?? byLang.ru)) ?? message.server ?? this.t(message.key, message.params)
  }

  money = (minor: number, currency: string): string => formatMoney(minor, currency, intlTag(this.#locale), this.#locale)

  /** The currency's label in the screen's language («сум»), as `money` writes it after the amount. */
  currency = (code: string): string => currencyLabel(code, this.#locale)

  dateTime = (ms: number): string => dateTimeFormat(intlTag(this.#locale)).format(new Date(ms))
}

export const i18n = new I18n()
