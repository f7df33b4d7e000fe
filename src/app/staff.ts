// «Позвать сотрудника»: the self-checkout calls, every cashier's till of this browser
// profile shows it until someone answers «Иду»; the answer goes back to the self-checkout.
export const STAFF_CHANNEL = 'paydesk-staff'

import type { Msg } from '../domain/messages.ts'

/** A call may carry why: a staff text the customer was not shown (src/domain/customer-text.ts). */
export type StaffMessage = { type: 'call'; id: string; at: number; order?: string; reason?: Msg } | { type: 'ack'; id: string }

export function staffChannel(onMessage: (m: StaffMessage) => void): { send(m: StaffMessage): void; close(): void } {
  const ch = new BroadcastChannel(STAFF_CHANNEL)
  ch.onmessage = (e: MessageEvent) => {
    const m = e.data as StaffMessage | null
    if (m && (m.type === 'call' || m.type === 'ack') && typeof m.id === 'string') onMessage(m)
  }
  return { send: (m) => ch.postMessage(m), close: () => ch.close() }
}
