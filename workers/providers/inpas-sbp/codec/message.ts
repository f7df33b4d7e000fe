// SA messages of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.7–§ 2.11, § 3.2, § 3.4).
// Owns: operation, sub-command and status codes; building request/reply DATA from typed fields (amounts are
// integer minor units, written as ASCII digits); parsing DATA into a typed message; field-19 display text
// and the field-90 receipt records. Pure: no clock, no I/O; wire input never throws.
import {
  FIELDS,
  TAG,
  decodeTlv,
  encodeTlv,
  readFields,
  tlvEntries,
  tlvText,
  type FieldKey,
  type FieldProblem,
  type FieldSpec,
  type SaFields,
  type TlvDecodeError,
  type TlvEncodeError,
  type TlvInput,
  type TlvMessage,
  type TlvValue,
} from './tlv.ts'

/** § 2.8: operation codes (field 25). */
export const OP = {
  sale: 1,
  cancel: 4,
  wait: 21,
  checkLink: 26,
  refund: 29,
  display: 41,
  cashierMessage: 52,
  emergencyCancel: 53,
  settlement: 59,
  service: 63,
  unreferencedRefund: 71,
  loadKeys: 76,
} as const

/** § 2.8: sub-commands of op 63 (field 65). */
export const SERVICE = {
  hostConnection: 16,
  hostData: 17,
  shortReport: 20,
  fullReport: 21,
  receiptCopy: 22,
} as const

/** § 2.9: transaction status (field 39). */
export const STATUS = {
  undefined: 0,
  approved: 1,
  declined: 16,
  offline: 17,
  noConnection: 34,
  aborted: 53,
} as const

/** § 2.9: the texts integrations use for each status. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  0: 'Неопределённый статус',
  1: 'Одобрено',
  16: 'Отказано',
  17: 'Выполнено в OFFLINE',
  34: 'Нет соединения',
  53: 'Операция прервана',
}

/** § 2.7: field 67 CommandResult. */
export const COMMAND_RESULT = { ok: 0, error: 1 } as const

/** § 3.2: defaults of the Paydesk convention PDK-SBP/1 (configurable; NOT INPAS values). */
export const PDK_SBP1 = {
  payOp: 1,
  refundOp: 29,
  methodTag: 200,
  statusOp: 200,
  qrNotifyOp: 201,
  methodSbp: 'SBP',
  methodCard: 'CARD',
} as const

/** § 6.3: an amount is 1 … 999 999 999 999 kopecks (12 digits). */
export const AMOUNT_MAX_MINOR = 999_999_999_999
/** § 1.1: default `currencyCodeNumeric` (ISO 4217 numeric, RUB). */
export const CURRENCY_RUB = 643
/** § 2.11: receipt record tags. */
export const RECEIPT_TAG = { customer: 'DF', cashier: 'DA', product: 'DE' } as const

/** What each field kind takes when building. Amounts are integer minor units. */
interface FieldInputType {
  amount: number
  int: number
  id: string
  datetime: string
  text: string
  binary: Uint8Array
}

/** Typed fields to build a message from. */
export type SaFieldsInput = { [K in FieldKey]?: FieldInputType[(typeof FIELDS)[K]['kind']] }

export interface BuildOptions {
  /** Extra raw fields (PDK method tag 200, `sbpExtraFields`, `refundRefTags` copies …); a tag may not repeat. */
  extra?: TlvInput
  /** Zero-pad amounts to at least this many digits (§ 2.6: "00000100" and "100" are both accepted). Default: no padding. */
  amountDigits?: number
}

export type MessageBuildError =
  | TlvEncodeError
  | { kind: 'bad-amount'; tag: number; value: number }
  | { kind: 'bad-int'; tag: number; value: number }
  | { kind: 'bad-datetime'; tag: number; value: string }
export type MessageBuildResult = { ok: true; value: Uint8Array } | { ok: false; error: MessageBuildError }

const DATETIME = /^\d{14}$/
const CURRENCY_TAG: number = TAG.currencyCode

