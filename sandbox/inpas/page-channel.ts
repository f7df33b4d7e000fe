// The `#/pinpad` page's end of the BroadcastChannel `paydesk-pinpad` (channel.ts): it says `hello` when it opens, so
// every payment worker listening shows its emulator, and again to each worker that begins to listen later (a tab
// opened after the page, or a worker slower to start than the page under load).
import { PINPAD_CHANNEL, type PinpadPageMessage, type PinpadWorkerMessage } from './channel.ts'

export interface PinpadPageChannel {
  post(m: PinpadPageMessage): void
  close(): void
}

/** Open the page's end: `on` gets each emulator's screen and replies. */
export function openPinpadPageChannel(on: (m: Exclude<PinpadWorkerMessage, { type: 'listening' }>) => void): PinpadPageChannel {
  const channel = new BroadcastChannel(PINPAD_CHANNEL)
  const post = (m: PinpadPageMessage) => channel.postMessage(m)
  channel.onmessage = (e: MessageEvent<PinpadWorkerMessage>) => {
    const m = e.data
    if (!m || typeof m !== 'object') return
    if (m.type === 'listening') post({ type: 'hello' })
    else if (m.type === 'screen' || m.type === 'reply') on(m)
  }
  post({ type: 'hello' })
  return { post, close: () => channel.close() }
}
