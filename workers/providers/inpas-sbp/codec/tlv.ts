// SA TLV codec and field dictionary of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.6, § 2.7).
// Owns: TAG (1 byte, decimal field number) | LEN (2 bytes little-endian) | VALUE; the named field
// dictionary with its value kinds; typed reading of known fields. Never throws on wire bytes: malformed
// input comes back as `{ ok: false, error }`.
import { decodeCp1251, writeCp1251 } from './cp1251.ts'

/** § 2.6: a tag is one byte. */
export const TLV_TAG_MAX = 0xff
/** § 2.6: LEN is always 2 bytes, little-endian. */
export const TLV_VALUE_MAX = 0xffff
/** § 2.6: TAG + LEN. */
export const TLV_HEADER_SIZE = 3
/** § 2.6: `"-1"` in a numeric field means "not set". */
export const NOT_SET = '-1'

/** A value to encode: text (written as CP1251) or raw bytes (e.g. field 70, § 2.6). */
export type TlvValue = string | Uint8Array
/** Fields to encode, in wire order: a Map, [tag, value] pairs, or a record (integer keys ascend). */
export type TlvInput = ReadonlyMap<number, TlvValue> | ReadonlyArray<readonly [number, TlvValue]> | Readonly<Record<number, TlvValue>>

export interface TlvField {
  tag: number
  value: Uint8Array
}

/** A decoded TLV sequence: first occurrence of each tag, in wire order. */
export interface TlvMessage {
  fields: readonly TlvField[]
  /** § 2.6 (PDK): tags that repeated; their later copies were dropped and the message is suspect. */
  duplicates: readonly number[]
}

export type TlvEncodeError =
  | { kind: 'bad-tag'; tag: number }
  | { kind: 'duplicate-tag'; tag: number }
  | { kind: 'value-too-long'; tag: number; length: number }
  | { kind: 'unencodable'; tag: number; index: number; codePoint: number }

export type TlvDecodeError =
  { kind: 'truncated-header'; offset: number; available: number } | { kind: 'overrun'; offset: number; tag: number; length: number; available: number }

export type TlvEncodeResult = { ok: true; value: Uint8Array } | { ok: false; error: TlvEncodeError }
export type TlvDecodeResult = { ok: true; value: TlvMessage } | { ok: false; error: TlvDecodeError }

/** Normalise any TlvInput into ordered [tag, value] pairs. */
export function tlvEntries(input: TlvInput): Array<readonly [number, TlvValue]> {
  if (input instanceof Map) return [...(input as ReadonlyMap<number, TlvValue>).entries()]
  if (Array.isArray(input)) return [...(input as ReadonlyArray<readonly [number, TlvValue]>)]
  return Object.entries(input as Readonly<Record<number, TlvValue>>).map(([k, v]) => [Number(k), v] as const)
}

/**
 * Tags already seen in the current call, marked with a per-call generation number so no table is allocated
 * or cleared per message (the codec is synchronous, so calls never interleave).
 */
const SEEN = new Uint32Array(TLV_TAG_MAX + 1)
let generation = 0
function nextGeneration(): number {
  generation = (generation + 1) >>> 0
  if (generation === 0) {
    SEEN.fill(0)
    generation = 1
  }
  return generation
}

