// Pay (docs/architecture.md § 4): check, journal before the first request, then drive the provider's pay.
import { parseItems, type SaleItem } from '../../../src/domain/sale.ts'
import { isMinor, type Minor } from '../../../src/domain/money.ts'
import { msg } from '../../../src/domain/messages.ts'
import { advance, isFinal, type Operation, type OpPatch } from '../../../src/domain/operation.ts'
import { isOperationId, type OperationId } from '../../../src/domain/ids.ts'
import { NOT_AVAILABLE } from '../locks.ts'
import { OP_LOCK } from '../drive.ts'
import { newOperation } from '../new-operation.ts'
import { tabOf } from '../tabs.ts'
import { NotJournaled } from '../op-context.ts'
import { PAY_LOCK, type Result } from './deps.ts'

export interface PayRequest {
  paymentTypeId: string
  amount: number
  /** The scanned customer code; empty when the type shows a code or QR instead (O!plati modes 1, 2). */
  code: string
  /** When the code was scanned (device clock, ms); defaults to now. */
  scannedAt?: number
  order?: string
  /** The sale's items from the host (checked here: typed, and adding up to `amount`). */
  items?: unknown
  /** One of the provider's `payMethods` (Inpas: card or «Оплата QR СБП»); kept on the operation as `details.method`. */
  method?: string
  /** The till tab that asks: the operation remembers it, so each tab shows its own sale. */
  tab?: string
  /** One of the type's `choices` (Sendy online: the payment system); kept as `details.choice`. */
  choice?: string
  /** The host's currency: a type of another currency never takes this amount. */
  currency?: string
  /**
   * The operation's id, minted by the page (a ULID), so the page watches the journal row from the first write
   * without probing for it. The row is still journaled here before the first request; a second request with an
   * id already in the journal is the same payment sent twice and is ignored (docs/rules.md R2).
   */
  id?: string
}

import type { VerbDeps } from './deps.ts'

/** A refusal found under the pay lock (the code already used or expired, from the journal). */
type Refusal = Extract<Result, { ok: false }>

