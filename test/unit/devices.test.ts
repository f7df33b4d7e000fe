// The page renders device and token providers from what their about.ts declares (src/app/devices.ts): the till's
// choices by setting, the self-checkout's pick, and the stop — offered during a device's wait only where the device
// says the cashier may cancel it, and then worded as a cancel.
import { describe, expect, it } from 'vitest'
import { canStop, deviceChoices, kioskChoice, stopLabel, tokenOf, tokenStateText } from '../../src/app/devices.ts'
import { CATALOG } from '../../workers/providers/catalog.ts'

const pinpadType = Object.values(CATALOG).find((a) => a.device)
const scanType = Object.values(CATALOG).find((a) => !a.device && !a.token)

describe('device providers from about.ts', () => {
  it('a provider declares a device, and its texts are message keys', () => {
    expect(pinpadType?.device?.choices.length).toBeGreaterThan(0)
  })

  it('the till offers the choices whose setting is on; the self-checkout takes the first offered of its list', () => {
    const provider = pinpadType?.id ?? ''
    const off = deviceChoices({ provider, values: {} }).map((c) => c.id)
    const on = deviceChoices({ provider, values: { qrSBP: true } }).map((c) => c.id)
    expect(on.length).toBeGreaterThan(off.length)
    expect(kioskChoice({ provider, values: { qrSBP: true } })).toBe(pinpadType?.device?.kiosk.find((id) => on.includes(id)))
    expect(kioskChoice({ provider, values: {} })).toBe(pinpadType?.device?.kiosk.find((id) => off.includes(id)))
    expect(deviceChoices({ provider: scanType?.id ?? '', values: {} })).toEqual([])
    expect(kioskChoice({ provider: scanType?.id ?? '', values: {} })).toBeUndefined()
  })

  it('the stop shows during a device wait that may be cancelled, as «Отменить оплату»; a plain request in flight has none', () => {
    const device = { provider: pinpadType?.id ?? '', state: 'sent' }
    const plain = { provider: scanType?.id ?? '', state: 'sent' }
    expect(canStop(device)).toBe(true)
    expect(stopLabel(device)).toBe('sale.cancelPayment')
    expect(canStop(plain)).toBe(false)
    expect(canStop({ ...plain, display: { kind: 'qr' } })).toBe(true)
    expect(canStop({ ...plain, state: 'unknown' })).toBe(true)
    expect(stopLabel({ ...plain, state: 'unknown' })).toBe('sale.stopWaiting')
    expect(canStop({ ...device, cashierLeft: true })).toBe(false)
    expect(canStop({ ...device, queued: true })).toBe(false)
    expect(canStop({ ...device, state: 'approved' })).toBe(false)
  })

  it('a token provider names its reset button; others have none', () => {
    const token = Object.values(CATALOG).find((a) => a.token)
    expect(tokenOf({ provider: token?.id ?? '' })?.reset).toMatch(/\.resetToken$/)
    expect(tokenOf({ provider: scanType?.id ?? '' })).toBeUndefined()
    // Settings says the stored token's state in the provider's words; no token stored reads as `none`.
    const provider = { provider: token?.id ?? '' }
    expect(tokenStateText(provider, true, 'desync')).toBe(token?.token?.states.desync)
    expect(tokenStateText(provider, false, 'desync')).toBe(token?.token?.states.none)
    expect(tokenStateText(provider, true, 'unheard-of')).toBe(token?.token?.states.none)
    expect(tokenStateText({ provider: scanType?.id ?? '' }, true, 'ok')).toBeUndefined()
  })
})
