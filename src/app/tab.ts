// This browser tab's id: kept in sessionStorage, so a reload keeps it and another
// tab has its own. Operations remember it, and the till shows its own sale.
const KEY = 'paydesk-tab'

function tabId(): string {
  try {
    const kept = sessionStorage.getItem(KEY)
    if (kept) return kept
    const id = crypto.randomUUID()
    sessionStorage.setItem(KEY, id)
    return id
  } catch {
    return crypto.randomUUID()
  }
}

export const TAB = tabId()
