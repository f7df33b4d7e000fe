// A provider's durable key/value store (OpCtx.store): rows of the settings table keyed
// `<provider>:<payment type>:<key>`. `next` reads and advances a counter in one IndexedDB
// transaction: two tabs (two workers, one database) never take the same number.
import type { OpCtx } from '../providers/types.ts'
import type { PaydeskDb } from './db.ts'

export function providerStore(db: PaydeskDb, providerId: string, paymentTypeId: string, onPut?: (key: string) => Promise<void>): OpCtx<unknown>['store'] {
  const k = (key: string) => `${providerId}:${paymentTypeId}:${key}`
  return {
    get: async <T>(key: string) => (await db.settings.get(k(key)))?.value as T | undefined,
    put: async (key: string, value: unknown) => {
      await db.settings.put({ key: k(key), value })
      await onPut?.(key)
    },
    next: (key: string) =>
      db.transaction('rw', db.settings, async () => {
        const cur = (await db.settings.get(k(key)))?.value
        const n = (typeof cur === 'number' && Number.isSafeInteger(cur) ? cur : 0) + 1
        await db.settings.put({ key: k(key), value: n })
        return n
      }),
  }
}
