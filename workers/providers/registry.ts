// The one list of providers: adding a provider is one folder and one line here (docs/architecture.md § 2).
import type { AnyProvider, ProviderEnv } from './types.ts'
import { clickpass } from './clickpass/index.ts'
import { payme } from './payme/index.ts'
import { oplati } from './oplati/index.ts'
import { createInpasProvider } from './inpas-sbp/index.ts'
import { sendy } from './sendy/index.ts'

/** The providers, given what the worker hands them (a demo build: the emulated serial port). */
export function createProviders(env: ProviderEnv = {}): readonly AnyProvider[] {
  return [clickpass, payme, oplati, sendy, createInpasProvider(undefined, env)]
}

/** The providers with no emulator reachable (a production worker, the node tests). */
export const PROVIDERS: readonly AnyProvider[] = createProviders()

/**
 * Load the clients of these providers now, in the background (each loads on first use otherwise): the worker calls
 * it once the till has listed its payment types, so the first sale waits for no chunk and the start for none either.
 */
export function preloadClients(providers: readonly AnyProvider[], ids: Iterable<string>): void {
  const wanted = new Set(ids)
  for (const p of providers) if (wanted.has(p.id)) void p.preload?.().catch(() => undefined)
}
