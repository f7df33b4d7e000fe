// What the page may know of this provider without its code: the settings form's title and schema, and what
// the till says under "scan". Found by folder (workers/providers/catalog.ts): no list to edit.
import type { ProviderAbout } from '../types.ts'
import { INPAS_SCHEMA } from './config.ts'

export const ABOUT: ProviderAbout = {
  id: 'inpas-sbp',
  title: 'Inpas SmartSale (СБП, RU)',
  schema: INPAS_SCHEMA,
  scanHint: 'inpas.choose.title',
  // docs/protocols/inpas-sbp.md § 6.3: at most 999 999 999 999 kopecks (the codec's AMOUNT_MAX_MINOR).
  // No app name: the pin-pad takes a card or SBP as the type is set up, so the tile keeps the type's name.
  maxAmount: 999_999_999_999,
}
