// The host adapter (./host.ts) as the till's sale screen reaches it: the adapter and its protocol load beside
// the payment worker, not in the first load. `startHost` waits for the worker's list of allowed origins before
// it listens, so loading the adapter first adds nothing to when a host is heard. Until the adapter is there the
// host's state is `none`: nothing can have started a host payment yet.
import type { HostState } from './host.ts'

type Host = typeof import('./host.ts')
let loaded: Host | undefined
const load = (): Promise<Host> => import('./host.ts').then((m) => (loaded = m))

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
