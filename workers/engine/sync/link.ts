// The till's link to its store: the public part in settings (`store.link`: address, store and till ids,
// config version, when it last synced, the last error) for the status bar to read, and the bearer token apart in
// `secrets` (never shown, logged or exported).
import type { PaydeskDb } from '../db.ts'

export const LINK_KEY = 'store.link'
export const TOKEN_KEY = 'store.token'

export interface StoreLink {
  address: string
  storeId: string
  tillId: string
  storeName: string
  tillName: string
  /** `self` for a self-checkout kiosk. */
  tillKind: 'till' | 'self'
  enrolledAt: number
  configVersion: number
  /** The store's last shift number for this till at enrolment. */
  lastShift: number
  /** The last push the store answered (till clock). */
  lastSyncAt?: number
  /** The last push that did not go through: when, and why (plain text for the log view). */
  lastError?: { at: number; reason: string }
  /** The store refused the token (401/403): this till no longer syncs until enrolled again. */
  revoked?: boolean
}

export async function readLink(db: PaydeskDb): Promise<StoreLink | undefined> {
  return (await db.settings.get(LINK_KEY))?.value as StoreLink | undefined
}

export function linkStore(db: PaydeskDb) {
  return {
    read: () => readLink(db),
    token: async () => (await db.secrets.get(TOKEN_KEY))?.value,
    /** Save a new link and its token together. */
    save: (link: StoreLink, token: string) =>
      db.transaction('rw', db.settings, db.secrets, async () => {
        await db.secrets.put({ key: TOKEN_KEY, value: token })
        await db.settings.put({ key: LINK_KEY, value: link })
      }),
    /** Change the link only if it is still the same enrolment (an un-enrol meanwhile wins). */
    patch: (tillId: string, patch: Partial<StoreLink>) =>
      db.transaction('rw', db.settings, async () => {
        const cur = await readLink(db)
        if (!cur || cur.tillId !== tillId) return
        const next: StoreLink = { ...cur, ...patch }
        for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (next as unknown as Record<string, unknown>)[k]
        await db.settings.put({ key: LINK_KEY, value: next })
      }),
    forget: () =>
      db.transaction('rw', db.settings, db.secrets, async () => {
        await db.secrets.delete(TOKEN_KEY)
        await db.settings.delete(LINK_KEY)
      }),
  }
}
