// Host POS contract v1 in the engine: the allowed host origins, the amount each host
// order was requested with (a payment for that order must be for exactly that amount), the
// order's journal for status and repeats, and the log of refused requests.
import { msg, type Msg } from '../../src/domain/messages.ts'
import { parseOriginList } from '../../src/domain/host-protocol.ts'
import { isMinor } from '../../src/domain/money.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { PaydeskDb } from './db.ts'
import type { Logger } from './log.ts'

const ORIGINS_KEY = 'host.origins'
const orderKey = (order: string) => `host.order:${order}`

export interface HostOrder {
  order: string
  amount: number
  origin?: string
  at: number
}

export function hostOrders(db: PaydeskDb, log: Logger, now: () => number) {
  async function origins(): Promise<string[]> {
    return ((await db.settings.get(ORIGINS_KEY))?.value as string[] | undefined) ?? []
  }

  async function setOrigins(text: string): Promise<{ ok: true; origins: string[] } | { ok: false; message: Msg }> {
    const r = parseOriginList(text)
    if (!r.ok) return { ok: false, message: msg('host.badOrigin', { origin: r.bad }) }
    await db.settings.put({ key: ORIGINS_KEY, value: r.origins })
    log.info('host', 'allowed origins saved', { origins: r.origins.join(' ') })
    return { ok: true, origins: r.origins }
  }

  /**
   * The host asked to be paid `amount` for `order`. The first request fixes the amount; a later one
   * with another amount is refused (an edited amount never reaches a provider).
   */
  async function register(req: { order: string; amount: number; origin?: string }): Promise<{ ok: true } | { ok: false; message: Msg }> {
    if (!isMinor(req.amount)) return { ok: false, message: msg('common.badAmount') }
    const prev = (await db.settings.get(orderKey(req.order)))?.value as HostOrder | undefined
    if (prev && prev.amount !== req.amount) {
      log.warn('host', 'amount differs from the order', { order: req.order, requested: req.amount, registered: prev.amount })
      return { ok: false, message: msg('host.amountMismatch') }
    }
    if (!prev)
      await db.settings.put({
        key: orderKey(req.order),
        value: { order: req.order, amount: req.amount, ...(req.origin ? { origin: req.origin } : {}), at: now() } satisfies HostOrder,
      })
    return { ok: true }
  }

  /** Checked by `pay`: a host order is paid only for the amount the host asked. */
  async function checkPay(order: string | undefined, amount: number): Promise<Msg | undefined> {
    if (!order) return undefined
    const prev = (await db.settings.get(orderKey(order)))?.value as HostOrder | undefined
    if (prev && prev.amount !== amount) {
      log.warn('host', 'payment refused: amount differs from the host order', { order, amount, registered: prev.amount })
      return msg('host.amountMismatch')
    }
    return undefined
  }

  /** Every payment of the order and every cancel or refund of those, oldest first. */
  async function operations(order: string): Promise<Operation[]> {
    const pays = await db.operations.filter((o) => o.kind === 'pay' && o.order === order).toArray()
    const ids = new Set(pays.map((p) => p.id))
    const rev = ids.size
      ? await db.operations
          .where('original')
          .anyOf([...ids])
          .toArray()
      : []
    return [...pays, ...rev].sort((a, b) => a.createdAt - b.createdAt)
  }

  function refused(origin: string, why: string) {
    log.warn('host', 'request ignored', { origin: origin.slice(0, 200), why: why.slice(0, 200) })
  }

  return { origins, setOrigins, register, checkPay, operations, refused }
}
