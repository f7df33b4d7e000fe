// The journal and queue writes that precede a request are committed with strict
// durability, so a power cut right after the request left cannot lose the row.
import { expect, it } from 'vitest'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'

it('every read-write transaction of the journal and the queue asks IndexedDB for strict durability', async () => {
  const db = new PaydeskDb('durability-test', { indexedDB: new IDBFactory(), IDBKeyRange })
  const seen: (string | undefined)[] = []
  await db.transaction('rw', db.operations, db.queue, async () => {
    seen.push((Dexie.currentTransaction as unknown as { idbtrans: IDBTransaction }).idbtrans.durability)
    await db.queue.add({ provider: 'clickpass', paymentTypeId: 'x', opId: 'y', attempt: 0, nextAttemptAt: 0, createdAt: 0 })
  })
  expect(seen).toEqual(['strict'])
  db.close()
})
