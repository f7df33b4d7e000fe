// PaymeGO settings: the seed module's `payme.go.conf` names, types and defaults
// (seeds/paymego.txt; docs/protocols/payme.md § 1.2), plus Paydesk's `accountTemplate`.
import type { ConfigSchema, ConfigValues, FieldError } from '../../../src/domain/config.ts'
import { msg } from '../../../src/domain/messages.ts'

/** The seed's list of codes that `ignoredErrors` may hold (seeds/paymego.txt). */
export const SEED_ERROR_CODES = [
  '-32300',
  '-32700',
  '-32600',
  '-32400',
  '-32601',
  '-32602',
  '-32504',
  '-31301',
  '-31300',
  '-31302',
  '-31303',
  '-31002',
  '-31001',
  '-31400',
  '-31101',
  '-31102',
  '-31103',
  '-31110',
  '-31700',
  '-31613',
  '-31630',
  '-31602',
  '-31601',
  '-31620',
  '-31100',
  '-31624',
  '-31623',
  '-31900',
  '-31640',
  '-31901',
  '-31200',
  '-31800',
] as const

export const DEFAULT_ACCOUNT_TEMPLATE = '{"order_id":"{operationId}"}'

export const PAYME_SCHEMA: ConfigSchema = {
  fileName: 'payme.go.conf',
  section: 'Main',
  title: 'Настройки процессинга PaymeGo',
  fields: [
    { name: 'timeout', type: 'int', default: 10, min: 1, max: 300, seedText: 'Время ожидания ответа от сервера (в секундах). По умолчанию 10 секунд' },
    {
      name: 'url',
      type: 'string',
      default: 'http://localhost',
      required: true,
      seedText: 'Адрес сервера. По умолчанию "http://localhost"',
      pattern: /^(https?:\/\/[^\s]+|\/[^\s]*)$/,
    },
    { name: 'posId', type: 'string', default: 'id', placeholder: 'id', required: true, seedText: 'Код кассы. По умолчанию "id"' },
    { name: 'posKey', type: 'string', secret: true, placeholder: 'key', required: true, seedText: 'Ключ кассы. По умолчанию "key"' },
    {
      name: 'payDuration',
      type: 'int',
      default: 300_000,
      min: 1_000,
      max: 3_600_000,
      seedText: 'Продолжительность опроса состояния выполнения оплаты (в миллисекундах). По умолчанию 300000',
    },
    {
      name: 'frequency',
      type: 'int',
      default: 10_000,
      min: 1_000,
      max: 3_600_000,
      seedText: 'Частота опроса состояния оплаты (в миллисекундах). По умолчанию 10000',
    },
    { name: 'paymentProvider', type: 'int', default: 141, min: 0, seedText: 'Код провайдера услуг по оплате по QR-коду. По умолчанию 141' },
    {
      name: 'ignoredErrors',
      type: 'list',
      default: [],
      allowed: SEED_ERROR_CODES,
      seedText: 'Список кодов ошибок, при получении которых сообщения на отмену не помещаются в очередь. По умолчанию список пуст',
    },
    {
      name: 'accountTemplate',
      type: 'string',
      default: DEFAULT_ACCOUNT_TEMPLATE,
      seedText: 'Объект account для receipts.create (Paydesk)',
      hint: 'payme.accountHint',
    },
  ],
  validate(v: ConfigValues): FieldError[] {
    const errors: FieldError[] = []
    if (typeof v.frequency === 'number' && typeof v.payDuration === 'number' && v.frequency > v.payDuration)
      errors.push({ field: 'frequency', message: msg('payme.frequencyTooLong', { frequency: v.frequency, payDuration: v.payDuration }) })
    if (typeof v.accountTemplate === 'string' && !isAccountTemplate(v.accountTemplate))
      errors.push({ field: 'accountTemplate', message: msg('payme.badAccountTemplate') })
    return errors
  },
}

function isAccountTemplate(t: string): boolean {
  try {
    const o: unknown = JSON.parse(t)
    return typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).length > 0
  } catch {
    return false
  }
}

export interface PaymeConfig {
  timeout: number
  url: string
  posId: string
  posKey: string
  payDuration: number
  frequency: number
  paymentProvider: number
  ignoredErrors: number[]
  accountTemplate: string
}
