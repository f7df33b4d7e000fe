// The host POS contract (DESIGN § 1): `#/pay?amount=<minor>&order=<ref>[&items=<JSON>]` opens
// the till with the amount (and the sale's items, checked by the engine), and the final result goes back by postMessage (to the opener or parent)
// and on the BroadcastChannel `paydesk`. An unresolved payment is reported as `unknown`.
import type { Operation } from '../domain/operation.ts'

export interface HostRequest {
  amountText: string
  order?: string
  /** The `items` parameter as parsed JSON (the engine checks it); `null` when it is not JSON. */
  items?: unknown
}

export function hostRequest(hash = location.hash): HostRequest | undefined {
  const m = /^#\/pay\?(.*)$/.exec(hash)
  if (!m) return undefined
  const q = new URLSearchParams(m[1])
  const minor = Number(q.get('amount'))
  if (!Number.isSafeInteger(minor) || minor <= 0) return undefined
  const itemsText = q.get('items')
  let items: unknown
  if (itemsText !== null) {
    try {
      items = JSON.parse(itemsText)
    } catch {
      items = null
    }
  }
  return { amountText: (minor / 100).toFixed(2), ...(q.get('order') ? { order: q.get('order')! } : {}), ...(itemsText !== null ? { items } : {}) }
}

export function hostResult(op: Operation) {
  const outcome = op.state === 'approved' ? 'approved' : op.state === 'declined' || op.state === 'compensated' ? 'declined' : 'unknown'
  return { type: 'paydesk.result', outcome, order: op.order, operationId: op.id, provider: op.provider, amountMinor: op.amount, currency: op.currency, paymentId: op.ref, paymentProviderCode: op.providerCode, details: op.details }
}

export function notifyHost(_order: string | undefined, op: Operation) {
  const data = hostResult(op)
  const target = window.opener ?? (window.parent !== window ? window.parent : undefined)
  ;(target as Window | undefined)?.postMessage(data, '*')
  const ch = new BroadcastChannel('paydesk')
  ch.postMessage(data)
  ch.close()
}
