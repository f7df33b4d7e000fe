// A user-facing message as data: a catalogue key with parameters, or a server's own text
// shown as received with a key as the fallback (docs/rules.md R14). Rendering is the UI's job.

export interface Msg {
  key: string
  params?: Record<string, string | number>
  /** A provider's own text (Click `error_note` …), shown as received. */
  server?: string
  /** A provider's text in several languages (Payme `message.{ru,uz,en}`): the UI picks its own. */
  serverByLang?: Record<string, string>
}

export function msg(key: string, params?: Record<string, string | number>, server?: string): Msg {
  return { key, ...(params ? { params } : {}), ...(server ? { server } : {}) }
}
