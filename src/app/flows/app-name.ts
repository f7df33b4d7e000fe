// What a customer reads on a payment type's tile and in its instruction: the app they know (Click, Payme), as the
// provider's `about.ts` declares it, not the name the admin gave the type. Two offered types of the same app keep
// their own names, so the customer can tell them apart.
import { TILL_CATALOG as CATALOG } from '../../../workers/providers/till-catalog.ts'
import type { PaymentTypeView } from '../../../workers/engine/engine.ts'

export function appNameOf(t: Pick<PaymentTypeView, 'id' | 'name' | 'provider'>, offered: readonly Pick<PaymentTypeView, 'id' | 'provider'>[]): string {
  const app = CATALOG[t.provider]?.appName
  if (!app) return t.name
  const twin = offered.some((o) => o.id !== t.id && CATALOG[o.provider]?.appName === app)
  return twin ? t.name : app
}