/** § 2.6: encode fields in the given order. Refuses bad tags, repeated tags, over-long values and non-CP1251 text. */
export function encodeTlv(input: TlvInput): TlvEncodeResult {
  const entries = Array.isArray(input) ? (input as ReadonlyArray<readonly [number, TlvValue]>) : tlvEntries(input)
  const gen = nextGeneration()
  const count = entries.length
  let size = 0
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!
    const tag = entry[0]
    if (!Number.isInteger(tag) || tag < 0 || tag > TLV_TAG_MAX) return { ok: false, error: { kind: 'bad-tag', tag } }
    if (SEEN[tag] === gen) return { ok: false, error: { kind: 'duplicate-tag', tag } }
    SEEN[tag] = gen
    // CP1251 writes one byte per UTF-16 unit, so a text's length is its byte length.
    const length = entry[1].length
    if (length > TLV_VALUE_MAX) return { ok: false, error: { kind: 'value-too-long', tag, length } }
    size += TLV_HEADER_SIZE + length
  }
  const out = new Uint8Array(size)
  let at = 0
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!
    const tag = entry[0]
    const v = entry[1]
    out[at] = tag
    out[at + 1] = v.length & 0xff
    out[at + 2] = v.length >>> 8
    at += TLV_HEADER_SIZE
    if (typeof v === 'string') {
      const bad = writeCp1251(v, out, at)
      if (bad >= 0) return { ok: false, error: { kind: 'unencodable', tag, index: bad, codePoint: v.codePointAt(bad)! } }
    } else out.set(v, at)
    at += v.length
  }
  return { ok: true, value: out }
}

/**
 * § 2.6: decode a TLV sequence (an STX frame's DATA or a reassembled SOH message). All or nothing: a field
 * whose header or value runs past the end fails the whole message. Values are views into `bytes` (no copy):
 * `FrameDecoder` hands every message its own buffer; copy a value before reusing the buffer it came from.
 */
export function decodeTlv(bytes: Uint8Array): TlvDecodeResult {
  const n = bytes.length
  const fields: TlvField[] = []
  let duplicates: number[] | undefined
  const gen = nextGeneration()
  let at = 0
  while (at < n) {
    if (n - at < TLV_HEADER_SIZE) return { ok: false, error: { kind: 'truncated-header', offset: at, available: n - at } }
    const tag = bytes[at]!
    const length = bytes[at + 1]! | (bytes[at + 2]! << 8)
    const start = at + TLV_HEADER_SIZE
    if (start + length > n) return { ok: false, error: { kind: 'overrun', offset: at, tag, length, available: n - start } }
    if (SEEN[tag] === gen) {
      duplicates ??= []
      if (!duplicates.includes(tag)) duplicates.push(tag)
    } else {
      SEEN[tag] = gen
      fields.push({ tag, value: bytes.subarray(start, start + length) })
    }
    at = start + length
  }
  return { ok: true, value: { fields, duplicates: duplicates ?? [] } }
}

/** The raw value of `tag`, or undefined when absent. */
export function tlvGet(msg: TlvMessage, tag: number): Uint8Array | undefined {
  for (const f of msg.fields) if (f.tag === tag) return f.value
  return undefined
}

/** The CP1251 text of `tag`, or undefined when absent. */
export function tlvText(msg: TlvMessage, tag: number): string | undefined {
  const v = tlvGet(msg, tag)
  return v === undefined ? undefined : decodeCp1251(v)
}

// ---------------------------------------------------------------------------------------------------------
// Field dictionary (§ 2.7)

/**
 * How a field's value is read:
 * - `amount`: minor units (kopecks) as ASCII digits, leading zeros allowed (§ 2.6); `"-1"`/empty = not set
 * - `int`: ASCII decimal integer; `"-1"`/empty = not set
 * - `id`: text where `"-1"` = not set (TrxID)
 * - `datetime`: `YYYYMMDDhhmmss`, terminal local time (§ 2.6)
 * - `text`: CP1251 text
 * - `binary`: raw bytes, never text-decoded (field 70, § 2.6)
 */
export type FieldKind = 'amount' | 'int' | 'id' | 'datetime' | 'text' | 'binary'

export interface FieldSpec {
  tag: number
  /** DUALConnector `ISAPacket` property name (§ 2.7). */
  name: string
  kind: FieldKind
}

/**
 * § 2.7: the named fields. Fields 49–52 are left out on purpose: DUALConnector 1.x and 2.x number them
 * differently ("conflict, do not rely on them"); read them with `tlvGet`.
 */
