// Capabilities have defaults (docs/architecture.md § 3): a provider declares only what it has beyond taking the
// customer's QR, so a new capability touches the providers that have it, not every index.ts.
import { describe, expect, it } from 'vitest'
import { CAPABILITY_DEFAULTS, capabilities } from '../../workers/providers/types.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'

describe('capabilities', () => {
  it('a provider that declares nothing takes the customer’s QR and nothing more', () => {
    expect(capabilities({})).toEqual({
      payModes: ['customer-qr'],
      cancel: false,
      refund: 'none',
      cancelRefund: false,
      void: false,
      reconcile: false,
      loyalty: false,
      shifts: false,
      blockWhileCompensating: false,
    })
  })

  it('what a provider declares wins, and its pay modes are its own array', () => {
    const c = capabilities({ refund: 'partial', payModes: ['pinpad'] })
    expect(c).toMatchObject({ refund: 'partial', payModes: ['pinpad'], cancel: false })
    expect(capabilities({}).payModes).not.toBe(CAPABILITY_DEFAULTS.payModes)
  })

  it('every provider has every capability, as it declared them before the defaults', () => {
    const all = Object.fromEntries(PROVIDERS.map((p) => [p.id, p.capabilities]))
    const base = { cancelRefund: false, void: false, reconcile: false, loyalty: false, shifts: false, blockWhileCompensating: false }
    expect(all).toEqual({
      clickpass: { ...base, payModes: ['customer-qr'], cancel: true, refund: 'full' },
      payme: { ...base, payModes: ['customer-qr'], cancel: true, refund: 'full' },
      oplati: {
        payModes: ['customer-qr', 'merchant-static', 'merchant-dynamic'],
        cancel: true,
        refund: 'partial',
        cancelRefund: true,
        void: true,
        reconcile: true,
        loyalty: true,
        shifts: false,
        blockWhileCompensating: true,
      },
      sendy: { ...base, payModes: ['customer-qr', 'merchant-dynamic'], cancel: true, refund: 'full', void: true, reconcile: true, shifts: true },
      'inpas-sbp': { ...base, payModes: ['pinpad'], cancel: false, refund: 'partial' },
    })
  })
})
