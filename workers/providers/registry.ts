// The one list of providers: adding a provider is one folder and one line here (docs/architecture.md § 2).
import type { AnyProvider, ProviderEnv } from './types.ts'
import { clickpass } from './clickpass/index.ts'
import { payme } from './payme/index.ts'
import { oplati } from './oplati/index.ts'
import { createInpasProvider, inpasPorts } from './inpas-sbp/index.ts'
import { sendy } from './sendy/index.ts'

/** The providers, given what the worker hands them (a demo build: the emulated serial port). */
export function createProviders(env: ProviderEnv = {}): readonly AnyProvider[] {
  return [clickpass, payme, oplati, sendy, createInpasProvider(inpasPorts(env))]
}

/** The providers with no emulator reachable (a production worker, the node tests). */
export const PROVIDERS: readonly AnyProvider[] = createProviders()
