// What the page may know of this provider without its code: the settings form's title and schema, what the till
// says under "scan", and Settings' token row (the cashbox token and its states). Found by folder (workers/providers/catalog.ts): no list to edit.
import type { TillAbout } from '../types.ts'

// The settings form's schema: Settings and the console read it (workers/providers/catalog.ts), the till never does.
export { OPLATI_SCHEMA as SCHEMA } from './config.ts'

export const ABOUT: TillAbout = {
  id: 'oplati',
  title: 'O!плати (BY)',
  scanHint: 'oplati.scanCustomer',
  appName: 'O!плати',
  token: {
    reset: 'oplati.resetToken',
    confirm: 'oplati.resetTokenConfirm',
    states: { ok: 'oplati.token.ok', invalid: 'oplati.token.invalid', desync: 'oplati.token.desync', none: 'oplati.token.none' },
  },
}
