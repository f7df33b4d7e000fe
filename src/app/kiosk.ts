// The self-checkout lock: once `#/self` is open, this tab stays on it — any other
// route goes back to `#/self` — until staff leave with the PIN.
const KEY = 'paydesk.kiosk'

export const kioskLocked = (): boolean => sessionStorage.getItem(KEY) === '1'
export const lockKiosk = (): void => sessionStorage.setItem(KEY, '1')
export const unlockKiosk = (): void => sessionStorage.removeItem(KEY)

/** Seconds without a touch before the self-checkout goes back to its attract screen: `#/self?idle=<5–600>`, default 60. */
export function idleSeconds(hash = location.hash): number {
  const m = /[?&]idle=(\d{1,3})(?:&|$)/.exec(hash)
  const n = m ? Number(m[1]) : 60
  return Math.min(600, Math.max(5, n))
}
