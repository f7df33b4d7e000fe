// What the pay path keeps in memory (workers/engine/memo.ts) is never older than a committed write: a load that
// started before a write to its tables committed is not kept past that commit, whichever connection wrote it,
// and a failed load is not kept at all.
import { afterEach, describe, expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoOf, type Memo } from '../../workers/engine/memo.ts'

let memo: Memo | undefined
const dbs: PaydeskDb[] = []
afterEach(() => {
  memo?.stop()
  for (const db of dbs.splice(0)) db.close()
})

function open(idb: IDBFactory, name: string): PaydeskDb {
  const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
  dbs.push(db)
  return db
}

const read = (db: PaydeskDb) => () => db.settings.get('k').then((r) => r?.value)

describe('the memo', () => {
  it('a load started before a write in another connection committed is not kept after it', async () => {
    const idb = new IDBFactory()
    const here = open(idb, 'memo-a')
    const other = open(idb, 'memo-a')
    await here.settings.put({ key: 'k', value: 0 })
    memo = memoOf(here, ['settings'])
    for (let i = 1; i <= 20; i++) {
      const before = memo.get('k', read(here))
      const write = other.settings.put({ key: 'k', value: i })
      await Promise.all([before, write])
      expect(await memo.get('k', read(here))).toBe(i)
    }
  })

  it('a load running while its table changes is dropped; one that fails is not kept', async () => {
    const db = open(new IDBFactory(), 'memo-b')
    await db.settings.put({ key: 'k', value: 1 })
    memo = memoOf(db, ['settings'])
    let release = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const slow = memo.get('k', async () => {
      const v = await read(db)()
      await gate
      return v
    })
    await db.settings.put({ key: 'k', value: 2 })
    release()
    expect(await slow).toBe(1)
    expect(await memo.get('k', read(db))).toBe(2)
    await expect(memo.get('x', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(await memo.get('x', async () => 'again')).toBe('again')
  })

  it('a write to a table it does not watch keeps what it has', async () => {
    const db = open(new IDBFactory(), 'memo-c')
    await db.open()
    memo = memoOf(db, ['settings'])
    let loads = 0
    const load = async () => ++loads
    await memo.get('n', load)
    await db.shifts.put({ id: 's1', number: 1, openedAt: 0 } as never)
    expect(await memo.get('n', load)).toBe(1)
  })
})
