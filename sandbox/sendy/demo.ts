// The Sendy payment type a demo build starts with (online: the QR on the till, WeChat offered too), bound to this sandbox.
import type { DemoPaymentType } from '../../workers/providers/types.ts'

export const DEMO: DemoPaymentType = {
  provider: 'sendy',
  name: 'Sendy',
  values: { url: '/sandbox/sendy', terminalId: 'T0001', terminalSerial: 'SN-0001', mode: 'online', 'systems.wechat': true, timeout: 10 },
  secrets: {},
}
