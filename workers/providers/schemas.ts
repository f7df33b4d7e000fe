// The providers' settings schemas, for the settings form (pure data; no provider code): one line per provider.
import type { ConfigSchema } from '../../src/domain/config.ts'
import { CLICKPASS_SCHEMA } from './clickpass/config.ts'
import { PAYME_SCHEMA } from './payme/config.ts'
import { OPLATI_SCHEMA } from './oplati/config.ts'
import { SENDY_SCHEMA } from './sendy/config.ts'
import { INPAS_SCHEMA } from './inpas-sbp/config.ts'

export const SCHEMAS: Record<string, { title: string; schema: ConfigSchema }> = {
  clickpass: { title: 'ClickPass (Click, UZ)', schema: CLICKPASS_SCHEMA },
  payme: { title: 'PaymeGO (Payme, UZ)', schema: PAYME_SCHEMA },
  oplati: { title: 'O!плати (BY)', schema: OPLATI_SCHEMA },
  sendy: { title: 'Sendy (Sendy, WeChat, AliPay; RU)', schema: SENDY_SCHEMA },
  'inpas-sbp': { title: 'Inpas SmartSale (СБП, RU)', schema: INPAS_SCHEMA },
}