/** Dictionary entries by key: one Map lookup per field instead of keyed loads on the FIELDS literal. */
const SPEC_BY_KEY: ReadonlyMap<string, FieldSpec> = new Map(Object.entries(FIELDS))

function formatField(
  spec: FieldSpec,
  value: FieldInputType[keyof FieldInputType],
  amountDigits: number,
): { ok: true; value: TlvValue } | { ok: false; error: MessageBuildError } {
  switch (spec.kind) {
    case 'amount': {
      const n = value as number
      if (!Number.isSafeInteger(n) || n < 0 || n > AMOUNT_MAX_MINOR) return { ok: false, error: { kind: 'bad-amount', tag: spec.tag, value: n } }
      const digits = String(n)
      return { ok: true, value: digits.length < amountDigits ? digits.padStart(amountDigits, '0') : digits }
    }
    case 'int': {
      const n = value as number
      if (!Number.isSafeInteger(n) || n < -1) return { ok: false, error: { kind: 'bad-int', tag: spec.tag, value: n } }
      if (spec.tag !== CURRENCY_TAG) return { ok: true, value: String(n) }
      // § 1.1: ISO 4217 numeric codes are 3 digits ("643", "051").
      if (n < 0 || n > 999) return { ok: false, error: { kind: 'bad-int', tag: spec.tag, value: n } }
      return { ok: true, value: String(n).padStart(3, '0') }
    }
    case 'datetime': {
      const s = value as string
      return DATETIME.test(s) ? { ok: true, value: s } : { ok: false, error: { kind: 'bad-datetime', tag: spec.tag, value: s } }
    }
    default:
      return { ok: true, value: value as string | Uint8Array }
  }
}

/**
 * § 2.6/§ 2.7: build message DATA from typed fields plus `extra` raw fields, in ascending tag order (the order
 * terminals answer in; field order is not significant). `{ amount: 100, currencyCode: 643, operationCode: 1 }`
 * with `amountDigits: 8` is V2's DATA byte for byte.
 */
export function buildMessage(fields: SaFieldsInput, options: BuildOptions = {}): MessageBuildResult {
  const entries: Array<readonly [number, TlvValue]> = []
  const amountDigits = options.amountDigits ?? 0
  for (const key of Object.keys(fields) as FieldKey[]) {
    const v = fields[key]
    const spec = SPEC_BY_KEY.get(key)
    if (v === undefined || spec === undefined) continue
    const r = formatField(spec, v, amountDigits)
    if (!r.ok) return r
    entries.push([spec.tag, r.value])
  }
  if (options.extra !== undefined) for (const e of tlvEntries(options.extra)) entries.push(e)
  sortByTag(entries)
  return encodeTlv(entries)
}

