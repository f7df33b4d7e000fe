// The till listens to its store's events (GET /api/v1/events, server-sent events over fetch, because an
// EventSource cannot send the bearer token): `config` makes it pull the new configuration at once, `revoked` stops
// it, `resync` pushes. An open stream is also what the console shows as "online". The caller reconnects.
export interface StoreEventHandlers {
  config(version: number | undefined): void
  revoked(): void
  resync?(): void
}

/** Split an SSE text stream into events (`event:` and `data:` lines, a blank line ends one). Comments are heartbeats. */
export function sseParser(on: (event: string, data: string) => void) {
  let buf = ''
  let event = 'message'
  let data: string[] = []
  return (chunk: string) => {
    buf += chunk
    let i: number
    while ((i = buf.search(/\r?\n/)) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + (buf[i] === '\r' ? 2 : 1))
      if (line === '') {
        if (data.length) on(event, data.join('\n'))
        event = 'message'
        data = []
      } else if (line.startsWith(':')) continue
      else if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
      if (buf.length > 64 * 1024) buf = ''
    }
  }
}

/** One connection: resolves when the stream ends, fails or is aborted; `'revoked'` when the store refused the token. */
export async function listenStoreEvents(d: {
  fetch: typeof fetch
  address: string
  token: string
  signal: AbortSignal
  on: StoreEventHandlers
}): Promise<'ended' | 'revoked' | 'failed'> {
  let res: Response
  try {
    res = await d.fetch(`${d.address}/api/v1/events`, {
      headers: { authorization: `Bearer ${d.token}`, accept: 'text/event-stream' },
      credentials: 'omit',
      cache: 'no-store',
      signal: d.signal,
    })
  } catch {
    return 'failed'
  }
  if (res.status === 401 || res.status === 403) {
    d.on.revoked()
    return 'revoked'
  }
  if (res.status !== 200 || !res.body) return 'failed'
  const feed = sseParser((event, data) => {
    if (event === 'config') {
      let version: number | undefined
      try {
        const v = (JSON.parse(data) as { version?: unknown }).version
        version = typeof v === 'number' ? v : undefined
      } catch {
        version = undefined
      }
      d.on.config(version)
    } else if (event === 'revoked') d.on.revoked()
    else if (event === 'resync') d.on.resync?.()
  })
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return 'ended'
      feed(value)
    }
  } catch {
    return d.signal.aborted ? 'ended' : 'failed'
  } finally {
    reader.releaseLock()
  }
}
