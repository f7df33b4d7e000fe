// The O!plati payment type a demo build starts with (mode 2: the QR on the till), bound to this sandbox.
import type { DemoPaymentType } from '../../workers/providers/types.ts'

export const DEMO: DemoPaymentType = {
  provider: 'oplati',
  name: 'O!плати',
  values: { url: '/sandbox/oplati/ms-pay', regNum: 'OPL000011111', timeout: 10, mode: 2 },
  secrets: {},
}
