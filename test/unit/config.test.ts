import { describe, expect, it } from 'vitest'
import { exportConf, importConf, missingRequired, withDefaults } from '../../src/domain/config.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'

const SEED_SAMPLE = `[Main]
; Настройки процессинга ClickPass

; Время ожидания ответа от сервера (в секундах)
; По умолчанию 10 секунд
;timeout = 10

; Адрес сервера
;url = http://localhost

; Идентификатор сервиса
;serviceld = ""

; Обязательное подтверждение операции
;confirmMode = true

; Секретный ключ
;secretKey = ""

; Идентификатор пользователя
;merchantUserId = ""

; Код провайдера услуг по оплате по QR-коду
;paymentProvider = 64
`

describe('seed .conf import (docs/rules.md R9, docs/protocols/clickpass.md § 5 scenarios 1–4, 19)', () => {
  it('the seed’s own sample imports as "all defaults" and leaves the type disabled for want of a service id', () => {
    const r = importConf(CLICKPASS_SCHEMA, SEED_SAMPLE)
    expect(r.ok).toBe(true)
    const values = withDefaults(CLICKPASS_SCHEMA, r.values)
    expect(values).toMatchObject({ timeout: 10, url: 'http://localhost', confirmMode: true, paymentProvider: 64 })
    expect(missingRequired(CLICKPASS_SCHEMA, values, new Set())).toEqual(['serviceId', 'secretKey', 'merchantUserId'])
  })

  it('accepts the seed’s spelling serviceld as serviceId', () => {
    const r = importConf(CLICKPASS_SCHEMA, '[Main]\nserviceld = 85335\n')
    expect(r.ok).toBe(true)
    expect(r.values.serviceId).toBe(85335)
  })

  it('refuses both spellings with different values, and applies nothing', () => {
    const r = importConf(CLICKPASS_SCHEMA, '[Main]\nserviceld = 1\nserviceId = 2\ntimeout = 5\n')
    expect(r.ok).toBe(false)
    expect(r.errors.map((e) => e.message.key)).toEqual(['config.conflict'])
  })

  it('names the key of an invalid value and lists every error', () => {
    const r = importConf(CLICKPASS_SCHEMA, '[Main]\ntimeout = ten\nconfirmMode = maybe\n')
    expect(r.ok).toBe(false)
    expect(r.errors.map((e) => [e.field, e.line])).toEqual([
      ['timeout', 2],
      ['confirmMode', 3],
    ])
  })

  it('keeps unknown keys as foreign, "" as not set, quotes stripped, secrets apart', () => {
    const r = importConf(CLICKPASS_SCHEMA, '[Main]\nurl = "https://api.click.uz"\nmerchantUserId = ""\nsecretKey = s3cr3t\nfancy = 1\nconfirmMode = FALSE\n')
    expect(r.ok).toBe(true)
    expect(r.values).toEqual({ url: 'https://api.click.uz', merchantUserId: undefined, confirmMode: false })
    expect(r.secrets).toEqual({ secretKey: 's3cr3t' })
    expect(r.foreign).toEqual({ fancy: '1' })
  })

  it('an export writes serviceId, leaves the secret empty, and imports back to the same values', () => {
    const values = { timeout: 7, url: 'https://api.click.uz', serviceId: 85335, confirmMode: false, merchantUserId: 123, paymentProvider: 64 }
    const text = exportConf(CLICKPASS_SCHEMA, values)
    expect(text).toContain('serviceId = 85335')
    expect(text).toMatch(/;secretKey = ""/)
    const back = importConf(CLICKPASS_SCHEMA, text)
    expect(back.ok).toBe(true)
    expect(back.secrets).toEqual({})
    expect(withDefaults(CLICKPASS_SCHEMA, back.values)).toMatchObject(values)
  })

  it('the schema uses the parameter names of the seed document', () => {
    // The parameter table of the seed clickpass.conf, in its order and spelling (`serviceld`, with a letter l).
    const seedNames = ['timeout', 'url', 'serviceld', 'confirmMode', 'secretKey', 'merchantUserId', 'paymentProvider']
    expect(CLICKPASS_SCHEMA.fields.filter((f) => f.name !== 'cashboxCode').map((f) => f.aliases?.[0] ?? f.name)).toEqual(seedNames)
  })
})