export const FIELDS = {
  amount: { tag: 0, name: 'Amount', kind: 'amount' },
  additionalAmount: { tag: 1, name: 'AdditionalAmount', kind: 'amount' },
  currencyCode: { tag: 4, name: 'CurrencyCode', kind: 'int' },
  dateTimeHost: { tag: 6, name: 'DateTimeHost', kind: 'datetime' },
  cardEntryMode: { tag: 8, name: 'CardEntryMode', kind: 'text' },
  pan: { tag: 10, name: 'PAN', kind: 'text' },
  cardExpiryDate: { tag: 11, name: 'CardExpiryDate', kind: 'text' },
  authorizationCode: { tag: 13, name: 'AuthorizationCode', kind: 'text' },
  referenceNumber: { tag: 14, name: 'ReferenceNumber', kind: 'text' },
  responseCodeHost: { tag: 15, name: 'ResponseCodeHost', kind: 'text' },
  textResponse: { tag: 19, name: 'TextResponse', kind: 'text' },
  terminalDateTime: { tag: 21, name: 'TerminalDateTime', kind: 'datetime' },
  trxId: { tag: 23, name: 'TrxID', kind: 'id' },
  operationCode: { tag: 25, name: 'OperationCode', kind: 'int' },
  terminalTrxId: { tag: 26, name: 'TerminalTrxID', kind: 'int' },
  terminalId: { tag: 27, name: 'TerminalID', kind: 'text' },
  merchantId: { tag: 28, name: 'MerchantID', kind: 'text' },
  debitAmount: { tag: 29, name: 'DebitAmount', kind: 'amount' },
  debitCount: { tag: 30, name: 'DebitCount', kind: 'int' },
  creditAmount: { tag: 31, name: 'CreditAmount', kind: 'amount' },
  creditCount: { tag: 32, name: 'CreditCount', kind: 'int' },
  origOperation: { tag: 34, name: 'OrigOperation', kind: 'int' },
  status: { tag: 39, name: 'Status', kind: 'int' },
  processingFlag: { tag: 53, name: 'ProcessingFlag', kind: 'text' },
  hostTrxId: { tag: 54, name: 'HostTrxID', kind: 'id' },
  cardWaitTimeout: { tag: 57, name: 'CardWaitTimeout', kind: 'int' },
  deviceSerNumber: { tag: 63, name: 'DeviceSerNumber', kind: 'text' },
  commandMode: { tag: 64, name: 'CommandMode', kind: 'int' },
  commandMode2: { tag: 65, name: 'CommandMode2', kind: 'int' },
  commandResult: { tag: 67, name: 'CommandResult', kind: 'int' },
  fileData: { tag: 70, name: 'FileData', kind: 'binary' },
  printText: { tag: 71, name: 'PrintText', kind: 'text' },
  cashierRequest: { tag: 76, name: 'CashierRequest', kind: 'text' },
  cashierResponse: { tag: 77, name: 'CashierResponse', kind: 'text' },
  commodityCode: { tag: 80, name: 'CommodityCode', kind: 'text' },
  additionalData: { tag: 86, name: 'AdditionalData', kind: 'text' },
  modelNo: { tag: 89, name: 'ModelNo', kind: 'text' },
  receiptData: { tag: 90, name: 'ReceiptData', kind: 'text' },
  pulsar: { tag: 91, name: 'PULSAR', kind: 'text' },
  slipNumber: { tag: 108, name: 'SlipNumber', kind: 'int' },
} as const satisfies Record<string, FieldSpec>

export type FieldKey = keyof typeof FIELDS

/** § 2.7: tag numbers by key, e.g. `TAG.operationCode === 25`. */
export const TAG = Object.fromEntries(Object.entries(FIELDS).map(([k, s]) => [k, s.tag])) as {
  readonly [K in FieldKey]: (typeof FIELDS)[K]['tag']
}

const SPEC_BY_TAG: ReadonlyArray<readonly [FieldKey, FieldSpec] | undefined> = (() => {
  const t: Array<readonly [FieldKey, FieldSpec] | undefined> = new Array(TLV_TAG_MAX + 1).fill(undefined)
  for (const [k, s] of Object.entries(FIELDS) as Array<[FieldKey, FieldSpec]>) t[s.tag] = [k, s]
  return t
})()

