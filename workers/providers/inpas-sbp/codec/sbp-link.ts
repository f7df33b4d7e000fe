// SBP functional link of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.14, used by § 3.3 mirroring).
// Owns: parsing and checking `https://qr.nspk.ru/<QRC_ID>?type=…&bank=…[&sum=…&cur=RUB]&crc=XXXX`, and
// writing such a link (emulator, tests). The crc is checked first, over the exact link text, so any edit
// before `&crc=` is reported as `crc-mismatch`.
import { crc16CcittFalse } from './crc.ts'

/** § 2.14: every link starts with this. */
export const SBP_LINK_PREFIX = 'https://qr.nspk.ru/'
/** § 2.14: the crc is the last parameter. */
export const SBP_CRC_PARAM = '&crc='
/** § 2.14: QRC_ID is 32 characters `[A-Z0-9]`. */
export const SBP_QRC_ID = /^[A-Z0-9]{32}$/
/** § 2.14: `bank` is a 12-digit NSPK participant id. */
export const SBP_BANK = /^\d{12}$/
/** § 2.14: the crc is 4 uppercase hex digits. */
export const SBP_CRC = /^[0-9A-F]{4}$/
/** § 2.14: `type`: 01 static (sum optional), 02 dynamic (sum mandatory). */
export const SBP_TYPE_STATIC = '01'
export const SBP_TYPE_DYNAMIC = '02'
/** § 2.14: `cur` is RUB. */
export const SBP_CURRENCY = 'RUB'
/** § 6.3: a sum is at most 12 digits of kopecks. */
export const SBP_SUM_MAX = 999_999_999_999

export interface SbpLink {
  url: string
  qrcId: string
  type: '01' | '02'
  dynamic: boolean
  bank: string
  /** Kopecks (§ 2.14), when the link carries a sum. */
  sum?: number
  cur?: 'RUB'
  /** The crc as written (4 uppercase hex digits). */
  crc: string
}

export type SbpLinkError =
  | { kind: 'not-ascii' }
  | { kind: 'missing-crc' }
  | { kind: 'crc-format'; crc: string }
  | { kind: 'crc-mismatch'; expected: string; actual: string }
  | { kind: 'not-nspk' }
  | { kind: 'qrc-id'; qrcId: string }
  | { kind: 'malformed-query' }
  | { kind: 'duplicate-param'; name: string }
  | { kind: 'missing-param'; name: 'type' | 'bank' | 'sum' | 'cur' }
  | { kind: 'bad-param'; name: 'type' | 'bank' | 'sum' | 'cur'; value: string }

export type SbpLinkResult = { ok: true; value: SbpLink } | { ok: false; error: SbpLinkError }

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/
const SUM = /^\d{1,12}$/

/** § 2.14: CRC-16/CCITT-FALSE of the link text before `&crc=`, as 4 uppercase hex digits. */
export function sbpLinkCrc(textBeforeCrc: string): string {
  const bytes = new Uint8Array(textBeforeCrc.length)
  for (let i = 0; i < textBeforeCrc.length; i++) bytes[i] = textBeforeCrc.charCodeAt(i) & 0xff
  return crc16CcittFalse(bytes).toString(16).toUpperCase().padStart(4, '0')
}

/** § 2.14: parse a functional link and verify its crc. Never throws. */
export function parseSbpLink(link: string): SbpLinkResult {
  if (!PRINTABLE_ASCII.test(link)) return { ok: false, error: { kind: 'not-ascii' } }
  const at = link.lastIndexOf(SBP_CRC_PARAM)
  if (at < 0) return { ok: false, error: { kind: 'missing-crc' } }
  const crc = link.slice(at + SBP_CRC_PARAM.length)
  if (!SBP_CRC.test(crc)) return { ok: false, error: { kind: 'crc-format', crc } }
  const body = link.slice(0, at)
  const expected = sbpLinkCrc(body)
  if (expected !== crc) return { ok: false, error: { kind: 'crc-mismatch', expected, actual: crc } }

  if (!body.startsWith(SBP_LINK_PREFIX)) return { ok: false, error: { kind: 'not-nspk' } }
  const rest = body.slice(SBP_LINK_PREFIX.length)
  const q = rest.indexOf('?')
  if (q < 0) return { ok: false, error: { kind: 'malformed-query' } }
  const qrcId = rest.slice(0, q)
  if (!SBP_QRC_ID.test(qrcId)) return { ok: false, error: { kind: 'qrc-id', qrcId } }

  const params = new Map<string, string>()
  for (const pair of rest.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) return { ok: false, error: { kind: 'malformed-query' } }
    const name = pair.slice(0, eq)
    if (params.has(name) || name === 'crc') return { ok: false, error: { kind: 'duplicate-param', name } }
    params.set(name, pair.slice(eq + 1))
  }

  const type = params.get('type')
  if (type === undefined) return { ok: false, error: { kind: 'missing-param', name: 'type' } }
  if (type !== SBP_TYPE_STATIC && type !== SBP_TYPE_DYNAMIC) return { ok: false, error: { kind: 'bad-param', name: 'type', value: type } }
  const bank = params.get('bank')
  if (bank === undefined) return { ok: false, error: { kind: 'missing-param', name: 'bank' } }
  if (!SBP_BANK.test(bank)) return { ok: false, error: { kind: 'bad-param', name: 'bank', value: bank } }

  const sumText = params.get('sum')
  const cur = params.get('cur')
  const value: SbpLink = { url: link, qrcId, type, dynamic: type === SBP_TYPE_DYNAMIC, bank, crc }
  // § 2.14: `[&sum=<kopecks>&cur=RUB]` — both or neither; mandatory for a dynamic link.
  if (sumText === undefined && type === SBP_TYPE_DYNAMIC) return { ok: false, error: { kind: 'missing-param', name: 'sum' } }
  if (sumText !== undefined) {
    const sum = Number(sumText)
    if (!SUM.test(sumText) || sum < 1 || sum > SBP_SUM_MAX) return { ok: false, error: { kind: 'bad-param', name: 'sum', value: sumText } }
    if (cur === undefined) return { ok: false, error: { kind: 'missing-param', name: 'cur' } }
    value.sum = sum
  }
  if (cur !== undefined) {
    if (cur !== SBP_CURRENCY) return { ok: false, error: { kind: 'bad-param', name: 'cur', value: cur } }
    if (sumText === undefined) return { ok: false, error: { kind: 'missing-param', name: 'sum' } }
    value.cur = SBP_CURRENCY
  }
  return { ok: true, value }
}

export interface SbpLinkParts {
  qrcId: string
  type: '01' | '02'
  bank: string
  sum?: number
}

/** § 2.14: write a link with its crc (`cur=RUB` follows a sum). For the emulator and tests. */
export function formatSbpLink(p: SbpLinkParts): string {
  const money = p.sum === undefined ? '' : `&sum=${p.sum}&cur=${SBP_CURRENCY}`
  const body = `${SBP_LINK_PREFIX}${p.qrcId}?type=${p.type}&bank=${p.bank}${money}`
  return `${body}${SBP_CRC_PARAM}${sbpLinkCrc(body)}`
}
