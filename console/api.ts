// The console's calls to the store server's admin API: same origin, the session in an HttpOnly cookie the page
// never sees, JSON both ways. A refusal carries a message as data (a catalogue key) and, for a form, its field errors.
import type { Msg } from '../src/domain/messages.ts'
import type { FieldError } from '../src/domain/config.ts'

/** The API root, on the console's own origin. */
export const API = '/api/v1'

export type Reply<T> = { ok: true; data: T } | { ok: false; status: number; message: Msg; errors?: FieldError[] }

export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Reply<T>> {
  let res: Response
  try {
    res = await fetch(`${API}${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    return { ok: false, status: 0, message: { key: 'console.offline' } }
  }
  const text = await res.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = undefined
  }
  if (res.ok) return { ok: true, data: data as T }
  const d = (data ?? {}) as { error?: Msg; errors?: FieldError[] }
  return {
    ok: false,
    status: res.status,
    message: d.error ?? { key: 'console.httpError', params: { status: res.status } },
    ...(d.errors ? { errors: d.errors } : {}),
  }
}

/** Save text as a file through a temporary object URL. */
export function download(name: string, text: string, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob(['\ufeff' + text], { type: `${type};charset=utf-8` }))
  const a = Object.assign(document.createElement('a'), { href: url, download: name })
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
