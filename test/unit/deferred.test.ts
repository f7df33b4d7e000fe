// The page's journal view loads after the first paint; a read started before it arrives is replayed
// on it, and once it is here every read goes to it directly.
import { expect, it } from 'vitest'
import { deferred } from '../../src/app/deferred.ts'

class Table {
  rows = [3, 1, 2]
  where(min: number) {
    return { count: async () => this.rows.filter((r) => r >= min).length, sorted: () => [...this.rows].sort() }
  }
  async get(i: number) {
    return this.rows[i]
  }
}
class View {
  ops = new Table()
}

it('replays a chain started before the view arrives, then hands out the view itself', async () => {
  let arrive!: (v: View) => void
  const ready = new Promise<View>((r) => (arrive = r))
  const view = deferred(ready)
  const early = view.ops.where(2).count()
  const get = view.ops.get(0)
  const sorted = view.ops.where(0).sorted()
  const real = new View()
  arrive(real)
  expect(await early).toBe(2)
  expect(await get).toBe(3)
  expect(await sorted).toEqual([1, 2, 3])
  await ready
  expect(view.ops).toBe(real.ops)
  expect(await view.ops.where(3).count()).toBe(1)
})
