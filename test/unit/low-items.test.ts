// «Low, still worth closing»: each as a pure check.
import { describe, expect, it } from 'vitest'
import { csvRow } from '../../src/domain/journal.ts'
import { msg, SERVER_TEXT_MAX } from '../../src/domain/messages.ts'
import { decodeReply } from '../../workers/providers/clickpass/codec.ts'
import { importConf } from '../../src/domain/config.ts'
import { CONF_MAX_FOREIGN_KEYS, previewConf } from '../../src/domain/conf-merge.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'

describe('processor text and ids', () => {
  it('a 200 KB error_note is kept and shown capped', () => {
    const note = 'x'.repeat(200_000)
    const r = decodeReply(JSON.stringify({ error_code: -5017, error_note: note }))
    expect(r.kind === 'reply' && r.reply.errorNote!.length).toBe(SERVER_TEXT_MAX)
    expect(msg('common.declined', {}, note).server!.length).toBe(SERVER_TEXT_MAX + 1)
  })
  it('the payment id is the top-level one: a nested payment_id (first in the text) does not win', () => {
    const r = decodeReply('{"error_code":0,"extra":{"payment_id":111},"note":"\\"payment_id\\":222","payment_id":98765432109876543}')
    expect(r.kind === 'reply' && r.reply.paymentId).toBe('98765432109876543')
    const none = decodeReply('{"error_code":0,"extra":{"payment_id":111}}')
    expect(none.kind === 'reply' && none.reply.paymentId).toBeUndefined()
  })
})

describe('CSV cells', () => {
  it('a leading tab or CR is neutralised like = + - @', () => {
    expect(csvRow(['\t=1+1', '\r=HYPERLINK("x")', '=1', '-5'])).toBe(`'\t=1+1,"'\r=HYPERLINK(""x"")",'=1,-5`)
  })
})

describe('.conf values', () => {
  it('a scheme-relative url and control characters in cashboxCode are refused', () => {
    expect(importConf(CLICKPASS_SCHEMA, '[Main]\nurl = //other.example/click\n')).toMatchObject({ ok: false, errors: [{ field: 'url' }] })
    expect(importConf(CLICKPASS_SCHEMA, '[Main]\ncashboxCode = KASSA\u00071\n')).toMatchObject({ ok: false, errors: [{ field: 'cashboxCode' }] })
    expect(importConf(CLICKPASS_SCHEMA, '[Main]\ncashboxCode = KASSA-1\n')).toMatchObject({ ok: true })
  })
  it('unknown keys are counted: too many (with those kept) are refused, so an export can always be imported back', () => {
    const lines = Array.from({ length: CONF_MAX_FOREIGN_KEYS + 1 }, (_, i) => `unknown${i} = ${i}`).join('\n')
    const r = previewConf(CLICKPASS_SCHEMA, { values: {} }, `[Main]\n${lines}\n`)
    expect(r).toMatchObject({ ok: false, message: { key: 'conf.tooManyUnknown' } })
    const kept = Object.fromEntries(Array.from({ length: CONF_MAX_FOREIGN_KEYS }, (_, i) => [`old${i}`, 'v']))
    expect(previewConf(CLICKPASS_SCHEMA, { values: {}, foreign: kept }, '[Main]\nnewKey = 1\n')).toMatchObject({ ok: false })
    expect(previewConf(CLICKPASS_SCHEMA, { values: {} }, '[Main]\nnewKey = 1\n')).toMatchObject({ ok: true })
  })
})
