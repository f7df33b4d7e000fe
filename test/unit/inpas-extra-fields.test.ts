// `sbpExtraFields` (docs/protocols/inpas-sbp.md § 3.2) is settable: `tag=value;…`, checked.
import { expect, it } from 'vitest'
import { INPAS_SCHEMA, parseExtraFields, toInpasConfig, toSessionConfig } from '../../workers/providers/inpas-sbp/config.ts'
import { INPAS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'

it('reads tag=value pairs, empty as none, and refuses what the request sets itself, repeats and junk', () => {
  expect(parseExtraFields('')).toEqual([])
  expect(parseExtraFields(' 210=ABC; 211 = 7 ;')).toEqual([
    [210, 'ABC'],
    [211, '7'],
  ])
  for (const bad of ['210', '=x', '256=x', '27=1', '4=643', '210=a;210=b', '210=', 'x=1', `210=${'a'.repeat(65)}`, '210=a\u0001b'])
    expect(parseExtraFields(bad), bad).toBeUndefined()
  expect(parseExtraFields('200=SBP', [200])).toBeUndefined()
})

it('reaches the session config, and a malformed value is a field error', () => {
  const values = { id: '99000001', currencyCodeNumeric: '643', timeout: 180, sbpExtraFields: '210=ABC' }
  expect(toSessionConfig(toInpasConfig(values)).sbpExtraFields).toEqual([[210, 'ABC']])
  expect(INPAS_SCHEMA.validate!({ ...values, sbpExtraFields: '27=X' })).toEqual([{ field: 'sbpExtraFields', message: { key: INPAS_MSG.cfgExtraFields } }])
})
