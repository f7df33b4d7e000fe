// docs/protocols/inpas-sbp.md § 6.5: a result from another terminal ID (a different pin-pad on the
// port) stops new operations until fixed: the type is disabled with why, a pay is refused before any byte; the
// right pin-pad answering «Проверить связь» lifts it.
import { afterEach, expect, it } from 'vitest'
import { inpasHarness, type InpasHarness } from '../support/engine.ts'
import { TID } from '../support/inpas.ts'
import { INPAS_MSG } from '../../workers/providers/inpas-sbp/messages.ts'

let h: InpasHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

it('another terminal ID in a result blocks the next payment until the right pin-pad answers the link check', async () => {
  h = await inpasHarness()
  h.control({ action: 'setTid', tid: '12345678' })
  const first = await h.engine.pay({ paymentTypeId: 'inpas', amount: 12345, code: '', method: 'sbp' })
  expect(first.ok).toBe(true)
  await h.engine.settled()
  const blocked = { key: INPAS_MSG.tidBlocked, params: { got: '12345678', want: TID } }
  expect((await h.engine.listPaymentTypes())[0]).toMatchObject({ enabled: false, reason: blocked })
  expect(await h.engine.providerStatus('inpas')).toMatchObject({ ok: true, status: { notice: INPAS_MSG.tidMismatch } })
  const framesBefore = h.pad.trace().length
  expect(await h.engine.pay({ paymentTypeId: 'inpas', amount: 500, code: '', method: 'card' })).toMatchObject({ ok: false, message: blocked })
  expect(h.pad.trace().length).toBe(framesBefore)

  h.control({ action: 'setTid', tid: TID })
  expect(await h.engine.providerAction('inpas', 'checkLink')).toMatchObject({ ok: true, message: { key: INPAS_MSG.adminLinkOk } })
  expect((await h.engine.listPaymentTypes())[0]).toMatchObject({ enabled: true })
  const again = await h.engine.pay({ paymentTypeId: 'inpas', amount: 500, code: '', method: 'sbp' })
  expect(again.ok).toBe(true)
})
