// The fault matrix's provider rows: what the runner needs to know about one payment type to
// pay with it, aim a fault at its routes, read a request at the browser's edge, and read the
// sandbox's ledger. The runner never branches on a provider id: a provider joins the matrix
// by adding a row here (PROVIDER_ROWS) — that is the hook for Inpas (once the pin-pad runs
// outside the page, bridged over a WebSocket, so it outlives a killed tab) and for Sendy.

/** Abstract routes the matrix aims faults at (protocols README S3: pay, confirm, status, cancel). */
export type AbstractRoute = 'pay' | 'confirm' | 'status' | 'cancel'

/** One sale at the sandbox, keyed by the operation id Paydesk sent as its merchant reference. */
export interface LedgerSale {
  opId: string
  /** The merchant holds the money now (paid and not reversed). */
  held: boolean
  /** Still moving at the sandbox (processing, waiting for the customer): neither held nor returned yet. */
  open: boolean
  state: string
}

export interface ProviderRow {
  /** Row id as it appears in case ids. */
  id: string
  /** The provider (pairwise factor); its rows are its modes. */
  provider: string
  /** Sandbox prefix (`/sandbox/<sandbox>`). */
  sandbox: string
  /** The demo payment type this row pays with. */
  paymentTypeId: string
  /** Payment type settings over the demo values (short timeouts keep the matrix fast). */
  values: Record<string, string | number | boolean>
  /** The settings change how the till takes the payment (a code field or a QR): the page reloads after them. */
  reopenAfterSettings: boolean
  /** Sandbox `_control/config` over its demo defaults. */
  sandboxConfig: Record<string, unknown>
  /** Control calls (below `<sandbox>/_control/`) that make the sandbox meet a new till: each case is a fresh profile. */
  newTill: readonly { path: string; body: unknown }[]
  /** What the cashier types as the amount. */
  amount: string
  /** The cashier scans a customer code (minted at `<sandbox>/_control/wallet/token`); else the till shows one. */
  scans: boolean
  /** Sandbox route names per abstract route; a row without `confirm` has no such step. */
  routes: Partial<Record<AbstractRoute, readonly string[]>> & { pay: readonly string[]; status: readonly string[]; cancel: readonly string[] }
  /** Money-returning routes a compensation may use (held at the edge for "a compensation queued"). */
  reversalRoutes: readonly string[]
  /** A provider error code for the `error` fault. */
  errorCode: number
  /** The sandbox route name of a request the browser is about to send. */
  routeOf(method: string, url: string, body: string | null): string | undefined
  /** The sandbox's own view of every sale, from `<sandbox>/_control/state`. */
  ledger(state: unknown): LedgerSale[]
}

const path = (url: string) => new URL(url).pathname

