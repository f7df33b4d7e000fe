// The fault matrix's provider rows: what the runner needs to know about one payment type to
// pay with it, aim a fault at its routes, read a request at the browser's edge, and read the
// sandbox's ledger. The runner never branches on a provider id: a provider joins the matrix
// by adding a row here (PROVIDER_ROWS) — that is the hook for Sendy. A row whose payment runs on a
// serial device has `device` (DeviceRow: Inpas, the pin-pad bridged over a WebSocket to the sandbox's
// Node emulator, so it outlives a killed tab): the runner drives it with its own small case runner,
// the bridge being its edge and the device's journal its ledger.

import type { Page } from 'playwright-core'

/**
 * Abstract routes the matrix aims faults at (docs/protocols/README.md S3: pay, confirm, status, cancel),
 * and `refund`: a full refund from the journal, for the rows whose provider offers one.
 */
export type AbstractRoute = 'pay' | 'confirm' | 'status' | 'cancel' | 'refund'

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
  /** What a person does on a new till before the first sale (e.g. activate the terminal in Settings); the page ends on the sale screen. */
  newTillInPage?: (page: Page) => Promise<void>
  /** What the cashier types as the amount. */
  amount: string
  /** The cashier scans a customer code (minted at `<sandbox>/_control/wallet/token`); else the till shows one. */
  scans: boolean
  /** Sandbox route names per abstract route; a row without `confirm` has no such step. */
  routes: Partial<Record<AbstractRoute, readonly string[]>> & { pay: readonly string[]; status: readonly string[]; cancel: readonly string[] }
  /** Money-returning routes a compensation may use (held at the edge for "a compensation queued"). */
  reversalRoutes: readonly string[]
  /** A provider error code for the `error` fault. */
  errorCode: number | string
  /** Combinations this row cannot take (beyond the matrix's own `possible`), each with why in the row. */
  cannot?: (c: { fault: string; route: AbstractRoute; kill: string }) => boolean
  /** The sandbox route name of a request the browser is about to send. */
  routeOf(method: string, url: string, body: string | null): string | undefined
  /** The sandbox's own view of every sale, from `<sandbox>/_control/state`. */
  ledger(state: unknown): LedgerSale[]
  /** A device behind the pin-pad bridge instead of HTTP routes: the runner drives it with `runDeviceCase`. */
  device?: DeviceRow
  /** Sandbox routes of the journal's later steps (a cancel of a refund, a void of a receipt), for the rows whose provider has them. */
  thenRoutes?: Partial<Record<'cancelRefund' | 'void', readonly string[]>>
  /** The currency a host names in its sale by URL (the payment type's own). */
  currency?: string
  /** Routes the till polls while it waits beyond its status routes (O!plati's wait for the customer's scan), for the `polling` point. */
  pollRoutes?: readonly string[]
}

/** The sandbox routes a case's fault is aimed at: its journal step's, else its route's. */
export function faultedRoutes(row: ProviderRow, c: { route: AbstractRoute; then?: 'cancelRefund' | 'void' }): readonly string[] {
  return (c.then ? row.thenRoutes?.[c.then] : undefined) ?? row.routes[c.route] ?? []
}

/** A bridge rule (sandbox/inpas/ws-bridge.ts): docs/protocols/inpas-sbp.md § 5.3 controls applied when a till request of `route` reaches the device. */
export interface BridgeRule {
  route: string
  controls?: { action: string; args?: unknown }[]
  hold?: boolean
  times?: number
}

/**
 * How a row whose payment runs on a serial device (the Inpas pin-pad, bridged over a WebSocket to the sandbox's
 * Node emulator so it outlives a killed browser) takes the matrix: its "edge" is the bridge, which holds or
 * faults the till's requests by route; its ledger is the device's own journal, which knows a sale by ecrNo.
 */
export interface DeviceRow {
  /** The cashier's pay button (a pin-pad type offers card or SBP QR instead of a scan field). */
  payButton: string
  /** Emulator settings of the new device each case starts with (`<sandbox>/_control/reset`). */
  config: Record<string, unknown>
  /** The bridge rules that play a matrix fault on an abstract route; `undefined`: it cannot happen there. */
  rules(fault: string, route: AbstractRoute): BridgeRule[] | undefined
  /** The device's route name for an abstract route (`cancel` from the journal is a refund on the pin-pad). */
  route(route: AbstractRoute): string
  /** A journal operation's ledger key (the device knows the sale by the ecrNo the till sent). */
  keyOf(details: Record<string, unknown> | undefined): string | undefined
}

