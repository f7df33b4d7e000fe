// What the page may know of this provider without its code: the settings form's title and schema, and what
// the till says under "scan". Found by folder (workers/providers/catalog.ts): no list to edit.
import type { ProviderAbout } from '../types.ts'
import { CLICKPASS_SCHEMA } from './config.ts'

export const ABOUT: ProviderAbout = {
  id: 'clickpass',
  title: 'ClickPass (Click, UZ)',
  schema: CLICKPASS_SCHEMA,
  scanHint: 'clickpass.scan',
  appName: 'Click',
  // docs/protocols/clickpass.md § 3.1: at most 100 000 000 сум.
  maxAmount: 10_000_000_000,
}
