// ClickPass settings: exactly the seed module's names, types and defaults
// (seeds/clickpass.txt; docs/protocols/clickpass.md § 1.2), plus Paydesk's `cashboxCode`.
import type { ConfigSchema } from '../../../src/domain/config.ts'

export const CLICKPASS_SCHEMA: ConfigSchema = {
  fileName: 'clickpass.conf',
  section: 'Main',
  title: 'Настройки процессинга ClickPass',
  fields: [
    { name: 'timeout', type: 'int', default: 10, min: 1, max: 300, seedText: 'Время ожидания ответа от сервера (в секундах). По умолчанию 10 секунд' },
    {
      name: 'url',
      type: 'string',
      default: 'http://localhost',
      required: true,
      seedText: 'Адрес сервера. По умолчанию http://localhost',
      pattern: /^(https?:\/\/[^\s]+|\/[^\s]*)$/,
    },
    { name: 'serviceId', type: 'int', aliases: ['serviceld'], required: true, min: 1, seedText: 'Идентификатор сервиса' },
    { name: 'confirmMode', type: 'bool', default: true, seedText: 'Обязательное подтверждение операции. По умолчанию true' },
    { name: 'secretKey', type: 'string', secret: true, required: true, seedText: 'Секретный ключ' },
    { name: 'merchantUserId', type: 'int', required: true, min: 1, seedText: 'Идентификатор пользователя' },
    { name: 'paymentProvider', type: 'int', default: 64, min: 0, seedText: 'Код провайдера услуг по оплате по QR-коду. По умолчанию 64' },
    { name: 'cashboxCode', type: 'string', perTill: true, seedText: 'Код кассы (Paydesk)', hint: 'clickpass.cashboxCodeHint' },
  ],
}

export interface ClickPassConfig {
  timeout: number
  url: string
  serviceId: number
  confirmMode: boolean
  secretKey: string
  merchantUserId: number
  paymentProvider: number
  cashboxCode?: string
}
