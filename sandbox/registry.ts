// The provider emulators the sandbox server mounts, each under `/sandbox/<id>`. Adding a
// provider = one folder under `sandbox/<id>/` exporting a `ProviderFactory` + one line here.

import { clickpass } from './clickpass/provider.ts'
import type { ProviderFactory } from './core/types.ts'
import { oplati } from './oplati/provider.ts'
import { payme } from './payme/provider.ts'
import { sendy } from './sendy/provider.ts'

export const PROVIDERS: readonly ProviderFactory[] = [clickpass, payme, oplati, sendy]
