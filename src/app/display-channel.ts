// The till tells the customer display (`#/display`) what is being prepared before any payment
// exists: the amount typed and the chosen payment type's name and pay mode, so the
// customer reads what to do before the scan. Same-origin BroadcastChannel; a display that opens
// later asks with `hello`.
import type { PayMode } from '../../workers/providers/types.ts'

export const DISPLAY_CHANNEL = 'paydesk-display'

export interface Draft {
  amount?: number
  currency?: string
  typeName?: string
  payMode?: PayMode
  /** «Новая продажа» pressed at (epoch ms): a result finished before it is the last customer's, not shown. */
  newSaleAt?: number
}

export type DisplayMessage = { type: 'draft'; draft: Draft } | { type: 'hello' }

export function displayChannel(onMessage: (m: DisplayMessage) => void): { send(m: DisplayMessage): void; close(): void } {
  const ch = new BroadcastChannel(DISPLAY_CHANNEL)
  ch.onmessage = (e: MessageEvent) => {
    const m = e.data as DisplayMessage | null
    if (m && (m.type === 'hello' || (m.type === 'draft' && typeof m.draft === 'object'))) onMessage(m)
  }
  return { send: (m) => ch.postMessage(m), close: () => ch.close() }
}
