// The X-report's and the day close's totals from the kept tally (workers/engine/tally.ts): the whole hours of the
// shift from the tally, the rows of its two partial hours (and of any hour the tally cannot decide) from the journal;
// the operations counted by the `createdAt` index, the ones needing attention read by `[state+createdAt]`. The same
// `Totals` as `totals()` over every row of the shift (test/integration/tally.test.ts checks it on random journals).
import Dexie from 'dexie'
import { countedLine, reportItem, rowKind, totalsOf, type Counted, type ReportItem, type Totals } from '../../src/domain/journal.ts'
import { countedOf, HOUR, hourOf, targetKind, type Tallied } from '../../src/domain/tally.ts'
import type { Operation, OpKind } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { PaydeskDb } from './db.ts'
import { queueReads } from './queue.ts'
import { TALLY_SINCE } from './tally.ts'

/**
 * Totals of the operations created in (from, to], read inside the caller's transaction (which holds the journal,
 * the tally, the settings and the queue). `types` names the payment types.
 */
export async function keptTotals(
  db: PaydeskDb,
  from: number,
  to: number,
  types: () => Promise<readonly { id: string; name: string; number?: number }[]>,
): Promise<Totals> {
  // Every read is sent at once: on a loaded machine each wait for an answer is what costs.
  const queuedIds = queueReads(db).opIds()
  const operations = db.operations.where('createdAt').between(from, to, false, true).count()
  const attentionRows = db.operations.where('[state+createdAt]').between(['needs-attention', from], ['needs-attention', to], false, true).toArray()
  const since = ((await db.settings.get(TALLY_SINCE))?.value as number | undefined) ?? -Infinity
  // The whole hours inside (from, to] the tally covers: [lo, hi].
  const lo = Math.max(from === -Infinity ? -Infinity : hourOf(from) + 1, since)
  const hi = hourOf(to) - 1
  const ranges: [number, number, boolean, boolean][] = []
  let tallied: Counted[] = []
  if (lo > hi) ranges.push([from, to, false, true])
  else {
    const tally = await db.tally
      .where('[hour+paymentTypeId+currency]')
      .between([lo, Dexie.minKey, Dexie.minKey], [hi, Dexie.maxKey, Dexie.maxKey], true, true)
      .toArray()
    // An hour holding a cancel the tally could not tell from a cancelled refund is recounted from its rows.
    const recount = new Set(tally.filter((t) => t.unresolved.count).map((t) => t.hour))
    tallied = tally.filter((t) => !recount.has(t.hour)).map(countedOf)
    if (lo !== -Infinity) ranges.push([from, lo * HOUR, false, false])
    for (const h of [...recount].sort((a, b) => a - b)) ranges.push([h * HOUR, (h + 1) * HOUR, true, false])
    ranges.push([(hi + 1) * HOUR, to, true, true])
  }
  const rows = (await Promise.all(ranges.map(([a, b, ia, ib]) => db.operations.where('createdAt').between(a, b, ia, ib).toArray()))).flat()
  const queued = await queuedIds
  const inRange = (o: Operation) => o.createdAt > from && o.createdAt <= to
  const queuedRows = (await db.operations.bulkGet([...queued] as OperationId[])).filter((o): o is Operation => !!o)
  const attention = await attentionRows
  // A cancel's kind from its row (`targetRow`), else from the operation it reverses, as the report read it before.
  const unknown = [...rows, ...attention, ...queuedRows].filter((o) => o.kind === 'cancel' && o.original && !(o as Tallied).targetRow)
  const originals = new Map<string, OpKind>()
  const ids = [...new Set(unknown.map((o) => o.original!))]
  if (ids.length) for (const o of await db.operations.bulkGet(ids)) if (o) originals.set(o.id, o.kind)
  const origKind = (o: Operation): OpKind | undefined => targetKind(o as Tallied) ?? (o.original ? originals.get(o.original) : undefined)
  const names = await types()
  const item = (o: Operation): ReportItem => reportItem(o, rowKind(o, origKind(o)), names)
  const counted: Counted[] = [...tallied]
  for (const o of rows) {
    const line = countedLine(o, origKind(o))
    if (!line) continue
    const c: Counted = { paymentTypeId: o.paymentTypeId, currency: o.currency, payments: zero(), cancels: zero(), refunds: zero(), cancelRefunds: zero() }
    c[line] = { count: 1, sum: o.amount }
    counted.push(c)
  }
  // Queued operations of the shift in its order, then those made before it (the queue is the till's, not the shift's).
  const byTime = (a: Operation, b: Operation) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const queuedItems = [...queuedRows.filter(inRange).sort(byTime), ...queuedRows.filter((o) => !inRange(o))].map(item)
  return totalsOf(counted, names, { operations: await operations, attention: attention.map(item), queued: queuedItems })
}

const zero = () => ({ count: 0, sum: 0 })