/** § 2.7: the dictionary entry of a tag, or undefined for tags the dictionary does not name. */
export function fieldSpec(tag: number): FieldSpec | undefined {
  return SPEC_BY_TAG[tag]?.[1]
}

/** The TypeScript type each kind reads into. Amounts are integer minor units, never floats. */
export interface FieldKindType {
  amount: number
  int: number
  id: string
  datetime: string
  text: string
  binary: Uint8Array
}

/** Typed values of the known fields present in a message. */
export type SaFields = { -readonly [K in FieldKey]?: FieldKindType[(typeof FIELDS)[K]['kind']] }

export type FieldProblem = { tag: number; reason: 'not-a-number' | 'out-of-range' | 'bad-datetime'; raw: string }

const ZERO = 0x30
const NINE = 0x39
const MINUS = 0x2d

/**
 * § 2.6/§ 2.7: ASCII decimal straight from the bytes: `"1000"`, `"00001000"` → 1000; `"-1"` or empty → not set.
 * Amounts take digits only; an int may show a minus sign, but only `"-1"` is meaningful, other negatives are out of range.
 */
function readDecimal(v: Uint8Array, signed: boolean): KindRead {
  const n = v.length
  if (n === 0 || (n === 2 && v[0] === MINUS && v[1] === ZERO + 1)) return { ok: true, value: undefined }
  const negative = signed && v[0] === MINUS && n > 1
  let value = 0
  for (let i = negative ? 1 : 0; i < n; i++) {
    const c = v[i]!
    if (c < ZERO || c > NINE) return { ok: false, reason: 'not-a-number' }
    value = value * 10 + (c - ZERO)
  }
  if (negative || !Number.isSafeInteger(value)) return { ok: false, reason: 'out-of-range' }
  return { ok: true, value }
}

/** § 2.6: `YYYYMMDDhhmmss`; empty = not set. */
function readDateTime(v: Uint8Array): KindRead {
  if (v.length === 0) return { ok: true, value: undefined }
  if (v.length !== 14) return { ok: false, reason: 'bad-datetime' }
  for (let i = 0; i < 14; i++) if (v[i]! < ZERO || v[i]! > NINE) return { ok: false, reason: 'bad-datetime' }
  return { ok: true, value: decodeCp1251(v) }
}

type KindRead = { ok: true; value: FieldKindType[FieldKind] | undefined } | { ok: false; reason: FieldProblem['reason'] }

function readKind(kind: FieldKind, value: Uint8Array): KindRead {
  switch (kind) {
    case 'binary':
      return { ok: true, value }
    case 'text':
      return { ok: true, value: decodeCp1251(value) }
    case 'id': {
      const text = decodeCp1251(value)
      return { ok: true, value: text === NOT_SET ? undefined : text }
    }
    case 'datetime':
      return readDateTime(value)
    case 'amount':
      return readDecimal(value, false)
    case 'int':
      return readDecimal(value, true)
  }
}

/**
 * § 2.7: read every known field of `msg` into its typed value. Unknown tags are legal and left to `tlvGet`
 * (§ 2.6 "parse all, ignore unknown"); a known field whose text does not fit its kind is reported in
 * `invalid` and left out of `fields`.
 */
export function readFields(msg: TlvMessage): { fields: SaFields; invalid: FieldProblem[]; unknownTags: number[] } {
  const fields: Record<string, unknown> = {}
  const invalid: FieldProblem[] = []
  const unknownTags: number[] = []
  for (const f of msg.fields) {
    const entry = SPEC_BY_TAG[f.tag]
    if (!entry) {
      unknownTags.push(f.tag)
      continue
    }
    const r = readKind(entry[1].kind, f.value)
    if (r.ok) {
      if (r.value !== undefined) fields[entry[0]] = r.value
    } else invalid.push({ tag: f.tag, reason: r.reason, raw: decodeCp1251(f.value) })
  }
  return { fields: fields as SaFields, invalid, unknownTags }
}