const path = (url: string) => new URL(url).pathname

interface ClickPayment {
  transaction_id: string | null
  state: string
}
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
    routes: { pay: ['payment'], ...(confirm ? { confirm: ['confirm'] } : {}), status: ['status', 'statusByMti'], cancel: ['reversal'], refund: ['reversal'] },
    reversalRoutes: ['reversal'],
    errorCode: -9999,
    // Without confirm mode, a payment whose request never took effect (no reply, 5xx, offline) and is then not found by
    // `status_by_mti` ends `needs-attention` by the protocol (docs/protocols/clickpass.md § 4: the transaction_id link is unverified, so
    // absence proves nothing) — a person, not the engine, settles it. The confirm-mode row takes those cases: there, not
    // found at 35 s is a decline (Click cancels any unconfirmed payment after 30 s).
    ...(confirm
      ? {}
      : {
          cannot: (c: { fault: string; route: AbstractRoute; kill: string }) =>
            c.kill !== 'afterJournal' &&
            ((c.route === 'pay' && (c.fault === 'noReply' || c.fault === 'http5xx')) || (c.fault === 'offline' && (c.route === 'pay' || c.route === 'status'))),
        }),
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

interface PaymeReceipt {
  state: number
  account: { value: string }[]
}
const PAYME_METHODS: Record<string, string> = {
  'receipts.create': 'create',
  'receipts.pay': 'pay',
  'receipts.check': 'check',
  'receipts.get': 'get',
  'receipts.cancel': 'cancel',
  'receipts.set_fiscal_data': 'setFiscal',
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
  routes: { pay: ['pay'], status: ['check', 'get'], cancel: ['cancel'], refund: ['cancel'] },
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

interface OplatiPayment {
  orderNumber: string
  paymentType: number
  status: number
  state: string
  amount: number
  refunded: number | null
}
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
    routes: { pay: ['payments'], status: ['paymentStatus', 'reports'], cancel: ['reversals'], refund: ['reversals'] },
    // A cancel of a refund is C5 (docs/protocols/oplati.md § 4.7); a void cancels each approved payment of the receipt
    // with E7, an unfinished one with C5 (docs/protocols/oplati.md § 4.8).
    thenRoutes: { cancelRefund: ['cancel'], void: ['reversals', 'cancel'] },
    currency: 'BYN',
    pollRoutes: ['consumerStatus'],
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

interface SendyPayment {
  orderId: string
  kind: string
  state: string
  refundedAmount: number
}
const SENDY_PATHS: Record<string, string> = {
  '/pos/activate': 'activate',
  '/pos/info': 'info',
  '/pos/counters': 'counters',
  '/pos/payment/offline': 'offline',
  '/pos/payment/online': 'online',
  '/pos/payment/query': 'query',
  '/pos/payment/reverse': 'reverse',
  '/pos/payment/refund': 'refund',
  '/pos/shift/close': 'closeShift',
  '/pos/reports': 'reports',
}
/**
 * Sendy (protocols docs/protocols/sendy.md), in its two modes: `offline` (the cashier scans the customer's
 * WeChat code) and `online` (the till shows a QR; the sandbox's customer pays it by itself,
 * `autoCustomer`, after a few seconds, so the till is still polling at the `polling` point).
 * A new till must be activated (Settings → «Активация» with the demo sandbox's standing code
 * `00000000`; the terminal id and serial are the demo's); through numbering and the shift need
 * nothing: the client asks `counters` before each transaction, and the first one opens the
 * shift. Refunds are on (`allowRefund`; full only). What the rows and `cannot` encode:
 * - `SYSTEMERROR` is "result unknown" (docs/protocols/sendy.md § 3.5): the `error` fault uses it, so the client must
 *   query, not decline;
 * - `DUPLICATE_ORDER` and `TXN_NUMBER_MISMATCH` may answer the browser's own resent copy of a
 *   request whose reply was lost: the client must look its own order up before it believes them;
 * - an offline payment left USERPAYING is revoked by the server after `userPayingTimeoutMs`
 *   (45 s; the matrix shortens it to 15 s with the client's `OFFLINE_WINDOW_MS`, so a case never
 *   waits for the real window), and a reverse is refused for the first `reverseMinAgeMs` (15 s,
 *   shortened to 2 s, the client waits what the server says);
 * - `pending` is the customer confirming an offline payment (USERPAYING): an online QR has no
 *   such state of its own (it simply waits for the customer), so `pending` is offline only;
 * - a refund whose reply went wrong is checked by query while the cashier waits (docs/protocols/sendy.md § 4.7, up to
 *   30 s) before it is queued: "a compensation queued" for a Sendy refund is its `checking`.
 */
function sendyRow(mode: 'offline' | 'online'): ProviderRow {
  const timing = { OFFLINE_WINDOW_MS: 15_000 }
  return {
    id: `sendy-${mode}`,
    provider: 'sendy',
    sandbox: 'sendy',
    paymentTypeId: 'sendy-1',
    values: { mode, timeout: 3, allowRefund: true, 'systems.wechat': mode === 'offline', wire: JSON.stringify({ timing }) },
    reopenAfterSettings: true,
    sandboxConfig: {
      autoCustomer: true,
      autoCustomerDelayMs: mode === 'online' ? 7_000 : 300,
      pinDelayMs: 3_000,
      userPayingTimeoutMs: timing.OFFLINE_WINDOW_MS,
      reverseMinAgeMs: 2_000,
    },
    newTill: [],
    async newTillInPage(page) {
      const base = new URL(page.url()).origin
      await page.goto(`${base}/#/settings`)
      await page.getByTestId('pt-sendy-1').click()
      const activate = page.getByTestId('action-activate')
      await activate.getByLabel('Код активации').fill('00000000')
      await activate.getByRole('button', { name: 'Активация' }).click()
      await page.getByText('Терминал активирован').waitFor({ timeout: 20_000 })
      await page.goto(`${base}/#/sale`)
      await page.getByTestId('amount').waitFor()
    },
    amount: '20',
    scans: mode === 'offline',
    routes: { pay: [mode], status: ['query'], cancel: ['reverse'], refund: ['refund'] },
    reversalRoutes: ['reverse'],
    errorCode: 'SYSTEMERROR',
    cannot: (c) => (c.fault === 'pending' && mode === 'online') || (c.route === 'refund' && c.kill === 'compensationQueued'),
    routeOf(_method, url) {
      return SENDY_PATHS[path(url).replace(/^.*\/sandbox\/sendy/, '')]
    },
    ledger(state) {
      return ((state as { payments: SendyPayment[] }).payments ?? [])
        .filter((p) => p.kind !== 'refund')
        .map((p) => ({
          opId: p.orderId,
          held: p.state === 'SUCCESS',
          open: p.state === 'NOTPAY' || p.state === 'USERPAYING',
          state: `${p.state}${p.refundedAmount ? ` refunded ${p.refundedAmount}` : ''}`,
        }))
    },
  }
}

const SENDY_ROWS = [sendyRow('offline'), sendyRow('online')]

interface PinpadEntry {
  kind: 'sale' | 'refund'
  ecrNo?: number
  status: number
  amount: number
  refunded: number
}
interface PinpadState {
  op: { kind: string; ecrNo?: number; phase: string } | null
  journal: PinpadEntry[]
}

/**
 * SBP via the Inpas pin-pad (`card` or `sbp` QR on the pin-pad), bridged: the till's fake serial port is a WebSocket
 * to the sandbox's Node emulator (transport `bridge`), so the device and its transaction outlive a killed browser,
 * and the reopened till asks the same device (check-link, then status by ecrNo). The matrix's abstract faults as a
 * pin-pad plays them (docs/protocols/inpas-sbp.md § 5.3), applied when the till's request of that route reaches it:
 * decline → the bank declines (`declineNext`); error → host down (39 = 34); noReply → the request lost on the wire
 * (`lose`: no ACK, so the till sends EOT and asks later); lostReply → approved, its result never sent (`loseResult`;
 * a status reply's ACK lost: `dropAck`); http5xx → EOT instead of ACK (busy, refused); malformed → EOT at the result
 * stage after the money moved (a status reply: a corrupted frame, resent after NAK); slow → op 21 waits for 4 s
 * (status: a pause inside the frame); pending → the customer pays only after 6 s; offline → the device is unplugged
 * as the request reaches it (plugged back in when the faults are cleared, after the reopen). A status query cannot
 * be declined by a bank, and a cancel from the journal is a refund (Inpas has no cancel).
 */
function inpasRow(method: 'card' | 'sbp'): ProviderRow {
  const device = inpasDevice(method)
  return {
    id: `inpas-${method}`,
    provider: 'inpas',
    sandbox: 'inpas',
    paymentTypeId: 'inpas-sbp-1',
    // Short link timers: the per-message timer (waits come every second) and the whole operation at its minimum.
    values: { transport: 'bridge', qrSBP: true, sbpProfile: 'custom', timeout: 30, messageTimeoutS: 6 },
    reopenAfterSettings: false,
    sandboxConfig: {},
    newTill: [],
    amount: '150',
    scans: false,
    // A pin-pad has no cancel (capabilities): the journal's reversal of a payment is a full refund.
    routes: { pay: ['pay'], status: ['status'], cancel: [], refund: ['refund'] },
    reversalRoutes: ['refund'],
    errorCode: 34,
    routeOf: () => undefined,
    cannot: (c) => device.rules(c.fault, c.route) === undefined,
    ledger(state) {
      const s = state as PinpadState
      const key = (n: number | undefined) => `ecr:${n ?? '?'}`
      const sales: LedgerSale[] = s.journal
        .filter((e) => e.kind === 'sale')
        .map((e) => ({
          opId: key(e.ecrNo),
          held: e.status === 1 && e.refunded < e.amount,
          open: false,
          state: `${e.status}${e.refunded ? ` refunded ${e.refunded}` : ''}`,
        }))
      if (s.op?.kind === 'sale') sales.push({ opId: key(s.op.ecrNo), held: false, open: true, state: `in flight (${s.op.phase})` })
      return sales
    },
    device,
  }
}

function inpasDevice(method: 'card' | 'sbp'): DeviceRow {
  const deviceRoute = (route: AbstractRoute) => (route === 'cancel' ? 'refund' : route)
  return {
    payButton: method === 'card' ? 'pay-card' : 'pay-sbp',
    config: { customer: { choice: method === 'card' ? 'card' : 'qr', afterMs: 1_500, outcome: 'pay' }, waitIntervalMs: 1_000, cardWaitS: 20, qrLifetimeS: 20 },
    route: deviceRoute,
    rules(fault, route) {
      const money = route === 'pay' || route === 'cancel' || route === 'refund'
      const on = (...controls: { action: string; args?: unknown }[]) => [{ route: deviceRoute(route), controls }]
      switch (fault) {
        case 'decline':
          return money ? on({ action: 'bank', args: { declineNext: true } }) : undefined
        case 'error':
          return money ? on({ action: 'bank', args: { hostDown: true } }) : undefined
        case 'noReply':
          return on({ action: 'lose', args: [1] })
        case 'lostReply':
          return money ? on({ action: 'loseResult' }) : on({ action: 'dropAck', args: [1] })
        case 'http5xx':
          return on({ action: 'eotAt', args: ['request'] })
        case 'malformed':
          return money ? on({ action: 'eotAt', args: ['result'] }) : on({ action: 'corruptNext' })
        case 'slow':
          return money ? on({ action: 'waitStorm', args: { forMs: 4_000, everyMs: 1_000 } }) : on({ action: 'gapMs', args: [400] })
        case 'pending':
          return route === 'pay' ? on({ action: 'customer', args: { afterMs: 6_000 } }) : undefined
        case 'offline':
          return on({ action: 'unplug' })
        default:
          return undefined
      }
    },
    keyOf: (details) => (typeof details?.ecrNo === 'number' ? `ecr:${details.ecrNo}` : undefined),
  }
}

/** Every provider row of the matrix; a provider joins by adding its rows here, nothing else in the runner changes. */
export const PROVIDER_ROWS: readonly ProviderRow[] = [
  clickRow(false),
  clickRow(true),
  paymeRow,
  oplatiRow(0),
  oplatiRow(1),
  oplatiRow(2),
  ...SENDY_ROWS,
  inpasRow('card'),
  inpasRow('sbp'),
]

export function rowById(id: string): ProviderRow {
  const row = PROVIDER_ROWS.find((r) => r.id === id)
  if (!row) throw new Error(`no matrix row ${id}`)
  return row
}
