// What the page may know of this provider without its code: the settings form's title and schema, and what
// the till says under "scan". Found by folder (workers/providers/catalog.ts): no list to edit.
import type { ProviderAbout } from '../types.ts'
import { INPAS_SCHEMA } from './config.ts'

export const ABOUT: ProviderAbout = { id: 'inpas-sbp', title: 'Inpas SmartSale (СБП, RU)', schema: INPAS_SCHEMA, scanHint: 'inpas.choose.title' }
