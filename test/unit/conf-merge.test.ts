// `.conf` import as a preview, then a merge — pure, in src/domain/conf-merge.ts.
import { describe, expect, it } from 'vitest'
import { CONF_MAX_BAD_LINES, CONF_MAX_BYTES, previewConf } from '../../src/domain/conf-merge.ts'
import { exportConf, importConf } from '../../src/domain/config.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'
import { PAYME_SCHEMA } from '../../workers/providers/payme/config.ts'

const current = {
  values: { url: '/click', serviceId: 85335, merchantUserId: 123, timeout: 10, cashboxCode: 'KASSA-1' },
  foreign: {},
  secretsSet: ['secretKey'],
}

describe('previewConf', () => {
  it('lists field, old → new for what the file changes, and keeps what it does not mention (cashboxCode)', () => {
    const r = previewConf(CLICKPASS_SCHEMA, current, '[Main]\ntimeout = 12\nserviceld = 85335\nconfirmMode = false\n')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.changes).toEqual([
      { field: 'timeout', old: '10', next: '12' },
      { field: 'confirmMode', old: 'true', next: 'false' },
    ])
    expect(r.values).toMatchObject({ url: '/click', cashboxCode: 'KASSA-1', timeout: 12, confirmMode: false, merchantUserId: 123 })
    expect(r.warnings).toEqual([])
  })

  it('shows a secret only as changing, never its value', () => {
    const r = previewConf(CLICKPASS_SCHEMA, current, '[Main]\nsecretKey = TopSecret99\n')
    expect(r.ok && r.changes).toEqual([{ field: 'secretKey', old: '••••', next: '••••', secret: true }])
    expect(JSON.stringify(r.ok && r.changes)).not.toContain('TopSecret99')
    expect(r.ok && r.secrets).toEqual({ secretKey: 'TopSecret99' })
  })

  it('keeps unknown keys, merges them with those kept before, and exports them again', () => {
    const r = previewConf(CLICKPASS_SCHEMA, { ...current, foreign: { legacy: '1' } }, '[Main]\nterminalMode = fast\n[Extra]\nx = 2\n')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.foreign).toEqual({ legacy: '1', terminalMode: 'fast', '[Extra] x': '2' })
    expect(r.newForeign).toEqual(['terminalMode', '[Extra] x'])
    const text = exportConf(CLICKPASS_SCHEMA, r.values, r.foreign)
    const again = importConf(CLICKPASS_SCHEMA, text)
    expect(again.foreign).toEqual({ legacy: '1', terminalMode: 'fast', '[Extra] x': '2' })
    expect(again.values.timeout).toBe(10)
  })

  it('warns for the placeholder url and for a url that leaves the origin', () => {
    const keys = (text: string) => {
      const r = previewConf(CLICKPASS_SCHEMA, current, text, 'https://till.example')
      return r.ok ? r.warnings.map((w) => w.message.key) : ['refused']
    }
    expect(keys('[Main]\nurl = http://localhost\n')).toEqual(['conf.urlPlaceholder'])
    expect(keys('[Main]\nurl = "http://localhost/"\n')).toEqual(['conf.urlPlaceholder'])
    // A scheme-relative url is refused, not only warned about.
    expect(keys('[Main]\nurl = //evil.example/path\n')).toEqual(['refused'])
    expect(keys('[Main]\nurl = https://api.click.uz\n')).toEqual(['conf.urlCrossOrigin'])
    expect(keys('[Main]\nurl = /click\n')).toEqual([])
    expect(keys('[Main]\ntimeout = 5\n')).toEqual([])
  })

  it('refuses an invalid value with its line, and changes nothing', () => {
    const r = previewConf(CLICKPASS_SCHEMA, current, '[Main]\ntimeout = 12\nserviceId = abc\n')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.message.key).toBe('config.importFailed')
    expect(r.errors).toEqual([expect.objectContaining({ field: 'serviceId', line: 3 })])
  })

  it('checks rules across fields on the merged values (Payme frequency ≤ payDuration)', () => {
    const r = previewConf(PAYME_SCHEMA, { values: { payDuration: 5000, frequency: 1000 } }, '[Main]\nfrequency = 9000\n')
    expect(r.ok).toBe(false)
  })

  it('refuses a file over 64 KB at once, before parsing it', () => {
    const big = '[Main]\n' + '; padding\n'.repeat(CONF_MAX_BYTES / 10 + 10)
    const r = previewConf(CLICKPASS_SCHEMA, current, big)
    expect(r).toMatchObject({ ok: false, message: { key: 'conf.tooBig', params: { max: 64 } }, errors: [] })
    // Multi-byte text counts in bytes, as the file on disk does.
    expect(previewConf(CLICKPASS_SCHEMA, current, '; ' + 'я'.repeat(CONF_MAX_BYTES / 2)).ok).toBe(false)
  })

  it('refuses a file with more than 50 bad lines as "not a .conf", listing the first errors', () => {
    const junk = Array.from({ length: CONF_MAX_BAD_LINES + 1 }, (_, i) => `garbage line ${i}`).join('\n')
    const r = previewConf(CLICKPASS_SCHEMA, current, junk)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.message).toMatchObject({ key: 'conf.notConf', params: { count: 51, max: 50 } })
    expect(r.errors.length).toBe(10)
    expect(r.errors[0]).toMatchObject({ line: 1 })
    // Exactly 50 bad lines is an ordinary refusal listing errors, not "not a .conf".
    const fifty = previewConf(CLICKPASS_SCHEMA, current, junk.split('\n').slice(0, 50).join('\n'))
    expect(!fifty.ok && fifty.message.key).toBe('config.importFailed')
  })
})
