// What the page may know of this provider without its code: the settings form's title and schema, and what
// the till says under "scan". Found by folder (workers/providers/catalog.ts): no list to edit.
import type { TillAbout } from '../types.ts'

// The settings form's schema: Settings and the console read it (workers/providers/catalog.ts), the till never does.
export { PAYME_SCHEMA as SCHEMA } from './config.ts'

export const ABOUT: TillAbout = {
  id: 'payme',
  title: 'PaymeGO (Payme, UZ)',
  scanHint: 'payme.scan',
  appName: 'Payme',
  // docs/protocols/payme.md § 3.1: at most 100 000 000 сум.
  maxAmount: 10_000_000_000,
}
