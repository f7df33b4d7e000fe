// Processor secrets at rest on the store server: AES-256-GCM, the key in a file of its own outside the
// database, so a dump of the database or the chain's copy never holds a usable secret. Each sealed value is bound
// to its row (store, payment type, till, name) as associated data, so a sealed blob copied onto another row, or
// another store, does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const VERSION = 1
const IV = 12
const TAG = 16

export interface SecretRow {
  storeId: string
  paymentTypeId: string
  /** '' for the store's value; a till id for a till's own (not used yet). */
  tillId: string
  name: string
}

export interface Sealer {
  seal(row: SecretRow, plain: string): Uint8Array
  open(row: SecretRow, sealed: Uint8Array): string
}

const aad = (r: SecretRow) => Buffer.from(JSON.stringify([r.storeId, r.paymentTypeId, r.tillId, r.name]), 'utf8')

export function createSealer(key: Uint8Array): Sealer {
  if (key.length !== 32) throw new Error('the sealing key must be 32 bytes')
  const k = Buffer.from(key)
  return {
    seal(row, plain) {
      const iv = randomBytes(IV)
      const c = createCipheriv('aes-256-gcm', k, iv)
      c.setAAD(aad(row))
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), body]))
    },
    open(row, sealed) {
      const b = Buffer.from(sealed)
      if (b.length < 1 + IV + TAG || b[0] !== VERSION) throw new Error('not a sealed secret')
      const d = createDecipheriv('aes-256-gcm', k, b.subarray(1, 1 + IV))
      d.setAAD(aad(row))
      d.setAuthTag(b.subarray(1 + IV, 1 + IV + TAG))
      return Buffer.concat([d.update(b.subarray(1 + IV + TAG)), d.final()]).toString('utf8')
    },
  }
}

/**
 * The key from its file (base64 of 32 bytes); created with mode 0600 on first start when `create` is set.
 * Losing this file means re-entering every processor secret in the console; back it up apart from the database.
 */
export function loadSealKey(path: string, create = true): Uint8Array {
  if (!existsSync(path)) {
    if (!create) throw new Error(`the sealing key file is missing: ${path}`)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  }
  try {
    chmodSync(path, 0o600)
  } catch {
    /* not ours to change (read-only mount): reading is enough */
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new Error(`the sealing key file does not hold 32 bytes in base64: ${path}`)
  return new Uint8Array(key)
}
