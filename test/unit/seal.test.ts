// Processor secrets sealed with AES-256-GCM, bound to their row, the key in a file of its own.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSealer, loadSealKey } from '../../server/admin/seal.ts'

const row = { storeId: 's1', paymentTypeId: 'click', tillId: '', name: 'secretKey' }

describe('seal', () => {
  const sealer = createSealer(new Uint8Array(32).fill(7))

  it('round-trips, and the sealed bytes never hold the plain text', () => {
    const sealed = sealer.seal(row, 'SUPER-SECRET-123')
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('SUPER-SECRET')
    expect(sealer.open(row, sealed)).toBe('SUPER-SECRET-123')
    // A fresh IV each time: two seals of one value differ.
    expect(Buffer.from(sealer.seal(row, 'x')).equals(Buffer.from(sealer.seal(row, 'x')))).toBe(false)
  })

  it('a sealed value moved to another row, store or key does not open; a flipped byte does not open', () => {
    const sealed = sealer.seal(row, 'k')
    expect(() => sealer.open({ ...row, paymentTypeId: 'payme' }, sealed)).toThrow()
    expect(() => sealer.open({ ...row, storeId: 's2' }, sealed)).toThrow()
    expect(() => createSealer(new Uint8Array(32).fill(8)).open(row, sealed)).toThrow()
    const bad = new Uint8Array(sealed)
    bad[bad.length - 1]! ^= 1
    expect(() => sealer.open(row, bad)).toThrow()
    expect(() => sealer.open(row, new Uint8Array(3))).toThrow()
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSealer(new Uint8Array(16))).toThrow()
  })

  it('creates the key file once with mode 0600 and reads the same key again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-seal-'))
    const path = join(dir, 'keys', 'seal.key')
    const a = loadSealKey(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(Buffer.from(loadSealKey(path)).equals(Buffer.from(a))).toBe(true)
    expect(readFileSync(path, 'utf8').trim()).toBe(Buffer.from(a).toString('base64'))
    writeFileSync(path, 'short')
    expect(() => loadSealKey(path)).toThrow(/32 bytes/)
    expect(() => loadSealKey(join(dir, 'none.key'), false)).toThrow(/missing/)
  })
})