export function payVerb(d: VerbDeps) {
  const { db, clock, log, locks, loadConfig, checkScan, gate, newId, track, drive, flagFor, host, probeContext } = d
  async function pay(req: PayRequest): Promise<Result<{ op: Operation }>> {
    const amount = req.amount
    if (!isMinor(amount)) return { ok: false, message: msg('common.badAmount') }
    if (req.id !== undefined && !isOperationId(req.id)) return { ok: false, message: msg('common.notSupported') }
    const opId = (): OperationId => (req.id as OperationId | undefined) ?? newId()
    const cfg = await loadConfig(req.paymentTypeId)
    if (!cfg.ok) return cfg
    // A deleted type with operations is archived: it reverses its own, never takes new ones.
    if (cfg.pt.archived !== undefined) return { ok: false, message: msg('common.noPaymentType') }
    if (req.currency !== undefined && req.currency !== cfg.provider.currency)
      return { ok: false, message: msg('common.wrongCurrency', { currency: req.currency, type: cfg.pt.name }) }
    const p = cfg.provider
    const code = req.code.trim()
    const now = clock.now()
    // Format and double read here; reuse and lifetime in the transaction that journals the payment.
    const scan = await checkScan.early(p, cfg.config, code, req.scannedAt)
    if (!scan.ok) return scan
    let opCode = scan.code

    let items: SaleItem[] | undefined
    if (req.items !== undefined) {
      const parsed = parseItems(req.items, amount)
      if (!parsed.ok) return { ok: false, message: msg('common.badItems', { why: parsed.why }) }
      items = parsed.items
      const refused = p.checkItems?.(items)
      if (refused) return { ok: false, message: refused }
    }
    const providerCode = p.providerCode?.(cfg.config)
    const blocked = await gate(cfg.provider, cfg.pt, cfg.config)
    if (blocked) return { ok: false, message: blocked }
    const unavailable = p.unavailable ? await p.unavailable(probeContext(cfg.pt, p, cfg.config)) : undefined
    if (unavailable) return { ok: false, message: unavailable }
    if (req.choice !== undefined && (typeof req.choice !== 'string' || req.choice.length > 64)) return { ok: false, message: msg('common.notSupported') }
    const hostMismatch = await host.checkPay(req.order, amount)
    if (hostMismatch) return { ok: false, message: hostMismatch }
    if (req.order) {
      const same = await db.operations
        .where('order')
        .equals(req.order)
        .filter((o) => o.kind === 'pay')
        .toArray()
      if (same.some((o) => !isFinal(o.state))) return { ok: false, message: msg('common.orderPending') }
      if (same.some((o) => o.state === 'approved')) return { ok: false, message: msg('common.orderPaid') }
    }
    // The operation's lock is asked for beside the payment type's (one wait, not two); drive keeps it, or it is
    // let go here if the payment never reaches drive.
    const id = opId()
    const opLock = locks.hold(OP_LOCK(id))
    let driven = false
    const r = await locks
      .run(
        PAY_LOCK(req.paymentTypeId),
        async (): Promise<Operation | Refusal> => {
          const row = () =>
            newOperation({ id, kind: 'pay', provider: p.id, paymentTypeId: req.paymentTypeId, amount: amount as Minor, currency: p.currency }, now, {
              ...(opCode ? { code: opCode } : {}),
              ...(req.order ? { order: req.order } : {}),
              ...(items ? { items } : {}),
              ...tabOf(req.tab),
              ...(typeof providerCode === 'number' ? { providerCode } : {}),
              ...(req.method && p.payMethods?.includes(req.method)
                ? { details: { method: req.method, ...(req.choice ? { choice: req.choice } : {}) } }
                : req.choice
                  ? { details: { choice: req.choice } }
                  : {}),
            })
          // The row is written with the provider's first commit (`sent`, just before its request) in one strict
          // transaction, with the journal's half of the scan guard: one commit fewer than journaling it on its own,
          // and still before the first request — any side effect before that commit writes it first (FirstWrite).
          const op = row()
          const first = (patch?: OpPatch) =>
            db.transaction('rw', db.operations, async (): Promise<Operation> => {
              const written = (base: Operation) => {
                let next = patch ? advance(base, patch, clock.now()) : base
                // The guard's first scan time stays, whatever copy of the code the patch carries (`spent`).
                if (next.code && base.code && next.code.scannedAt !== base.code.scannedAt)
                  next = { ...next, code: { ...next.code, scannedAt: base.code.scannedAt } }
                return next
              }
              // The write and the scan guard's look-up go together, one IndexedDB round trip: a refusal throws, and the
              // transaction aborts with nothing written. The look-up is sent first (Dexie holds a write back until its
              // hooks ran, and would hold a read behind a write). The id was minted for this payment: no refund names it.
              let next = written(op)
              const seen = opCode ? checkScan.againstJournal(p, opCode, op.id) : undefined
              const added = await Promise.allSettled([db.operations.add(db.minted(next)), seen])
              // The same payment sent twice (the page's id already journaled) is ignored (docs/rules.md R2).
              if (added[0].status === 'rejected') {
                const e = added[0].reason as { name?: string }
                if (req.id !== undefined && e?.name === 'ConstraintError') throw new NotJournaled({ ok: false, ignored: true, message: msg('common.busy') })
                throw added[0].reason
              }
              if (added[1].status === 'rejected') throw added[1].reason
              const guard = added[1].value
              if (guard && !guard.ok) throw new NotJournaled(guard)
              if (guard?.ok && guard.code && guard.code.scannedAt !== opCode?.scannedAt) {
                // The code was scanned before (a pre-flight that failed, docs/rules.md R6.5): its first scan time counts.
                opCode = guard.code
                next = written({ ...op, code: guard.code })
                await db.operations.put(next)
              }
              log.info('engine', 'pay', { amount, paymentType: req.paymentTypeId, ...(opCode ? { code: opCode.masked } : {}) }, op.id)
              return next
            })
          driven = true
          const run = track(drive(op, (ctx, prov) => prov.pay(ctx, code), false, cfg, op, first, opLock))
          const flag = flagFor(op)
          const left = new Promise<void>((resolve) => flag.onStop.add(resolve))
          const done = await Promise.race([run, left.then(() => undefined)]).catch((e: unknown) => {
            if (e instanceof NotJournaled) return e.refusal
            throw e
          })
          if (done && !('id' in done)) return done
          // The run ends with its own last commit, the journal row as written (one IndexedDB read fewer a payment);
          // a cashier who stopped waiting first gets the row as it stands.
          return done?.id === op.id ? done : (await db.operations.get(op.id))!
        },
        { ifAvailable: true },
      )
      .finally(() => {
        if (!driven) void opLock.release()
      })
    if (r === NOT_AVAILABLE) return { ok: false, message: msg('common.busy') }
    if (!('id' in r)) return r
    return { ok: true, op: r }
  }
  return pay
}