/** Stable insertion sort by tag: linear on the already ordered lists builders pass, no comparator calls. */
function sortByTag(entries: Array<readonly [number, TlvValue]>): void {
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!
    let j = i - 1
    while (j >= 0 && entries[j]![0] > e[0]) {
      entries[j + 1] = entries[j]!
      j--
    }
    entries[j + 1] = e
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests (till → terminal, § 2.8, § 3.2) and replies (§ 3.4)

/** The terminal a request is addressed to. */
export interface Target {
  /** Field 27; sent when given, may be empty (§ 2.6). */
  terminalId?: string
}

export interface MoneyRequest extends Target {
  /** Kopecks, 1 … AMOUNT_MAX_MINOR (§ 6.3). */
  amount: number
  /** ISO 4217 numeric, field 4. */
  currency: number
  /** Field 26, the till's transaction number. */
  ecrNo?: number
  /** Override the op code (`sbpPayOp`, `sbpRefundOp`, § 3.2). */
  op?: number
  extra?: TlvInput
  amountDigits?: number
}

export interface ReferencedRequest extends MoneyRequest {
  /** Field 14 of the original result. */
  rrn?: string
  /** Field 13 of the original result. */
  authCode?: string
}

function money(op: number, r: ReferencedRequest): MessageBuildResult {
  if (!Number.isSafeInteger(r.amount) || r.amount < 1 || r.amount > AMOUNT_MAX_MINOR) {
    return { ok: false, error: { kind: 'bad-amount', tag: TAG.amount, value: r.amount } }
  }
  const fields: SaFieldsInput = { operationCode: r.op ?? op, amount: r.amount, currencyCode: r.currency }
  if (r.ecrNo !== undefined) fields.terminalTrxId = r.ecrNo
  if (r.terminalId !== undefined) fields.terminalId = r.terminalId
  if (r.rrn !== undefined) fields.referenceNumber = r.rrn
  if (r.authCode !== undefined) fields.authorizationCode = r.authCode
  return buildMessage(fields, { extra: r.extra ?? [], amountDigits: r.amountDigits ?? 0 })
}

/** § 3.2: sale `{25:1, 0, 4, 26, 27}` (+ PDK `200:"SBP"` via `extra`). */
export function buildSale(r: MoneyRequest): MessageBuildResult {
  return money(OP.sale, r)
}

/** § 3.2: refund `{25:29, 0, 4, 26, 27, 14, 13}`. */
export function buildRefund(r: ReferencedRequest): MessageBuildResult {
  return money(OP.refund, r)
}

/** § 2.8: cancel (void) `{25:4, 0, 4, 14, 13}`. */
export function buildCancel(r: ReferencedRequest): MessageBuildResult {
  return money(OP.cancel, r)
}

/** § 2.8: emergency cancel of the last operation `{25:53, 0, 4}`. */
export function buildEmergencyCancel(r: ReferencedRequest): MessageBuildResult {
  return money(OP.emergencyCancel, r)
}

function simple(fields: SaFieldsInput, t: Target): MessageBuildResult {
  if (t.terminalId !== undefined) fields.terminalId = t.terminalId
  return buildMessage(fields)
}

/** § 2.8: check link `{25:26, 27}`. */
export function buildCheckLink(t: Target = {}): MessageBuildResult {
  return simple({ operationCode: OP.checkLink }, t)
}

/** § 2.8: settlement `{25:59, 27}`. */
export function buildSettlement(t: Target = {}): MessageBuildResult {
  return simple({ operationCode: OP.settlement }, t)
}

export type ReceiptCopyRequest = Target & ({ last: true } | { last: false; rrn?: string; authCode?: string; slipNumber?: number })

/** § 2.8: receipt copy `{25:63, 65:22, 64:1}` (last) or `64:0` with 14/13/108 (by reference). */
export function buildReceiptCopy(r: ReceiptCopyRequest): MessageBuildResult {
  const fields: SaFieldsInput = { operationCode: OP.service, commandMode2: SERVICE.receiptCopy, commandMode: r.last ? 1 : 0 }
  if (!r.last) {
    if (r.rrn !== undefined) fields.referenceNumber = r.rrn
    if (r.authCode !== undefined) fields.authorizationCode = r.authCode
    if (r.slipNumber !== undefined) fields.slipNumber = r.slipNumber
  }
  return simple(fields, r)
}

export interface StatusRequest extends Target {
  /** `sbpStatusOp` (PDK-SBP/1: 200). */
  op: number
  /** Field 26 of the asked operation. */
  ecrNo: number
  /** Field 34: the asked operation's code (1 pay, 29 refund). */
  origOp: number
  rrn?: string
}

/** § 3.2 (PDK-SBP/1): status `{25:sbpStatusOp, 26, 34, 27 [, 14]}`. */
export function buildStatusRequest(r: StatusRequest): MessageBuildResult {
  const fields: SaFieldsInput = { operationCode: r.op, terminalTrxId: r.ecrNo, origOperation: r.origOp }
  if (r.rrn !== undefined) fields.referenceNumber = r.rrn
  return simple(fields, r)
}

export interface HostRelayReply {
  /** Field 65: 16 connection, 17 data. */
  sub: 16 | 17
  /** Field 67: 0 OK, 1 error. */
  result: 0 | 1
  /** Field 70, raw bytes (never text). */
  data?: Uint8Array
}

/** § 3.4: the till's answer to a host-relay request `{25:63, 65, 67 [, 70]}` (V5's reply byte for byte). */
export function buildHostRelayReply(r: HostRelayReply): MessageBuildResult {
  const fields: SaFieldsInput = { operationCode: OP.service, commandMode2: r.sub, commandResult: r.result }
  if (r.data !== undefined) fields.fileData = r.data
  return buildMessage(fields)
}

// ---------------------------------------------------------------------------------------------------------
// Parsing (terminal → till)

/** A parsed SA message. */
export interface SaMessage {
  /** Field 25. */
  op: number
  /** Typed values of the known fields present (§ 2.7). */
  fields: SaFields
  /** Every field as received, unknown tags included, in wire order (§ 2.6). */
  tlv: TlvMessage
  /** Tags the dictionary does not name (legal, § 2.6). */
  unknownTags: number[]
  /** Known fields whose text did not fit their kind; left out of `fields`. */
  invalid: FieldProblem[]
  /** § 2.6 (PDK): a tag repeated; the first copy was kept. */
  suspect: boolean
}

export type MessageParseError = { kind: 'tlv'; error: TlvDecodeError } | { kind: 'no-op' } | { kind: 'bad-op'; raw: string }
export type MessageParseResult = { ok: true; value: SaMessage } | { ok: false; error: MessageParseError }

/** § 2.6/§ 2.7: parse message DATA. Malformed TLV or a missing/unreadable field 25 is an error result. */
export function parseMessage(data: Uint8Array): MessageParseResult {
  const t = decodeTlv(data)
  if (!t.ok) return { ok: false, error: { kind: 'tlv', error: t.error } }
  const { fields, invalid, unknownTags } = readFields(t.value)
  if (fields.operationCode === undefined) {
    const bad = invalid.find((p) => p.tag === TAG.operationCode)
    if (bad) return { ok: false, error: { kind: 'bad-op', raw: bad.raw } }
    const present = tlvText(t.value, TAG.operationCode)
    return present !== undefined ? { ok: false, error: { kind: 'bad-op', raw: present } } : { ok: false, error: { kind: 'no-op' } }
  }
  return {
    ok: true,
    value: { op: fields.operationCode, fields, tlv: t.value, unknownTags, invalid, suspect: t.value.duplicates.length > 0 },
  }
}

/** § 2.9/§ 6.5: the outcome a final status means; 0, absent or unlisted → `unknown` (resolve it). */
export function statusOutcome(status: number | undefined): 'approved' | 'declined' | 'unknown' {
  switch (status) {
    case STATUS.approved:
    case STATUS.offline:
      return 'approved'
    case STATUS.declined:
    case STATUS.noConnection:
    case STATUS.aborted:
      return 'declined'
    default:
      return 'unknown'
  }
}

/** § 2.7 field 19: the part to show — before `^` (`ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~` → `ОПЕРАЦИЯ ПРЕРВАНА`). */
export function displayText(text: string): string {
  const i = text.indexOf('^')
  return i < 0 ? text : text.slice(0, i)
}

/** § 2.11: one receipt record `0x<TAG>^<attr>^<text>`; `tag` null when a record lacks that shape. */
export interface ReceiptRecord {
  tag: string | null
  attr: string
  text: string
}

const RECORD = /^0x([0-9A-Fa-f]{2})\^([^^]*)\^/

/** § 2.11: split field 90 into records (separated by `~`; empty records skipped). Lenient: slips are for display. */
export function parseReceipt(text: string): ReceiptRecord[] {
  const records: ReceiptRecord[] = []
  for (const segment of text.split('~')) {
    if (segment === '') continue
    const m = RECORD.exec(segment)
    if (m) records.push({ tag: m[1]!.toUpperCase(), attr: m[2]!, text: segment.slice(m[0].length) })
    else records.push({ tag: null, attr: '', text: segment })
  }
  return records
}

/** § 2.11: write records as field-90 text, `0xDF^^<text>~` each (also the op-41 / QR-notify shape, § 3.3). */
export function formatReceipt(records: ReadonlyArray<{ tag: string; attr?: string; text: string }>): string {
  return records.map((r) => `0x${r.tag}^${r.attr ?? ''}^${r.text}~`).join('')
}
