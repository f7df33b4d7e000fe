// A provider's durable key/value store (OpCtx.store): rows of the settings table keyed
// `<provider>:<payment type>:<key>`. `next` reads and advances a counter in one IndexedDB
// transaction: two tabs (two workers, one database) never take the same number.
import type { AnyProvider, OpCtx, PaymentType } from '../providers/types.ts'
import type { PaydeskDb } from './db.ts'
import type { Memo } from './memo.ts'

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

/**
 * The store the engine hands a provider: reads from memory (`memo`, dropped when the settings table changes
 * anywhere), each read a copy the provider may change; a write of a key the provider calls secret refreshes
 * what the log masks.
 */
export function memoProviderStore(
  db: PaydeskDb,
  memo: Memo,
  provider: AnyProvider,
  pt: PaymentType,
  refreshSecrets: () => Promise<void>,
): OpCtx<unknown>['store'] {
  const store = providerStore(db, provider.id, pt.id, async (key) => {
    if (provider.secretStoreKey?.(key)) await refreshSecrets()
  })
  const k = (key: string) => `${provider.id}:${pt.id}:${key}`
  return { ...store, get: async <T>(key: string) => structuredClone(await memo.get(k(key), () => store.get(key))) as T | undefined }
}
