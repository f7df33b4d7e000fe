// The providers' own messages in Uzbek, merged into src/i18n/uz.ts: one line per provider that
// keeps its messages in its folder. Text only — no provider code.
import { INPAS_UZ } from '../inpas-sbp/messages.uz.ts'

export const PROVIDER_MESSAGES_UZ = { ...INPAS_UZ }
