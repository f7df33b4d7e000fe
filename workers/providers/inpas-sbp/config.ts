// inpas-sbp settings (docs/protocols/inpas-sbp.md § 1.1): the seed module's names, types and defaults
// (`payment_inpas_smartsale.conf`: `timeout`, `qrSBP`; `inpas_lin.conf`: `currencyCodeNumeric`, `id`), plus the
// Paydesk keys of § 1.1 (all PDK) that the client machine reads.
//
// Readings (PDK, see the report):
// - `transport` is `serial` (Web Serial in the worker; web-serial-polyfill over WebUSB only where
//   `navigator.serial` is missing) or `sandbox` (the emulator inside the worker). § 1.1 spells three values
//   (`webserial`, `polyfill`, `sandbox`); `webserial` and `polyfill` are accepted as aliases of `serial`, since the
//   worker picks native or polyfill by feature detection anyway.
// - `timeout` is whole seconds, 30…900, default 180 (§ 1.1); the seed says to enter twice the bank's value.
import type { ConfigSchema, ConfigValues, FieldError } from '../../../src/domain/config.ts'
import { msg } from '../../../src/domain/messages.ts'
import { INPAS_MSG } from './messages.ts'
import type { SessionConfig } from './session.ts'

/** § 1.1: 8 characters `[0-9A-Za-z]` (observed TIDs `00266286`, `40000172`). */
export const TERMINAL_ID_FORMAT = /^[0-9A-Za-z]{8}$/
/** § 1.1: ISO 4217 numeric, 3 digits. */
export const CURRENCY_FORMAT = /^\d{3}$/
/** § 1.1: the `timeout` range in seconds. */
export const TIMEOUT_MIN_S = 30
export const TIMEOUT_MAX_S = 900

export const TRANSPORTS = ['serial', 'sandbox', 'bridge', 'webserial', 'polyfill'] as const
/** `bridge` (demo builds): the fake port carried over a local WebSocket to the sandbox's Node emulator, which outlives a tab. */
export type InpasTransport = 'serial' | 'sandbox' | 'bridge'

