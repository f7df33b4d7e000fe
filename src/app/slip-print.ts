// One print of an operation's slip, shared by the screens and the host adapter. The slips go to the printer
// before the host hears the result: the host prints its fiscal receipt after them (docs/protocols/sendy.md § 4.11,
// seed: «распечатывает слип(ы) и фискальный чек»). Whoever comes first prints; the other waits for that print.
import type { Operation } from '../domain/operation.ts'
import { printer } from './printer.svelte.ts'

const printing = new Map<string, Promise<void>>()
const MAX_KEPT = 200

/** An approved operation's slip, printed once per page; resolves once it went to the printer (nothing to print: at once). */
export function printSlipOnce(op: Operation): Promise<void> {
  if (op.state !== 'approved' || !op.slip) return Promise.resolve()
  let p = printing.get(op.id)
  if (!p) {
    p = printer.print(op.slip).catch((e: unknown) => console.error('paydesk slip print failed', e))
    printing.set(op.id, p)
    for (const old of [...printing.keys()].slice(0, Math.max(0, printing.size - MAX_KEPT))) printing.delete(old)
  }
  return p
}
