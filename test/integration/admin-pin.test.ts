// The admin PIN in the engine: stored as a salted hash, checked, locked after wrong tries,
// changed only with the current PIN, and removable.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

it('no PIN: Settings are open; a PIN is set, kept only as a hash, and checked', async () => {
  h = await harness()
  expect(await h.engine.adminPinSet()).toBe(false)
  expect(await h.engine.verifyAdminPin('')).toEqual({ ok: true })
  expect(await h.engine.setAdminPin({ current: '', next: '12' })).toMatchObject({ ok: false, message: { key: 'pin.format' } })
  expect(await h.engine.setAdminPin({ current: '', next: '482913' })).toEqual({ ok: true })
  expect(await h.engine.adminPinSet()).toBe(true)
  expect(JSON.stringify(await h.db.settings.toArray())).not.toContain('482913')
  expect(await h.engine.verifyAdminPin('482913')).toEqual({ ok: true })
  expect(await h.engine.verifyAdminPin('000000')).toMatchObject({ ok: false, message: { key: 'pin.wrong' } })
})

it('changing the PIN needs the current one; an empty new PIN removes it', async () => {
  h = await harness()
  await h.engine.setAdminPin({ current: '', next: '1111' })
  expect(await h.engine.setAdminPin({ current: '2222', next: '3333' })).toMatchObject({ ok: false, message: { key: 'pin.wrong' } })
  expect(await h.engine.setAdminPin({ current: '1111', next: '3333' })).toEqual({ ok: true })
  expect(await h.engine.verifyAdminPin('1111')).toMatchObject({ ok: false })
  expect(await h.engine.setAdminPin({ current: '3333', next: '' })).toEqual({ ok: true })
  expect(await h.engine.adminPinSet()).toBe(false)
})

it('five wrong tries lock it for 30 s, even for the right PIN; then it opens again', async () => {
  h = await harness()
  await h.engine.setAdminPin({ current: '', next: '1111' })
  for (let i = 0; i < 5; i++) expect((await h.engine.verifyAdminPin('9999')).ok).toBe(false)
  expect(await h.engine.verifyAdminPin('1111')).toMatchObject({ ok: false, message: { key: 'pin.locked', params: { seconds: 30 } } })
  await h.clock.advance(30_000)
  expect(await h.engine.verifyAdminPin('1111')).toEqual({ ok: true })
})