export const INPAS_SCHEMA: ConfigSchema = {
  fileName: 'payment_inpas_smartsale.conf',
  section: 'Main',
  title: 'Inpas SmartSale (карта и QR СБП на пин-паде)',
  fields: [
    {
      name: 'timeout',
      type: 'int',
      default: 180,
      seedText:
        'Значение параметра timeout следует установить в двойном размере относительно того, который рекомендован банком (например, если банк рекомендует 100, то установить следует 200).',
      hint: 'inpas.cfg.timeout',
    },
    {
      name: 'qrSBP',
      type: 'bool',
      default: false,
      seedText: 'Для активации возможности пользоваться оплатой по QR-коду, следует установить значение параметра qrSBP как true',
    },
    {
      name: 'currencyCodeNumeric',
      type: 'string',
      default: '643',
      seedText: 'Указать код валюты для страны в параметре currencyCodeNumeric',
      hint: 'inpas.cfg.currency',
    },
    { name: 'id', type: 'string', perTill: true, required: true, seedText: 'Указать ID терминала в параметре id', hint: 'inpas.cfg.id' },
    {
      name: 'transport',
      perTill: true,
      type: 'string',
      default: 'serial',
      allowed: TRANSPORTS,
      seedText: 'Paydesk: serial — пин-пад через Web Serial; sandbox — эмулятор пин-пада в браузере; bridge — эмулятор песочницы через WebSocket (только демо)',
    },
    { name: 'baudRate', type: 'int', perTill: true, default: 115200, min: 1200, max: 921600, seedText: 'Paydesk: скорость порта, 8N1 без управления потоком' },
    {
      name: 'usbVendorId',
      type: 'int',
      perTill: true,
      min: 0,
      max: 0xffff,
      seedText: 'Paydesk: USB VID выбранного пин-пада (заполняется кнопкой «Выбрать порт»)',
    },
    {
      name: 'usbProductId',
      type: 'int',
      perTill: true,
      min: 0,
      max: 0xffff,
      seedText: 'Paydesk: USB PID выбранного пин-пада (заполняется кнопкой «Выбрать порт»)',
    },
    {
      name: 'sbpProfile',
      type: 'string',
      default: 'switch',
      allowed: ['switch', 'custom'],
      seedText: 'Paydesk: как запрашивать оплату СБП — switch (кнопка 1 на пин-паде) или custom (коды ниже)',
    },
    { name: 'sbpPayOp', type: 'int', default: 1, min: 0, max: 255, seedText: 'Paydesk (custom): код операции оплаты СБП' },
    { name: 'sbpRefundOp', type: 'int', default: 29, min: 0, max: 255, seedText: 'Paydesk (custom): код операции возврата СБП' },
    { name: 'sbpStatusOp', type: 'int', default: 200, min: 0, max: 255, seedText: 'Paydesk (custom): код запроса статуса; 0 — по копии чека' },
    { name: 'sbpQrNotifyOp', type: 'int', default: 201, min: 0, max: 255, seedText: 'Paydesk (custom): код сообщения пин-пада со ссылкой СБП; 0 — нет' },
    { name: 'sbpMethodTag', type: 'int', default: 200, min: 0, max: 255, seedText: 'Paydesk (custom): поле способа оплаты (SBP/CARD)' },
    {
      name: 'sbpExtraFields',
      type: 'string',
      default: '',
      seedText: 'Paydesk (custom): дополнительные поля запросов оплаты и возврата СБП, tag=value;… (что требует спецификация банка)',
      hint: 'inpas.cfg.extraFields',
    },
    { name: 'mirrorQr', type: 'bool', default: false, seedText: 'Paydesk: показывать QR СБП также на экране кассы, когда пин-пад присылает ссылку' },
    {
      name: 'sameDayPartialRefund',
      type: 'string',
      default: 'allow',
      allowed: ['allow', 'block'],
      seedText: 'Paydesk: block — банк не поддерживает частичный возврат СБП в день покупки',
    },
    {
      name: 'switchedRefund',
      type: 'string',
      default: 'allow',
      allowed: ['allow', 'cash'],
      seedText: 'Paydesk: cash — возврат оплаты со сменой вида оплаты только наличными',
    },
    { name: 'messageTimeoutS', type: 'int', default: 45, min: 5, max: 600, seedText: 'Paydesk: ожидание очередного сообщения пин-пада, секунд' },
  ],
  validate(v: ConfigValues): FieldError[] {
    const errors: FieldError[] = []
    const t = v.timeout
    if (typeof t !== 'number' || t < TIMEOUT_MIN_S || t > TIMEOUT_MAX_S) errors.push({ field: 'timeout', message: msg(INPAS_MSG.cfgTimeout) })
    if (typeof v.currencyCodeNumeric !== 'string' || !CURRENCY_FORMAT.test(v.currencyCodeNumeric))
      errors.push({ field: 'currencyCodeNumeric', message: msg(INPAS_MSG.cfgCurrency) })
    if (v.id !== undefined && (typeof v.id !== 'string' || !TERMINAL_ID_FORMAT.test(v.id))) errors.push({ field: 'id', message: msg(INPAS_MSG.cfgId) })
    const reserved = [...RESERVED_TAGS, typeof v.sbpMethodTag === 'number' ? v.sbpMethodTag : 200]
    if (v.sbpExtraFields !== undefined && !parseExtraFields(String(v.sbpExtraFields), reserved))
      errors.push({ field: 'sbpExtraFields', message: msg(INPAS_MSG.cfgExtraFields) })
    return errors
  },
}

/** Tags the request sets itself (amount, currency, op code, ecrNo, terminal id): never an extra field. */
const RESERVED_TAGS = [0, 4, 25, 26, 27]
/** `sbpExtraFields` is at most this long; a value at most 64 characters. */
export const EXTRA_FIELDS_MAX = 256

/**
 * `sbpExtraFields` (§ 3.2): `tag=value;…`, tags 0–255, each once, none the request sets itself, values of
 * 1–64 printable characters without `;`. Empty is none. Undefined when malformed (it was not settable).
 */
