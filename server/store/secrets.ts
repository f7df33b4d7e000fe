// Random codes and tokens, and the hashes the store keeps of them (never the values themselves).
import { createHash, randomBytes, randomInt } from 'node:crypto'
import { ENROL_CODE_LENGTH } from '../../src/domain/store-contract.ts'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')

/** A one-time enrolment code: 10 Crockford base32 characters (50 bits), uniformly drawn. */
export function newEnrolCode(): string {
  let s = ''
  for (let i = 0; i < ENROL_CODE_LENGTH; i++) s += CROCKFORD[randomInt(32)]
  return s
}

/** A till's bearer token: 32 random bytes, base64url, with a prefix that makes a leaked one recognisable. */
export const newTillToken = (): string => `pdt_${randomBytes(32).toString('base64url')}`

/** A till id: short, random, readable in the admin console. */
export const newTillId = (): string => `till_${randomBytes(8).toString('hex')}`
