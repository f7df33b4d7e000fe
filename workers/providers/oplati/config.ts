// O!plati settings: the seed module's `oplati.conf` names, types and defaults
// (seeds/oplati.txt; docs/protocols/oplati.md § 1.2), plus Paydesk's `password` (password mode).
import type { ConfigSchema } from '../../../src/domain/config.ts'

/** § 1.2 [V-doc]: a cashbox registration number is `OPL` and 9 digits. */
export const REG_NUM_FORMAT = /^OPL\d{9}$/

export type OplatiMode = 0 | 1 | 2

export const OPLATI_SCHEMA: ConfigSchema = {
  fileName: 'oplati.conf',
  section: 'Main',
  title: 'Настройки процессинга O!плати',
  fields: [
    {
      name: 'url',
      type: 'string',
      default: 'http://localhost',
      required: true,
      seedText: 'Адрес сервера. По умолчанию http://localhost',
      pattern: /^(https?:\/\/[^\s]+|\/[^\s]*)$/,
    },
    { name: 'timeout', type: 'int', default: 10, min: 1, max: 300, seedText: 'Время ожидания ответа от сервера (в секундах). По умолчанию 10 секунд' },
    {
      name: 'regNum',
      perTill: true,
      type: 'string',
      required: true,
      seedText: 'Регистрационный номер кассы',
      warnPattern: { pattern: REG_NUM_FORMAT, message: 'oplati.regNumFormat' },
    },
    {
      name: 'mode',
      type: 'int',
      default: 0,
      min: 0,
      max: 2,
      seedText:
        'Режим работы платежной системы O!плати: 0 - Сканирование QR-кода покупателя; 1 - Сканирование QR-кода мерчанта - Статический QR; 2 - Сканирование QR-кода мерчанта - Динамический QR. По умолчанию 0',
      hint: 'oplati.modeHint',
    },
    {
      name: 'password',
      type: 'string',
      secret: true,
      seedText: 'Пароль кассы (Paydesk): если задан, работа в режиме пароля, без токена',
      hint: 'oplati.passwordHint',
    },
  ],
}

export interface OplatiConfig {
  url: string
  timeout: number
  regNum: string
  mode: OplatiMode
  /** Empty: token mode (the seed's `token.conf`); set: password mode. */
  password: string
}
