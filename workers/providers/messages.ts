// The providers' own messages (ru/uz/en), merged into the app catalogues (src/i18n): one line per provider that
// keeps its messages in its folder. Text only — no provider code, so the page's first load stays small.
import { INPAS_MESSAGES } from './inpas-sbp/messages.ts'

export type ProviderLocale = 'ru' | 'uz' | 'en'

const ALL = { ...INPAS_MESSAGES } satisfies Record<string, Record<ProviderLocale, string>>

export type ProviderMessageKey = keyof typeof ALL

/** Every provider message in one language, keyed like the catalogues. */
export function providerMessages(locale: ProviderLocale): Record<ProviderMessageKey, string> {
  return Object.fromEntries(Object.entries(ALL).map(([k, v]) => [k, v[locale]])) as Record<ProviderMessageKey, string>
}
