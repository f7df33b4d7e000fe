// The host POS contract (DESIGN § 1): `#/pay?amount=<minor>&order=<ref>` opens the till
// with the amount, and the final result goes back by postMessage (to the opener or parent)
// and on the BroadcastChannel `paydesk`. An unresolved payment is reported as `unknown`.
import type { Operation } from '../domain/operation.ts'

export interface HostRequest {
  amountText: string
  order?: string
}

export function hostRequest(): HostRequest | undefined {
  const m = /^#\/pay\?(.*)$/.exec(location.hash)
  if (!m) return undefined
  const q = new URLSearchParams(m[1])
  const minor = Number(q.get('amount'))
  if (!Number.isSafeInteger(minor) || minor <= 0) return undefined
  return { amountText: (minor / 100).toFixed(2), ...(q.get('order') ? { order: q.get('order')! } : {}) }
}

export function hostResult(op: Operation) {
  const outcome = op.state === 'approved' ? 'approved' : op.state === 'declined' || op.state === 'compensated' ? 'declined' : 'unknown'
  return { type: 'paydesk.result', outcome, order: op.order, operationId: op.id, provider: op.provider, amountMinor: op.amount, currency: op.currency, paymentId: op.ref, details: op.details }
}

export function notifyHost(_order: string | undefined, op: Operation) {
  const data = hostResult(op)
  const target = window.opener ?? (window.parent !== window ? window.parent : undefined)
  ;(target as Window | undefined)?.postMessage(data, '*')
  const ch = new BroadcastChannel('paydesk')
  ch.postMessage(data)
  ch.close()
}
