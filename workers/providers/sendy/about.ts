// What the page may know of this provider without its code: the settings form's title and schema, and what
// the till says under "scan". Found by folder (workers/providers/catalog.ts): no list to edit.
import type { TillAbout } from '../types.ts'

// The settings form's schema: Settings and the console read it (workers/providers/catalog.ts), the till never does.
export { SENDY_SCHEMA as SCHEMA } from './config.ts'

export const ABOUT: TillAbout = {
  id: 'sendy',
  title: 'Sendy (Sendy, WeChat, AliPay; RU)',
  scanHint: 'sendy.scan',
  appName: 'Sendy',
  // docs/protocols/sendy.md § 3.1: at most 1 000 000 ₽.
  maxAmount: 100_000_000,
}
