// The provider settings schemas the settings form renders (pure data; no provider code).
import type { ConfigSchema } from '../domain/config.ts'
import { CLICKPASS_SCHEMA } from '../../workers/providers/clickpass/config.ts'
import { PAYME_SCHEMA } from '../../workers/providers/payme/config.ts'
import { OPLATI_SCHEMA } from '../../workers/providers/oplati/config.ts'
import { SENDY_SCHEMA } from '../../workers/providers/sendy/config.ts'
import { INPAS_SCHEMA } from '../../workers/providers/inpas-sbp/config.ts'

export const SCHEMAS: Record<string, { title: string; schema: ConfigSchema }> = {
  clickpass: { title: 'ClickPass (Click, UZ)', schema: CLICKPASS_SCHEMA },
  payme: { title: 'PaymeGO (Payme, UZ)', schema: PAYME_SCHEMA },
  oplati: { title: 'O!плати (BY)', schema: OPLATI_SCHEMA },
  sendy: { title: 'Sendy (Sendy, WeChat, AliPay; RU)', schema: SENDY_SCHEMA },
  'inpas-sbp': { title: 'Inpas SmartSale (СБП, RU)', schema: INPAS_SCHEMA },
}
