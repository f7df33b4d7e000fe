// The till's log keeps what a customer was not shown: where the self-checkout or the customer display gave a
// customer sentence instead of a staff text (a token already exists, a setting is missing), the staff text is
// written here, as staff would read it, with the order and the operation it belongs to.
import type { Logger } from './log.ts'
import type { Result } from './result.ts'

const MAX_TEXT = 500

export function staffNote(log: Logger) {
  return async (n: { text: string; key: string; order?: string; opId?: string }): Promise<Result> => {
    if (typeof n?.text !== 'string' || typeof n.key !== 'string') return { ok: false, message: { key: 'common.notSupported' } }
    const data = {
      message: n.key.slice(0, 100),
      text: n.text.slice(0, MAX_TEXT),
      ...(typeof n.order === 'string' ? { order: n.order.slice(0, 100) } : {}),
    }
    log.warn('customer', 'a customer read a customer sentence; the staff text', data, typeof n.opId === 'string' ? n.opId.slice(0, 64) : undefined)
    return { ok: true }
  }
}
