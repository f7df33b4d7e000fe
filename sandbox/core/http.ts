// Small HTTP helpers for the sandbox server: reading a body, building JSON and text
// replies, CORS for the standalone server (docs/protocols/README.md S1) and the loopback check that guards
// the control plane (S2, scenario 21).

import type { IncomingMessage, ServerResponse } from 'node:http'
import { stringifyJson } from './json.ts'
import type { ApiReply } from './types.ts'

/** Request bodies above this are refused; no real request of any provider comes near it [C]. */
export const BODY_LIMIT_BYTES = 1_048_576

/** docs/protocols/README.md S1: the preflight answer. */
export const CORS_ALLOW_METHODS = 'GET, POST, PUT, DELETE'
export const CORS_ALLOW_HEADERS = 'Content-Type, Accept, Auth, X-Auth, regNum, password, token, Authorization, X-Terminal-Id'
export const CORS_MAX_AGE_SEC = 600

export class BodyTooLarge extends Error {}

/** Read the whole body as UTF-8 text. */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge(`body above ${limit} bytes`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function jsonReply(status: number, value: unknown): ApiReply {
  return { status, body: stringifyJson(value), contentType: 'application/json; charset=utf-8' }
}

export function textReply(status: number, text: string, contentType = 'text/plain; charset=utf-8'): ApiReply {
  return { status, body: text, contentType }
}

/** Every response echoes the request's origin (S1). */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}
}

/** Answer an OPTIONS preflight: 204 with the shared methods and headers (S1, scenario 20). */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SEC),
  }
  if (req.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true'
  res.writeHead(204, headers)
  res.end()
}

/** Write a reply's status, headers and body (no wire effect: the server handles those). No CORS for the control API. */
export function writeReply(req: IncomingMessage, res: ServerResponse, reply: ApiReply, body = reply.body, cors = true): void {
  const buf = Buffer.from(body, 'utf8')
  res.writeHead(reply.status, {
    ...(cors ? corsHeaders(req) : {}),
    'Content-Type': reply.contentType,
    'Content-Length': String(buf.length),
    'Cache-Control': 'no-store',
  })
  res.end(buf)
}

/**
 * The control API (demo credentials, faults, reset) is closed to web pages of other origins. Every
 * control request carries this header, and every one that is not a GET sends JSON: a page elsewhere can send
 * neither without a CORS preflight, and the control API answers no preflight and sends no CORS headers.
 */
export const CONTROL_HEADER = 'X-Paydesk-Sandbox'
/** The headers every caller of the control API sends. */
export const CONTROL_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json', [CONTROL_HEADER]: '1' }

/** Why a control request is refused (403), or undefined when it may go on. */
export function controlRefusal(req: IncomingMessage): string | undefined {
  if (req.headers[CONTROL_HEADER.toLowerCase()] !== '1') return `control requests carry ${CONTROL_HEADER}: 1`
  const method = req.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD' && !/^application\/json(;|$)/i.test(req.headers['content-type'] ?? ''))
    return 'control requests send Content-Type: application/json'
  return undefined
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x — the only peers the control API answers. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true
  return address === '::1' || address === '0:0:0:0:0:0:0:1'
}
