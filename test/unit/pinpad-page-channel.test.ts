// The `#/pinpad` page and the payment workers' emulators meet on the BroadcastChannel `paydesk-pinpad`
// (sandbox/inpas/page-channel.ts, in-page.ts): a worker that begins to listen after the page said `hello` — a tab
// opened later, or a worker slower to start than its page under load — still shows its emulator on the page.
import { afterEach, expect, it, vi } from 'vitest'
import { openPinpadPageChannel, type PinpadPageChannel } from '../../sandbox/inpas/page-channel.ts'
import { listenPinpadPage, stopListeningPinpadPage } from '../../sandbox/inpas/in-page.ts'
import type { PinpadWorkerMessage } from '../../sandbox/inpas/channel.ts'

let page: PinpadPageChannel | undefined
afterEach(() => {
  page?.close()
  stopListeningPinpadPage()
})

it('a worker that listens only after the page said hello still shows its emulator, idle, on the page', async () => {
  const heard: PinpadWorkerMessage[] = []
  // The page first: its hello reaches no worker yet. Then the worker starts listening.
  page = openPinpadPageChannel((m) => heard.push(m))
  listenPinpadPage()
  await vi.waitFor(() => expect(heard.find((m) => m.type === 'screen')).toMatchObject({ type: 'screen', screen: { kind: 'idle' } }), {
    timeout: 5_000,
  })
})
