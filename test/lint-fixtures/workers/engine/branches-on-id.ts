// Lint fixture: the engine breaking its layer. Each ✗ names the error test/unit/lint-layers.test.ts expects there.
import { oplati } from '../providers/oplati/index.ts' // ✗ paydesk/layers: only through the Provider interface
import { encodePay } from '../providers/clickpass/codec.ts' // ✗ paydesk/layers: only through the Provider interface
import { DEMO } from '../../sandbox/payme/demo.ts' // ✗ paydesk/layers: never imports sandbox/
import { SALE } from '../../src/app/Sale.svelte' // ✗ paydesk/layers: never imports the page
import type { AnyProvider } from '../providers/types.ts'
import { backoffMs } from '../../src/domain/backoff.ts'
import { memoryLocks } from './locks.ts'

export function pick(p: AnyProvider): number {
  if (p.id === 'oplati') return 1 // ✗ no-restricted-syntax: never on its id
  switch (p.id) {
    case 'sendy': // ✗ no-restricted-syntax: never on its id
      return 2
  }
  return p.capabilities.refund === 'partial' ? 3 : 4
}
export const used = [oplati, encodePay, DEMO, SALE, backoffMs, memoryLocks]
