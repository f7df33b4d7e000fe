// The PaymeGO payment type a demo build starts with, bound to this sandbox.
import type { DemoPaymentType } from '../../workers/providers/types.ts'

export const DEMO: DemoPaymentType = {
  provider: 'payme',
  name: 'PaymeGO',
  // Shorter polling than the seed's 300 s / 10 s, so a demo of a slow payment takes seconds.
  values: { url: '/sandbox/payme/api', posId: '5e730e8e0b852a417aa49ceb', timeout: 10, payDuration: 60_000, frequency: 2_000, paymentProvider: 141 },
  secrets: { posKey: 'sandbox-key' },
}
