// The providers' own messages in English, merged into src/i18n/en.ts: one line per provider that
// keeps its messages in its folder. Text only — no provider code.
import { INPAS_EN } from '../inpas-sbp/messages.en.ts'

export const PROVIDER_MESSAGES_EN = { ...INPAS_EN }
