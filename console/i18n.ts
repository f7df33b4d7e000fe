// The console's words: its own catalogue over the till's (the schema, journal and report words are the till's, so a
// field or a state reads the same on both). Russian, Uzbek and English, like the till.
import { i18n } from '../src/i18n/i18n.svelte.ts'
import type { Msg } from '../src/domain/messages.ts'
import { consoleRu } from './messages/ru.ts'
import { consoleUz } from './messages/uz.ts'
import { consoleEn } from './messages/en.ts'

const CATALOGUES: Record<string, Record<string, string>> = { ru: consoleRu, uz: consoleUz, en: consoleEn }

export function t(key: string, params?: Record<string, string | number>): string {
  const own = CATALOGUES[i18n.locale]?.[key] ?? consoleRu[key]
  if (own === undefined) return i18n.t(key, params)
  return params ? own.replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`)) : own
}

export function m(message: Msg | undefined): string {
  if (!message) return ''
  if (message.server) return message.server
  return t(message.key, message.params)
}

export { i18n }
