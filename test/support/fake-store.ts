// A store server in memory, speaking the store API contract (src/domain/store-contract.ts: every request and reply
// is checked against its schemas, so the till cannot drift from it), for the till's sync tests: `POST /api/v1/enrol` by
// one-time code and `POST /api/v1/push` that upserts by id only when rev is newer and the row is the same till's,
// acks after its "commit", refuses another till's row. As a `fetch` for the engine (no port), with the faults the
// tests need: down, a held reply, a reply dropped after commit, 413 over a row count, a revoked token.

import * as v from 'valibot'
import { EnrolReply, EnrolRequest, PushReply, PushRequest, describeIssues, normaliseEnrolCode } from '../../src/domain/store-contract.ts'

export const STORE = 'http://store.test'

interface Row {
  tillId: string
  rev: number
  body: Record<string, unknown>
}

export function fakeStore(base: typeof fetch = globalThis.fetch) {
  const codes = new Map<string, string>()
  const tokens = new Map<string, string>()
  const revoked = new Set<string>()
  const ops = new Map<string, Row>()
  const shifts = new Map<string, Row>()
  const pushes: { tillId: string; ops: Record<string, unknown>[]; shifts: Record<string, unknown>[]; status: Record<string, unknown>; text: string }[] = []
  let seq = 0
  const state = {
    down: false,
    /** Hold the next push's reply (after its commit) until released. */
    hold: undefined as { promise: Promise<void> } | undefined,
    /** Commit the next push, then fail as if the connection dropped. */
    dropReplies: 0,
    /** 413 for pushes with more rows than this. */
    maxRows: Infinity,
    /** Called when a push arrives, before it is applied. */
    onPush: undefined as (() => Promise<void> | void) | undefined,
  }

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  function upsert(table: Map<string, Row>, key: string, tillId: string, rev: number, body: Record<string, unknown>): 'ack' | 'foreign' {
    const held = table.get(key)
    if (held && held.tillId !== tillId) return 'foreign'
    if (!held || held.rev < rev) table.set(key, { tillId, rev, body })
    return 'ack'
  }

  async function handle(url: URL, init: RequestInit | undefined): Promise<Response> {
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>
    if (url.pathname === '/api/v1/enrol') {
      const req = v.safeParse(EnrolRequest, body)
      if (!req.success) return json(400, { error: { code: 'invalid-body', message: describeIssues(req.issues) } })
      const code = normaliseEnrolCode(req.output.code)
      const tillId = codes.get(code)
      if (!tillId) return json(400, { error: { code: 'code-invalid', message: 'unknown, used or expired' } })
      codes.delete(code)
      const token = `tok-${tillId}-${'x'.repeat(32)}`
      tokens.set(token, tillId)
      const reply = { tillId, tillName: `Till ${tillId}`, kind: 'till', storeId: 'S1', storeName: 'Store One', token, configVersion: 1, lastShift: 0 }
      return json(200, v.parse(EnrolReply, reply))
    }
    if (url.pathname === '/api/v1/push') {
      const token = String(new Headers(init?.headers).get('authorization') ?? '').replace(/^Bearer /, '')
      const tillId = tokens.get(token)
      if (!tillId) return json(401, { error: { code: 'unauthorized', message: 'no such token' } })
      if (revoked.has(tillId)) return json(401, { error: { code: 'revoked', message: 'revoked' } })
      const o = (body.ops ?? []) as Record<string, unknown>[]
      const s = (body.shifts ?? []) as Record<string, unknown>[]
      if (o.length + s.length > state.maxRows) return json(413, { error: { code: 'too-large', message: 'too large' } })
      const req = v.safeParse(PushRequest, body)
      if (!req.success) return json(400, { error: { code: 'invalid-body', message: describeIssues(req.issues) } })
      await state.onPush?.()
      pushes.push({ tillId, ops: o, shifts: s, status: body.status as Record<string, unknown>, text: String(init?.body) })
      const acked: [string, number][] = []
      const rejected: { id: string; reason: string }[] = []
      for (const r of o) {
        if (upsert(ops, String(r.id), tillId, Number(r.rev), r) === 'ack') acked.push([String(r.id), Number(r.rev)])
        else rejected.push({ id: String(r.id), reason: 'foreign' })
      }
      for (const r of s) {
        if (upsert(shifts, `${tillId}:${String(r.number)}`, tillId, Number(r.rev), r) === 'ack') acked.push([`shift:${String(r.number)}`, Number(r.rev)])
      }
      // Committed: now the reply.
      if (state.hold) {
        const h = state.hold
        state.hold = undefined
        await h.promise
      }
      if (state.dropReplies > 0) {
        state.dropReplies--
        throw new TypeError('fetch failed: connection reset')
      }
      return json(200, v.parse(PushReply, { acked, rejected, configVersion: 1 }))
    }
    return json(404, { error: 'not_found' })
  }

  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    if (url.origin !== STORE) return base(input, init)
    if (state.down) throw new TypeError('fetch failed: connection refused')
    return handle(url, init)
  }

  return {
    fetch: fetchFn,
    state,
    ops,
    shifts,
    pushes,
    /** A one-time code for a new till. */
    code(tillId = `T${++seq}`) {
      const c = `ABCDEFGH${String(10 + seq).slice(-2)}`.replace(/[ILOU]/g, '2')
      codes.set(c, tillId)
      return c
    },
    revoke: (tillId: string) => revoked.add(tillId),
    /** Put a row another till owns under this id. */
    foreign: (id: string) => ops.set(id, { tillId: 'OTHER', rev: 1, body: {} }),
  }
}

export type FakeStore = ReturnType<typeof fakeStore>
