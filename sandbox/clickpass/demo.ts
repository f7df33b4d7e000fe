// The ClickPass payment type a demo build starts with, bound to this sandbox (its secret is the sandbox's).
import type { DemoPaymentType } from '../../workers/providers/types.ts'

export const DEMO: DemoPaymentType = {
  provider: 'clickpass',
  name: 'ClickPass',
  values: { url: '/sandbox/clickpass', serviceId: 85335, merchantUserId: 123, confirmMode: true, timeout: 10, paymentProvider: 64, cashboxCode: 'KASSA-1' },
  secrets: { secretKey: 'secret' },
}