export function parseExtraFields(text: string, reserved: readonly number[] = RESERVED_TAGS): [number, string][] | undefined {
  const t = text.trim()
  if (t === '') return []
  if (t.length > EXTRA_FIELDS_MAX) return undefined
  const out: [number, string][] = []
  for (const part of t.split(';')) {
    if (part.trim() === '') continue
    const m = /^\s*(\d{1,3})\s*=(.{1,64})$/u.exec(part)
    if (!m) return undefined
    const tag = Number(m[1])
    const value = m[2]!.trim()
    // eslint-disable-next-line no-control-regex
    if (tag > 255 || value === '' || /[\u0000-\u001f\u007f]/u.test(value) || reserved.includes(tag) || out.some(([x]) => x === tag)) return undefined
    out.push([tag, value])
  }
  return out
}

export interface InpasConfig {
  timeout: number
  qrSBP: boolean
  currencyCodeNumeric: number
  id: string
  transport: InpasTransport
  baudRate: number
  usbVendorId?: number
  usbProductId?: number
  sbpProfile: 'switch' | 'custom'
  sbpPayOp: number
  sbpRefundOp: number
  sbpStatusOp: number
  sbpQrNotifyOp: number
  sbpMethodTag: number
  sbpExtraFields: [number, string][]
  mirrorQr: boolean
  sameDayPartialRefund: 'allow' | 'block'
  switchedRefund: 'allow' | 'cash'
  messageTimeoutS: number
}

export function toInpasConfig(v: ConfigValues): InpasConfig {
  const int = (k: string, d: number) => (typeof v[k] === 'number' ? (v[k] as number) : d)
  return {
    timeout: int('timeout', 180),
    qrSBP: v.qrSBP === true,
    currencyCodeNumeric: Number(v.currencyCodeNumeric ?? 643),
    id: String(v.id ?? ''),
    transport: v.transport === 'sandbox' || v.transport === 'bridge' ? v.transport : 'serial',
    baudRate: int('baudRate', 115200),
    ...(typeof v.usbVendorId === 'number' ? { usbVendorId: v.usbVendorId } : {}),
    ...(typeof v.usbProductId === 'number' ? { usbProductId: v.usbProductId } : {}),
    sbpProfile: v.sbpProfile === 'custom' ? 'custom' : 'switch',
    sbpPayOp: int('sbpPayOp', 1),
    sbpRefundOp: int('sbpRefundOp', 29),
    sbpStatusOp: int('sbpStatusOp', 200),
    sbpQrNotifyOp: int('sbpQrNotifyOp', 201),
    sbpMethodTag: int('sbpMethodTag', 200),
    sbpExtraFields: parseExtraFields(String(v.sbpExtraFields ?? '')) ?? [],
    mirrorQr: v.mirrorQr === true,
    sameDayPartialRefund: v.sameDayPartialRefund === 'block' ? 'block' : 'allow',
    switchedRefund: v.switchedRefund === 'cash' ? 'cash' : 'allow',
    messageTimeoutS: int('messageTimeoutS', 45),
  }
}

/** The client machine's settings from the payment type's. */
export function toSessionConfig(c: InpasConfig): SessionConfig {
  return {
    terminalId: c.id,
    currency: c.currencyCodeNumeric,
    timeoutS: c.timeout,
    messageTimeoutS: c.messageTimeoutS,
    qrSBP: c.qrSBP,
    sbpProfile: c.sbpProfile,
    sbpPayOp: c.sbpPayOp,
    sbpRefundOp: c.sbpRefundOp,
    sbpStatusOp: c.sbpStatusOp,
    sbpQrNotifyOp: c.sbpQrNotifyOp,
    sbpMethodTag: c.sbpMethodTag,
    sbpExtraFields: c.sbpExtraFields,
    refundRefTags: [14, 13],
    mirrorQr: c.mirrorQr,
    sameDayPartialRefund: c.sameDayPartialRefund,
    switchedRefund: c.switchedRefund,
    transport: c.transport === 'serial' ? 'webserial' : 'sandbox',
  }
}
