// Holding a lock asked for beside another (pay asks for its operation's lock beside its payment type's): granted
// while free, refused with `ifAvailable` while another holds it, free again once released — released before it was
// granted too, so a payment that never reaches its drive leaves nothing held.
import { describe, expect, it } from 'vitest'
import { memoryLocks, NOT_AVAILABLE } from '../../workers/engine/locks.ts'

describe('a held lock', () => {
  it('is granted while free and keeps others out until released', async () => {
    const locks = memoryLocks()
    const held = locks.hold('a')
    expect(await held.granted).toBe(true)
    expect(await locks.run('a', async () => 'ran', { ifAvailable: true })).toBe(NOT_AVAILABLE)
    await held.release()
    expect(await locks.run('a', async () => 'ran', { ifAvailable: true })).toBe('ran')
  })

  it('is refused with ifAvailable while another holds it, and then holds nothing', async () => {
    const locks = memoryLocks()
    const first = locks.hold('a')
    await first.granted
    const second = locks.hold('a', { ifAvailable: true })
    expect(await second.granted).toBe(false)
    await second.release()
    await first.release()
    expect(await locks.run('a', async () => 'ran', { ifAvailable: true })).toBe('ran')
  })

  it('released before it was granted, is let go as soon as it is', async () => {
    const locks = memoryLocks()
    const first = locks.hold('a')
    await first.granted
    const waiting = locks.hold('a')
    const freed = waiting.release()
    await first.release()
    expect(await waiting.granted).toBe(true)
    await freed
    expect(await locks.run('a', async () => 'ran', { ifAvailable: true })).toBe('ran')
  })
})
