// Lint fixture: a provider's pure codec breaking its layer. Each ✗ names the error test/unit/lint-layers.test.ts expects.
import { lazy } from '../lazy.ts' // ✗ paydesk/layers: the client does the I/O around it
import { toMinor } from '../../../src/domain/money.ts'

export const later = (): number => setTimeout(() => undefined, 1) as unknown as number // ✗ no-restricted-globals: adapter
export const nonce = Math.random() // ✗ no-restricted-properties: randomness as an argument
export const used = [lazy, toMinor]
