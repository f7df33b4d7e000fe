// The providers' own messages in Russian, merged into src/i18n/ru.ts: one line per provider that
// keeps its messages in its folder. Text only — no provider code.
import { INPAS_RU } from '../inpas-sbp/messages.ru.ts'

export const PROVIDER_MESSAGES_RU = { ...INPAS_RU }
