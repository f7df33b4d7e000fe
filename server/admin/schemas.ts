// The providers' settings schemas on the server: the same `about.ts` files the till's Settings and the console
// read (one schema source: each exports its `ABOUT` and its `SCHEMA`). The page finds them by folder
// (workers/providers/catalog.ts, import.meta.glob); the server runs in plain Node too (inside vite preview), which has no glob import and cannot import .ts at run
// time, so they are listed here, and test/unit/store-config.test.ts fails when this list and the folders differ.
import type { ProviderAbout } from '../../workers/providers/types.ts'
import * as clickpass from '../../workers/providers/clickpass/about.ts'
import * as inpasSbp from '../../workers/providers/inpas-sbp/about.ts'
import * as oplati from '../../workers/providers/oplati/about.ts'
import * as payme from '../../workers/providers/payme/about.ts'
import * as sendy from '../../workers/providers/sendy/about.ts'

export const PROVIDER_SCHEMAS: Readonly<Record<string, ProviderAbout>> = Object.fromEntries(
  [clickpass, inpasSbp, oplati, payme, sendy].map(({ ABOUT, SCHEMA }) => [ABOUT.id, { ...ABOUT, schema: SCHEMA }]),
)
