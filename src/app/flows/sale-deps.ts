// The sale flow's edges as the app wires them: the engine through Comlink, the journal through Dexie liveQuery,
// the printer, the host adapter, the camera and the till's currency. The flow tests hand their own.
import { db, engine, startListing } from '../../engine.ts'
import { live } from '../live.svelte.ts'
import { printer } from '../printer.svelte.ts'
import { hostPaymentStarted, clearHostPay } from '../host-lazy.ts'
import { cameraProblem, startCamera } from '../../scan/scanner.ts'
import { printSlipOnce } from '../slip-print.ts'
import { tillCurrency } from '../till-currency.svelte.ts'
import { ulid } from '../../domain/ids.ts'
import type { Operation } from '../../domain/operation.ts'
import { TILL_CATALOG as CATALOG } from '../../../workers/providers/till-catalog.ts'
import type { SaleFlowDeps } from './sale-flow.svelte.ts'

const OPEN_STATES = ['created', 'sent', 'unknown', 'resolving']

export function appSaleDeps(): SaleFlowDeps {
  return {
    listPaymentTypes: () => startListing(),
    pay: (req) => engine.pay(req),
    addLoyaltyCard: (req) => engine.addLoyaltyCard(req),
    watch: (id) => live<Operation | undefined>(async () => (id ? db.operations.get(id) : undefined), undefined),
    openPayments: () =>
      db.operations
        .where('state')
        .anyOf(OPEN_STATES)
        .filter((o) => o.kind === 'pay')
        .sortBy('createdAt'),
    print: (op) => void printSlipOnce(op),
    printQr: (op, provider) => {
      if (op.display?.kind !== 'qr') return
      const { payload } = op.display
      const lines = [{ label: 'slip.amount', value: op.amount, format: 'money' as const, strong: true }]
      void import('qrcode')
        .then((q) => q.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }))
        .then((qrSvg) => printer.print({ title: 'slip.scanQr', provider, currency: op.currency, lines, copies: 1, qrSvg }))
    },
    startCamera,
    cameraProblem,
    hostPaymentStarted,
    clearHostPay,
    newId: () => ulid(Date.now(), crypto.getRandomValues(new Uint8Array(16))),
    now: () => Date.now(),
    maxAmount: (t) => CATALOG[t.provider]?.maxAmount,
    tillCurrency: () => tillCurrency.value,
  }
}
