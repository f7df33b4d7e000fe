// The self-checkout lock (18): once `#/self` is open, the kiosk stays on it — any other
// route goes back to `#/self` — until staff leave with the PIN. The lock belongs to the browser
// profile (localStorage), not the tab: a new tab or window the customer opens (Ctrl+N, a link) opens
// the self-checkout too. A tab that was already open before the lock (a staff till of the same
// profile that hears «Позвать сотрудника») keeps working.
const KEY = 'paydesk.kiosk'

const stored = (): boolean => {
  try {
    return localStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}
/** A tab opened while the profile is a locked kiosk is the kiosk. */
let thisTab = stored()

/** A long press or right click opens no browser menu on a locked kiosk («Открыть в новой вкладке», «Просмотреть код»). */
const noMenu = (e: Event) => e.preventDefault()
const menus = (on: boolean) => {
  if (typeof window === 'undefined') return
  window.removeEventListener('contextmenu', noMenu, true)
  if (on) window.addEventListener('contextmenu', noMenu, true)
}
menus(thisTab)

export const kioskLocked = (): boolean => thisTab && stored()
export const lockKiosk = (): void => {
  thisTab = true
  localStorage.setItem(KEY, '1')
  menus(true)
}
export const unlockKiosk = (): void => {
  thisTab = false
  localStorage.removeItem(KEY)
  menus(false)
}

/** Seconds without a touch before the self-checkout goes back to its attract screen: `#/self?idle=<5–600>`, default 60. */
export function idleSeconds(hash = location.hash): number {
  const m = /[?&]idle=(\d{1,3})(?:&|$)/.exec(hash)
  const n = m ? Number(m[1]) : 60
  return Math.min(600, Math.max(5, n))
}
