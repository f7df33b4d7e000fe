// The one list of providers: adding a provider is one folder and one line here (DESIGN § 2).
import type { AnyProvider } from './types.ts'
import { clickpass } from './clickpass/index.ts'
import { payme } from './payme/index.ts'
import { oplati } from './oplati/index.ts'
import { inpasSbp } from './inpas-sbp/index.ts'
import { sendy } from './sendy/index.ts'

export const PROVIDERS: readonly AnyProvider[] = [clickpass, payme, oplati, sendy, inpasSbp]
