// Whether the admin PIN was given in this page's life: Settings asks once per session, and a
// reload asks again.
class AdminSession {
  unlocked = $state(false)
}

export const adminSession = new AdminSession()
