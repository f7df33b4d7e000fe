// The Inpas ecrNo counter (§ 6.3 step 2) is read and advanced in one transaction, so a refund in
// one tab and a payment in another, on one pin-pad type, never take the same number. Two tabs are two
// database connections on one IndexedDB, as two workers of one browser profile are.
import { expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { providerStore } from '../../workers/engine/provider-store.ts'
import { nextEcrNo } from '../../workers/providers/inpas-sbp/client.ts'
import type { InpasConfig } from '../../workers/providers/inpas-sbp/config.ts'

it('two tabs taking numbers at once never take the same one, and the counter ends at the count taken', async () => {
  const idb = new IDBFactory()
  const tabs = [new PaydeskDb('ecr-race', { indexedDB: idb, IDBKeyRange }), new PaydeskDb('ecr-race', { indexedDB: idb, IDBKeyRange })]
  const config = { id: '99000001' } as InpasConfig
  const ctxs = tabs.map((db) => ({ config, store: providerStore(db, 'inpas-sbp', 'inpas') }))
  const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => nextEcrNo(ctxs[i % 2]!)))
  expect(new Set(taken).size).toBe(20)
  expect([...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  expect(await ctxs[0]!.store.get('ecrNo:99000001')).toBe(20)
  // A pin-pad type's counter is its own: another terminal id starts at 1.
  expect(await nextEcrNo({ config: { id: '99000002' } as InpasConfig, store: ctxs[1]!.store })).toBe(1)
  for (const db of tabs) db.close()
})
