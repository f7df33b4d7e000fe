// The shared reply classification (docs/rules.md R3), one test per row of its table, plus 401/403:
// what the transport got and what the provider's parser read → definitive, pending, refusal or unknown.
import { describe, expect, it } from 'vitest'
import { classify, type Parsed, type Received } from '../../workers/providers/common/reply.ts'

// A provider's parser in miniature: `{"state":"paid"|"declined"}` is final, `{"state":"processing"}` is pending,
// `{"error":N}` is a business error, and anything else (not JSON, or no `state`) is malformed.
type Body = { state?: string; error?: number }
function parse(text: string): Parsed<Body> {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch {
    return { kind: 'malformed', why: 'not JSON' }
  }
  if (typeof o !== 'object' || o === null) return { kind: 'malformed', why: 'not an object' }
  const b = o as Body
  if (typeof b.error === 'number') return { kind: 'error', value: b }
  if (b.state === 'processing') return { kind: 'pending', value: b }
  if (b.state === 'paid' || b.state === 'declined') return { kind: 'final', value: b }
  return { kind: 'malformed', why: 'no state' }
}

const reply = (status: number, text: string): Received => ({ kind: 'response', status, text })
const run = (got: Received) => classify(got, parse, { route: 'pay' })

describe('docs/rules.md R3: classifying a reply', () => {
  it('2xx, body parses, final result → definitive (approved or declined)', () => {
    expect(run(reply(200, '{"state":"paid"}'))).toEqual({ kind: 'definitive', status: 200, value: { state: 'paid' } })
    expect(run(reply(201, '{"state":"declined"}'))).toEqual({ kind: 'definitive', status: 201, value: { state: 'declined' } })
  })

  it('2xx, body parses, in progress → pending', () => {
    expect(run(reply(200, '{"state":"processing"}'))).toEqual({ kind: 'pending', status: 200, value: { state: 'processing' } })
  })

  it('2xx or 4xx, body parses, business error → refusal carrying the provider error', () => {
    expect(run(reply(200, '{"error":-31}'))).toMatchObject({ kind: 'refusal', status: 200, value: { error: -31 }, auth: false })
    expect(run(reply(400, '{"error":-9010}'))).toMatchObject({ kind: 'refusal', status: 400, value: { error: -9010 }, auth: false })
  })

  it('4xx, body does not parse → refusal whose message names the HTTP status', () => {
    const r = run(reply(404, '<html>Not Found</html>'))
    expect(r).toEqual({ kind: 'refusal', status: 404, auth: false, message: { key: 'common.httpStatus', params: { status: 404 } } })
    expect(run(reply(422, '{"unexpected":true}'))).toMatchObject({
      kind: 'refusal',
      status: 422,
      message: { key: 'common.httpStatus', params: { status: 422 } },
    })
  })

  it('5xx, any body → unknown (even one that parses as a result or an error)', () => {
    expect(run(reply(500, 'Internal Server Error'))).toEqual({ kind: 'unknown', reason: 'pay: HTTP 500', status: 500 })
    expect(run(reply(502, '{"state":"paid"}'))).toMatchObject({ kind: 'unknown', reason: 'pay: HTTP 502' })
    expect(run(reply(503, '{"error":-1}'))).toMatchObject({ kind: 'unknown', reason: 'pay: HTTP 503' })
  })

  it('2xx, body does not parse or required fields missing → unknown', () => {
    expect(run(reply(200, '{"state":"pa'))).toEqual({ kind: 'unknown', reason: 'pay: malformed reply (not JSON)', status: 200 })
    expect(run(reply(200, '{"amount":5}'))).toEqual({ kind: 'unknown', reason: 'pay: malformed reply (no state)', status: 200 })
  })

  it('network error, connection reset, abort by timeout → unknown', () => {
    expect(run({ kind: 'failed', reason: 'network', detail: 'TypeError: Failed to fetch' })).toEqual({ kind: 'unknown', reason: 'pay: network' })
    expect(run({ kind: 'failed', reason: 'timeout', detail: 'no reply in 15000 ms' })).toEqual({ kind: 'unknown', reason: 'pay: timeout' })
  })

  it('401 and 403 are definitive refusals that also tell the admin to check the credentials', () => {
    for (const status of [401, 403]) {
      expect(run(reply(status, 'Unauthorized'))).toEqual({ kind: 'refusal', status, auth: true, message: { key: 'common.authHttp', params: { status } } })
      // With a parsed business error the refusal still says it is about the credentials.
      expect(run(reply(status, '{"error":-9001}'))).toMatchObject({ kind: 'refusal', status, auth: true, value: { error: -9001 } })
    }
    // A provider may word it its own way (ClickPass also names the device clock).
    const own = classify(reply(401, ''), parse, { route: 'pay', authMessage: (status) => ({ key: 'clickpass.authHttp', params: { status } }) })
    expect(own).toMatchObject({ kind: 'refusal', auth: true, message: { key: 'clickpass.authHttp', params: { status: 401 } } })
  })

  it('the parser sees the status, so a provider may read error bodies differently', () => {
    const seen: number[] = []
    classify(reply(409, '{}'), (_t, status) => (seen.push(status), { kind: 'malformed', why: 'x' }), { route: 'r' })
    expect(seen).toEqual([409])
  })
})
