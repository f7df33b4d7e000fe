// The host adapter (./host.ts) as the till's sale screen reaches it: the adapter and its protocol are not in the
// first load; they load once the till is up and the page is idle (./after-start.ts), so fetching them never
// competes with the payment worker's start. The adapter then listens and says `paydesk.ready` to the host, which
// waits for it (docs/host-contract.md). Until the adapter is there the host's state is `none`: nothing can have
// started a host payment yet.
import type { HostState } from './host.ts'
import { afterStart } from './after-start.ts'

type Host = typeof import('./host.ts')
let loaded: Host | undefined
const load = (): Promise<Host> => afterStart.then(() => import('./host.ts')).then((m) => (loaded = m))

export function startHost(): Promise<() => void> {
  return load().then((h) => h.startHost())
}

export function onHostState(fn: (s: HostState) => void): () => void {
  if (loaded) return loaded.onHostState(fn)
  let off: (() => void) | undefined
  let stopped = false
  fn({ kind: 'none' })
  void load().then((h) => {
    if (!stopped) off = h.onHostState(fn)
  })
  return () => {
    stopped = true
    off?.()
  }
}

export function hostPaymentStarted(opId: string): void {
  loaded?.hostPaymentStarted(opId)
}

export function clearHostPay(): void {
  loaded?.clearHostPay()
}
