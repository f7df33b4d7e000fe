// Who may send money back, and who may leave a self-checkout. One rule for the
// journal and the host: with a supervisor PIN set, it is asked; on a till that also serves as a
// self-checkout, money going back always needs a PIN (the admin's, when no supervisor PIN is set),
// so a customer who got out of the kiosk cannot refund themselves. The self-checkout starts only
// behind an admin PIN. Each place that asks for a PIN counts its wrong tries apart.
import { msg, type Msg } from '../../src/domain/messages.ts'
import { adminPin, type PinResult } from './admin-pin.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import type { Locks } from './locks.ts'
import type { Logger } from './log.ts'
import { SUPERVISOR_PIN_KEY } from './admin-pin.ts'

/** Set once the self-checkout ran on this till (browser profile): from then on refunds need a PIN. */
export const KIOSK_SERVED_KEY = 'kiosk.served'
/** The request-dedupe keys of the host's cancels and refunds. */
const hostRequestKey = (key: string) => `host.request:${key}`

export type ReversalGuard = 'none' | 'supervisor' | 'admin'

export function moneyGuard(db: PaydeskDb, clock: Clock, log: Logger, locks?: Locks) {
  const admin = adminPin(db, clock, undefined, locks)
  const supervisor = adminPin(db, clock, SUPERVISOR_PIN_KEY, locks)
  const kioskServed = async () => (await db.settings.get(KIOSK_SERVED_KEY))?.value === true

  async function reversalGuard(): Promise<ReversalGuard> {
    if (await supervisor.isSet()) return 'supervisor'
    return (await kioskServed()) ? 'admin' : 'none'
  }

  return {
    /** The self-checkout may start only behind an admin PIN (a kiosk must not be left without one). */
    async kioskStart(): Promise<{ ok: true } | { ok: false; message: Msg }> {
      if (!(await admin.isSet())) return { ok: false, message: msg('self.needAdminPin') }
      if (!(await kioskServed())) {
        await db.settings.put({ key: KIOSK_SERVED_KEY, value: true })
        log.info('kiosk', 'self-checkout started on this till: money going back needs a PIN from now on')
      }
      return { ok: true }
    },
    /** The staff exit of the self-checkout: the admin PIN, with its own count of wrong tries. */
    verifyKioskExit: async (pin: string): Promise<PinResult> =>
      (await admin.isSet()) ? admin.verify(pin, 'kiosk') : { ok: false, message: msg('self.needAdminPin') },
    /** Which PIN money going back needs now. */
    reversalGuard,
    /** Check the PIN money going back needs (journal or host); its own count of wrong tries. */
    async verifyReversalPin(pin: string): Promise<PinResult> {
      const g = await reversalGuard()
      if (g === 'supervisor') return supervisor.verify(pin)
      if (g === 'admin') return (await admin.isSet()) ? admin.verify(pin, 'money') : { ok: false, message: msg('self.needAdminPin') }
      return { ok: true }
    },
    /** The operation an earlier host request with this key started, if any. */
    async hostRequestOperation(key: string) {
      const id = (await db.settings.get(hostRequestKey(key)))?.value as string | undefined
      return id ? db.operations.get(id) : undefined
    },
  }
}
