// A user-facing message as data: a catalogue key with parameters, or a server's own text
// shown as received with a key as the fallback (docs/rules.md R14). Rendering is the UI's job.

export interface Msg {
  key: string
  params?: Record<string, string | number>
  /** A provider's own text (Click `error_note` …), shown as received. */
  server?: string
  /** The one language `server` is written in (Click writes Russian): in another language the key's text shows. */
  serverLang?: string
  /** A provider's text in several languages (Payme `message.{ru,uz,en}`): the UI picks its own. */
  serverByLang?: Record<string, string>
}

/** A processor's own text is kept and shown at most this long (a 200 KB `error_note`). */
export const SERVER_TEXT_MAX = 500

export function msg(key: string, params?: Record<string, string | number>, server?: string): Msg {
  const text = server && server.length > SERVER_TEXT_MAX ? `${server.slice(0, SERVER_TEXT_MAX)}…` : server
  return { key, ...(params ? { params } : {}), ...(text ? { server: text } : {}) }
}