interface ClickPayment { transaction_id: string | null; state: string }
function clickRow(confirm: boolean): ProviderRow {
  return {
    id: confirm ? 'clickpass-confirm' : 'clickpass',
    provider: 'clickpass',
    sandbox: 'clickpass',
    paymentTypeId: 'clickpass-1',
    values: { confirmMode: confirm, timeout: 3 },
    reopenAfterSettings: false,
    sandboxConfig: {},
    newTill: [],
    amount: '2000',
    scans: true,
    routes: { pay: ['payment'], ...(confirm ? { confirm: ['confirm'] } : {}), status: ['status', 'statusByMti'], cancel: ['reversal'] },
    reversalRoutes: ['reversal'],
    errorCode: -9999,
    routeOf(method, url) {
      const p = path(url)
      if (/\/click_pass\/payment$/.test(p) && method === 'POST') return 'payment'
      if (/\/click_pass\/confirm$/.test(p) && method === 'POST') return 'confirm'
      if (/\/click_pass\/confirmation\//.test(p)) return method === 'PUT' ? 'confirmOn' : 'confirmOff'
      if (/\/payment\/status_by_mti\//.test(p)) return 'statusByMti'
      if (/\/payment\/status\//.test(p)) return 'status'
      if (/\/payment\/reversal\//.test(p)) return 'reversal'
      return undefined
    },
    ledger(state) {
      return ((state as { payments: ClickPayment[] }).payments ?? []).map((p) => ({
        opId: p.transaction_id ?? '',
        held: p.state === 'PAID',
        open: p.state === 'PROCESSING',
        state: p.state,
      }))
    },
  }
}

interface PaymeReceipt { state: number; account: { value: string }[] }
const PAYME_METHODS: Record<string, string> = {
  'receipts.create': 'create', 'receipts.pay': 'pay', 'receipts.check': 'check', 'receipts.get': 'get', 'receipts.cancel': 'cancel', 'receipts.set_fiscal_data': 'setFiscal',
}
const paymeRow: ProviderRow = {
  id: 'payme',
  provider: 'payme',
  sandbox: 'payme',
  paymentTypeId: 'payme-1',
  values: { timeout: 3, frequency: 1_000, payDuration: 10_000 },
  reopenAfterSettings: false,
  sandboxConfig: {},
  newTill: [],
  amount: '2000',
  scans: true,
  routes: { pay: ['pay'], status: ['check', 'get'], cancel: ['cancel'] },
  reversalRoutes: ['cancel'],
  errorCode: -32400,
  routeOf(_method, _url, body) {
    try {
      return PAYME_METHODS[(JSON.parse(body ?? '') as { method: string }).method]
    } catch {
      return undefined
    }
  },
  ledger(state) {
    const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
    return ((state as { receipts: PaymeReceipt[] }).receipts ?? [])
      .filter((r) => r.state !== 0)
      .map((r) => ({
        opId: r.account.map((a) => String(a.value)).find((v) => ULID.test(v)) ?? '',
        held: r.state === 4,
        open: r.state === 2 || r.state === 21,
        state: String(r.state),
      }))
  },
}

interface OplatiPayment { orderNumber: string; paymentType: number; status: number; state: string; amount: number; refunded: number | null }
function oplatiRow(mode: 0 | 1 | 2): ProviderRow {
  return {
    id: `oplati-${mode}`,
    provider: 'oplati',
    sandbox: 'oplati',
    paymentTypeId: 'oplati-1',
    values: { mode, timeout: 3 },
    reopenAfterSettings: mode !== 2,
    sandboxConfig: { autoCustomerDelayMs: 300 },
    // The cashbox's token lives in the profile; a fresh profile asks for a new one (C1).
    newTill: [{ path: 'cabinet/reset-token', body: { regNum: 'OPL000011111' } }],
    amount: '20',
    scans: mode === 0,
    routes: { pay: ['payments'], status: ['paymentStatus', 'reports'], cancel: ['reversals'] },
    reversalRoutes: ['cancel', 'reversals'],
    errorCode: 400,
    routeOf(method, url) {
      const p = path(url).replace(/^.*\/ms-pay\/pos\//, '')
      if (p === 'cashbox/token') return 'tokenIssue'
      if (p === 'demandPayment') return 'demandPayment'
      if (p === 'consumerStatus') return 'consumerStatus'
      if (p === 'paymentReports') return 'reports'
      if (p === 'payments') return method === 'POST' ? 'payments' : undefined
      if (/^payments\/[^/]+$/.test(p)) return 'paymentStatus'
      if (/^payments\/[^/]+\/cancel$/.test(p)) return 'cancel'
      if (/^payments\/[^/]+\/reversals$/.test(p)) return 'reversals'
      return undefined
    },
    ledger(state) {
      return ((state as { payments: OplatiPayment[] }).payments ?? [])
        .filter((p) => p.paymentType === 1)
        .map((p) => ({
          opId: p.orderNumber,
          held: p.status === 1 && (p.refunded ?? 0) < p.amount,
          open: p.status === 0,
          state: `${p.state}${p.refunded ? ` refunded ${p.refunded}` : ''}`,
        }))
    },
  }
}

/**
 * Every provider row of the matrix. INPAS_ROW / SENDY_ROW: add them here when the pin-pad
 * emulator runs outside the page (a killed tab must find the same device and transaction) and
 * when Sendy lands; nothing else in the runner needs to change.
 */
export const PROVIDER_ROWS: readonly ProviderRow[] = [clickRow(false), clickRow(true), paymeRow, oplatiRow(0), oplatiRow(1), oplatiRow(2)]

export function rowById(id: string): ProviderRow {
  const row = PROVIDER_ROWS.find((r) => r.id === id)
  if (!row) throw new Error(`no matrix row ${id}`)
  return row
}
