// Sendy settings (docs/protocols/sendy.md § 1.2): the module's GUI items under Paydesk keys and
// defaults [C] — the seed gives no names — plus Paydesk's `printQr`, `allowRefund` and the
// wire-constant overrides (§ 4.1). Settings travel as Paydesk JSON: the module has no `.conf`.
import type { ConfigSchema, FieldError } from '../../../src/domain/config.ts'
import { msg } from '../../../src/domain/messages.ts'
import { parseWireOverrides } from './codec-local.ts'

export type SendyLanguage = 'ru' | 'en' | 'zh'
export type SendyMode = 'offline' | 'online'
export type SendySystem = 'sendy' | 'wechat' | 'alipay'

export const SENDY_SCHEMA: ConfigSchema = {
  format: 'json',
  fileName: 'sendy.json',
  section: 'Main',
  title: 'Настройки платежного модуля Sendy',
  fields: [
    { name: 'url', type: 'string', required: true, seedText: 'url сервера платежной системы', pattern: /^(https?:\/\/[^\s]+|\/[^\s]*)$/ },
    { name: 'language', type: 'string', default: 'ru', allowed: ['ru', 'en', 'zh'], seedText: 'язык сообщений', hint: 'sendy.languageHint' },
    { name: 'slipWidth', type: 'int', default: 32, min: 20, max: 64, seedText: 'ширина текста в слипе', hint: 'sendy.slipWidthHint' },
    { name: 'timeout', type: 'int', default: 30, min: 1, max: 300, seedText: 'таймаут ожидания' },
    {
      name: 'mode',
      type: 'string',
      default: 'offline',
      allowed: ['offline', 'online'],
      seedText: 'режим выполнения платежей – Офлайн или онлайн оплата',
      hint: 'sendy.modeHint',
    },
    { name: 'systems.wechat', type: 'bool', default: true, seedText: 'Система WeChat - может быть включена или отключена (только онлайн-оплата)' },
    { name: 'systems.alipay', type: 'bool', default: false, seedText: 'AliPay - если доступен, его можно будет включить (только онлайн-оплата)' },
    { name: 'slipCopies', type: 'int', default: 1, min: 0, max: 5, seedText: 'Количество слипов' },
    { name: 'detailedReport', type: 'bool', default: false, seedText: 'Детальный отчет о закрытии дня' },
    {
      name: 'terminalId',
      perTill: true,
      type: 'string',
      required: true,
      seedText: 'идентификатор терминала – выданный при регистрации в системе Sendy',
      pattern: /^[\w.-]{1,64}$/,
    },
    { name: 'terminalSerial', type: 'string', perTill: true, required: true, seedText: 'выбранный серийный номер терминала', pattern: /^[\w.-]{1,64}$/ },
    { name: 'printQr', type: 'bool', default: true, seedText: 'Онлайн-оплата: печатать QR-код (Paydesk)' },
    { name: 'allowRefund', type: 'bool', default: false, seedText: 'Разрешить возврат (Paydesk)' },
    { name: 'wire', type: 'string', seedText: 'Константы протокола: JSON с заменами путей, заголовков, кодов и интервалов (Paydesk)', hint: 'sendy.wireHint' },
  ],
  validate(values) {
    const errors: FieldError[] = []
    if (typeof values.wire === 'string' && values.wire !== '' && !parseWireOverrides(values.wire).ok)
      errors.push({ field: 'wire', message: msg('sendy.badWire') })
    return errors
  },
}

export interface SendyConfig {
  url: string
  language: SendyLanguage
  slipWidth: number
  timeout: number
  mode: SendyMode
  wechat: boolean
  alipay: boolean
  slipCopies: number
  detailedReport: boolean
  terminalId: string
  terminalSerial: string
  printQr: boolean
  allowRefund: boolean
  wire: string
}
