// Operations of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 2.8–§ 2.10, § 3.2 PDK-SBP/1, § 3.3, § 3.4,
// § 5.2 E2–E9, E13–E23). Owns: answering requests (check link, sale, refund/cancel, status, receipt copy,
// settlement, reports, op-41 display, unknown ops), the money operation in flight (card prompt, key-1 switch,
// QR and its notify, later-day card tap, authorisation, host relay, wait storm), the scripted customer, and
// writing results into the journal. Pure: works on the step's copy of the state.
import { EOT, OP, SERVICE, STATUS, encodeTlv, formatReceipt, formatSbpLink, tlvText, type SaMessage } from '../../workers/providers/inpas-sbp/codec/index.ts'
import { log, type Ctx } from './context.ts'
import { addEntry, entryByEcrNo, entryBySeq, isSameDay, replaceEntry, saleByRrn, settleAll, terminalDateTime, unsettledTotals } from './journal.ts'
import { emitControl, enqueue, waitPending } from './link.ts'
import { drawAuthCode, drawPanTail, drawQrcId, drawRrn } from './rng.ts'
import { moneySlip, totalsSlip } from './slips.ts'
import type { JournalEntry, Method, OpPhase, Operation, OutMessage, PinpadState } from './types.ts'

/** Sandbox texts of field 19 (E4–E6, E16, E21, E17). */
export const TEXT = {
  approved: 'ОДОБРЕНО',
  declined: 'ОТКАЗАНО',
  aborted: 'ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~',
  noConnection: 'НЕТ СОЕДИНЕНИЯ',
  noData: 'НЕТ ДАННЫХ',
  badAmount: 'НЕВЕРНАЯ СУММА',
  notFound: 'ОПЕРАЦИЯ НЕ НАЙДЕНА',
  exceeds: 'ПРЕВЫШЕНА СУММА ВОЗВРАТА',
  switched: 'ВОЗВРАТ НЕДОСТУПЕН',
  partialSameDay: 'ЧАСТИЧНЫЙ ВОЗВРАТ НЕДОСТУПЕН',
} as const

/** Field 15 host codes the emulator writes. */
const HOST = { approved: '00', declined: '05', aborted: 'ER3', noConnection: 'ER1' } as const

/** Phases in which the customer has not acted yet (E23: EOT from the till aborts them). */
const CUSTOMER_PHASES: readonly OpPhase[] = ['card', 'qr', 'refund-card']

type Fields = Array<[number, string]>

/** Encode tag/text pairs in ascending tag order (terminals answer in ascending order, § 2.6). */
export function encodeFields(fields: Fields): Uint8Array {
  const sorted = [...fields].sort((a, b) => a[0] - b[0])
  const r = encodeTlv(sorted)
  if (!r.ok) throw new Error(`emulator built an unencodable message: ${JSON.stringify(r.error)}`)
  return r.value
}

function send(ctx: Ctx, kind: OutMessage['kind'], fields: Fields): void {
  const op = Number(fields.find(([t]) => t === 25)?.[1] ?? -1)
  enqueue(ctx, { kind, op, data: encodeFields(fields) })
}

function reply(ctx: Ctx, fields: Fields): void {
  send(ctx, 'final', fields)
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/** Dispatch a request the link layer accepted (ACKed, or processed under `dropAck`). */
export function handleRequest(ctx: Ctx, msg: SaMessage, raw: Uint8Array): void {
  const s = ctx.s
  const cfg = s.config
  const f = msg.fields
  if (isRelayReply(msg)) {
    onRelayReply(ctx, msg)
    return
  }
  if (msg.op === OP.checkLink) {
    // E2
    reply(ctx, [
      [25, String(OP.checkLink)],
      [39, String(STATUS.approved)],
      [27, s.tid],
    ])
  } else if (msg.op === cfg.payOp) startSale(ctx, msg, raw)
  else if (msg.op === cfg.refundOp || msg.op === OP.cancel) startRefund(ctx, msg, raw)
  else if (msg.op === cfg.statusOp) statusReply(ctx, msg)
  else if (msg.op === OP.service && f.commandMode2 === SERVICE.receiptCopy) receiptCopy(ctx, msg)
  else if (msg.op === OP.service && (f.commandMode2 === SERVICE.shortReport || f.commandMode2 === SERVICE.fullReport)) {
    reply(ctx, [
      [25, String(OP.service)],
      [65, String(f.commandMode2)],
      [39, String(STATUS.approved)],
      [90, totalsSlip({ title: 'ОТЧЕТ', terminalDate: terminalDateTime(s), tid: s.tid, ...unsettledTotals(s) })],
    ])
  } else if (msg.op === OP.settlement) settlement(ctx)
  else if (msg.op === OP.display) {
    // § 2.8: op 41 → T answers 64, 67.
    reply(ctx, [
      [25, String(OP.display)],
      [64, String(f.commandMode ?? 2)],
      [67, '0'],
    ])
    s.screen = tlvText(msg.tlv, 90) ?? ''
  } else {
    // E19
    reply(ctx, [
      [25, String(msg.op)],
      [39, String(STATUS.undefined)],
    ])
  }
}

/** § 2.10: op 63 with field 67 and sub-command 16/17 is the till's answer to a relay request. */
export function isRelayReply(msg: SaMessage): boolean {
  const sub = msg.fields.commandMode2
  return msg.op === OP.service && msg.fields.commandResult !== undefined && (sub === SERVICE.hostConnection || sub === SERVICE.hostData)
}

function newOp(s: PinpadState, kind: Operation['kind'], msg: SaMessage, raw: Uint8Array, phase: OpPhase, method: Method): Operation {
  const storm = s.faults.waitStorm
  s.faults.waitStorm = null
  return {
    kind,
    op: msg.op,
    amount: msg.fields.amount ?? 0,
    currency: msg.fields.currencyCode ?? 643,
    ...(msg.fields.terminalTrxId !== undefined ? { ecrNo: msg.fields.terminalTrxId } : {}),
    custom: tlvText(msg.tlv, s.config.methodTag) !== undefined,
    method,
    switched: false,
    phase,
    startedAt: s.now,
    requestRaw: raw,
    deadline: null,
    scriptAt: null,
    authAt: null,
    relayDeadline: null,
    nextWaitAt: s.now + (storm?.everyMs ?? s.config.waitIntervalMs),
    waitEvery: storm?.everyMs ?? s.config.waitIntervalMs,
    holdUntil: storm ? s.now + storm.forMs : null,
    decline: null,
    held: null,
    silent: false,
  }
}

/**
 * E8: the first op 21 right after the ACK. `eotAt('waiting')` replaces it by EOT: the terminal ends the
 * exchange and aborts the operation (39 = 53 in the journal, no result sent). False when that happened.
 */
function startWaiting(ctx: Ctx): boolean {
  const s = ctx.s
  const i = s.faults.eotAt.indexOf('waiting')
  if (i >= 0) {
    s.faults.eotAt.splice(i, 1)
    emitControl(ctx, EOT)
    s.op!.silent = true
    finish(ctx, STATUS.aborted, HOST.aborted, TEXT.aborted)
    return false
  }
  sendWait(ctx)
  return true
}

function sendWait(ctx: Ctx): void {
  if (!waitPending(ctx.s)) send(ctx, 'wait', [[25, String(OP.wait)]])
}

/** E3: `200:"SBP"` → QR at once; otherwise the card prompt (key 1 switches to QR in a sale). */
function startSale(ctx: Ctx, msg: SaMessage, raw: Uint8Array): void {
  const s = ctx.s
  const wantsQr = (tlvText(msg.tlv, s.config.methodTag) ?? '').toUpperCase() === 'SBP'
  const op = newOp(s, 'sale', msg, raw, wantsQr ? 'qr' : 'card', wantsQr ? 'sbp' : 'card')
  s.op = op
  if (!startWaiting(ctx)) return
  if (op.amount < 1) {
    authorise(ctx, TEXT.badAmount)
    return
  }
  if (wantsQr) showQr(ctx)
  else {
    op.deadline = s.now + s.config.cardWaitS * 1000
    s.screen = 'ПРИЛОЖИТЕ КАРТУ. 1 - ОПЛАТА QR СБП'
    scheduleCustomer(ctx)
  }
}

/** E13–E16: refund (op 29, also op 4 cancel) of an approved sale found by RRN. */
function startRefund(ctx: Ctx, msg: SaMessage, raw: Uint8Array): void {
  const s = ctx.s
  const f = msg.fields
  const orig = saleByRrn(s, f.referenceNumber)
  const op = newOp(s, 'refund', msg, raw, 'authorising', orig?.method ?? 'sbp')
  if (orig) {
    op.origSeq = orig.seq
    if (orig.rrn) op.origRrn = orig.rrn
    op.switched = orig.switched
  } else if (f.referenceNumber) op.origRrn = f.referenceNumber
  s.op = op
  if (!startWaiting(ctx)) return
  if (op.amount < 1) return authorise(ctx, TEXT.badAmount)
  if (!orig || (f.authorizationCode !== undefined && f.authorizationCode !== '' && f.authorizationCode !== orig.authCode)) {
    return authorise(ctx, TEXT.notFound)
  }
  if (op.amount > orig.amount - orig.refunded) return authorise(ctx, TEXT.exceeds)
  if (orig.switched && !s.bank.switchedRefund) return authorise(ctx, TEXT.switched)
  if (isSameDay(s, orig)) {
    const partial = op.amount < orig.amount
    if (partial && !s.bank.sameDayPartial) return authorise(ctx, TEXT.partialSameDay)
    return authorise(ctx)
  }
  // E14: a later-day refund needs the card.
  op.phase = 'refund-card'
  op.deadline = s.now + s.config.cardWaitS * 1000
  s.screen = 'ВОЗВРАТ: ПРИЛОЖИТЕ КАРТУ'
  scheduleCustomer(ctx)
}

function scheduleCustomer(ctx: Ctx): void {
  const s = ctx.s
  s.op!.scriptAt = s.customer.outcome === 'ignore' ? null : s.now + Math.max(0, s.customer.afterMs)
}

/** E3/E9: the QR is on the screen; in the `custom` profile the link goes to the till as op 201. */
function showQr(ctx: Ctx): void {
  const s = ctx.s
  const op = s.op!
  op.phase = 'qr'
  op.method = 'sbp'
  op.deadline = s.now + s.config.qrLifetimeS * 1000
  s.screen = 'QR СБП'
  scheduleCustomer(ctx)
  const notify = s.config.qrNotify === 'always' || (s.config.qrNotify === 'custom' && op.custom)
  if (!(notify && s.config.qrNotifyOp > 0)) {
    // Not sent to the till: the screen still shows a link; its id is not drawn from the RNG (runs stay reproducible).
    const id = `${s.nextSeq.toString(36)}X${s.now.toString(36)}`.toUpperCase().padStart(19, '0').slice(-19)
    op.qrLink = formatSbpLink({ qrcId: `AD1000TESTEMU${id}`, type: '02', bank: s.config.sbpBank, sum: op.amount })
  } else {
    const link = formatSbpLink({ qrcId: drawQrcId(s), type: '02', bank: s.config.sbpBank, sum: op.amount })
    op.qrLink = link
    send(ctx, 'notify', [
      [25, String(s.config.qrNotifyOp)],
      [57, String(s.config.qrLifetimeS)],
      [90, formatReceipt([{ tag: 'DF', text: link }])],
    ])
  }
}

/** The customer acted (or a check failed): the "bank" answers after `authMs`. */
function authorise(ctx: Ctx, declineText?: string): void {
  const s = ctx.s
  const op = s.op!
  op.phase = 'authorising'
  op.deadline = null
  op.scriptAt = null
  op.authAt = s.now + s.config.authMs
  op.decline = declineText === undefined ? null : { text: declineText }
  s.screen = 'ОБРАБОТКА...'
}

// ---------------------------------------------------------------------------------------------------------
// Customer actions (§ 5.3)

export type CustomerAct = 'key1' | 'tap' | 'cancel' | 'pay' | 'decline'

export function customerAct(ctx: Ctx, act: CustomerAct, declineText?: string): void {
  const s = ctx.s
  const op = s.op
  if (!op) {
    log(ctx, `customer: ${act} ignored, no operation`)
    return
  }
  if (act === 'key1') {
    // B5/E3: key 1 works in the card prompt of a sale only.
    if (op.kind === 'sale' && op.phase === 'card') {
      op.switched = true
      showQr(ctx)
    } else log(ctx, `customer: key 1 ignored (${op.kind}, ${op.phase})`)
  } else if (act === 'pay' || act === 'decline') {
    // The pin-pad page's manual customer: pays (or is declined) by whatever the screen offers.
    const text = act === 'decline' ? (declineText ?? TEXT.declined) : declineText
    if (op.phase === 'qr') authorise(ctx, text)
    else if (op.phase === 'card' || op.phase === 'refund-card') customerAct(ctx, 'tap', text)
    else log(ctx, `customer: ${act} ignored (${op.phase})`)
  } else if (act === 'tap') {
    if (op.phase === 'card') {
      op.method = 'card'
      authorise(ctx, declineText)
    } else if (op.phase === 'refund-card') authorise(ctx, declineText)
    else log(ctx, `customer: card tap ignored (${op.phase})`)
  } else if (CUSTOMER_PHASES.includes(op.phase)) {
    // E7: red key.
    finish(ctx, STATUS.aborted, HOST.aborted, TEXT.aborted)
  } else log(ctx, `customer: cancel ignored (${op.phase})`)
}

/** The scripted customer's turn (§ 5.3 `customer`). */
function runScript(ctx: Ctx): void {
  const s = ctx.s
  const op = s.op!
  op.scriptAt = null
  const { outcome, choice } = s.customer
  if (outcome === 'ignore') return
  if (outcome === 'cancel') return customerAct(ctx, 'cancel')
  const decline = outcome === 'decline' ? TEXT.declined : undefined
  if (op.phase === 'card') {
    if (choice === 'card' || decline) customerAct(ctx, 'tap', decline)
    else customerAct(ctx, 'key1')
  } else if (op.phase === 'qr') authorise(ctx, decline)
  else if (op.phase === 'refund-card') customerAct(ctx, 'tap', decline)
}

// ---------------------------------------------------------------------------------------------------------
// Authorisation, host relay (E21) and the result

function afterAuth(ctx: Ctx): void {
  const s = ctx.s
  const op = s.op!
  op.authAt = null
  if (!op.decline && s.hostLink === 'via-ecr') {
    op.phase = 'relay-open'
    op.relayDeadline = s.now + s.config.relayTimeoutMs
    send(ctx, 'relay', [
      [25, String(OP.service)],
      [64, '1'],
      [65, String(SERVICE.hostConnection)],
      [70, s.config.hostAddress],
    ])
    return
  }
  decide(ctx)
}

function decide(ctx: Ctx): void {
  const s = ctx.s
  const op = s.op!
  if (op.decline) return finish(ctx, STATUS.declined, HOST.declined, op.decline.text)
  if (s.bank.hostDown) return finish(ctx, STATUS.noConnection, HOST.noConnection, TEXT.noConnection)
  if (s.bank.declineNext) {
    s.bank.declineNext = false
    return finish(ctx, STATUS.declined, HOST.declined, TEXT.declined)
  }
  finish(ctx, STATUS.approved, HOST.approved, TEXT.approved)
}

/**
 * E21 (PDK simplification): 67 = 1 to the open → 39 = 34. 67 = 0 → the terminal closes the connection
 * (63/16, 64 = 0) and, on the till's answer, authorises as if the host were reached; no host data is relayed.
 */
function onRelayReply(ctx: Ctx, msg: SaMessage): void {
  const op = ctx.s.op
  if (!op || (op.phase !== 'relay-open' && op.phase !== 'relay-close')) {
    log(ctx, 'relay: unexpected host-relay answer ignored')
    return
  }
  if (op.phase === 'relay-open') {
    if (msg.fields.commandResult !== 0) return finish(ctx, STATUS.noConnection, HOST.noConnection, TEXT.noConnection)
    op.phase = 'relay-close'
    op.relayDeadline = ctx.s.now + ctx.s.config.relayTimeoutMs
    send(ctx, 'relay', [
      [25, String(OP.service)],
      [64, '0'],
      [65, String(SERVICE.hostConnection)],
    ])
    return
  }
  op.relayDeadline = null
  decide(ctx)
}

/** E4–E7, E12: write the result into the journal and send it (or hold it, lose it, replace it by EOT). */
function finish(ctx: Ctx, status: number, hostCode: string, text: string): void {
  const s = ctx.s
  const op = s.op!
  const approved = status === STATUS.approved
  const terminalDate = terminalDateTime(s)
  const rrn = approved ? drawRrn(s) : undefined
  const authCode = approved ? drawAuthCode(s) : undefined
  const pan = op.method === 'card' && op.kind === 'sale' && op.phase !== 'card' ? `************${drawPanTail(s)}` : undefined
  const orig = entryBySeq(s, op.origSeq)
  const slip = moneySlip({
    kind: op.kind,
    method: op.method,
    amount: op.amount,
    currency: op.currency,
    terminalDate,
    tid: s.tid,
    merchantId: s.config.merchantId,
    statusText: text.split('^')[0]!,
    hostCode,
    pan: pan ?? (op.kind === 'refund' ? orig?.pan : undefined),
    authCode,
    rrn,
    ecrNo: op.ecrNo,
  })
  const fields: Fields = [
    [0, String(op.amount)],
    [4, String(op.currency).padStart(3, '0')],
    [15, hostCode],
    [19, text],
    [21, terminalDate],
    [23, '-1'],
    [25, String(op.op)],
    [26, op.ecrNo === undefined ? '-1' : String(op.ecrNo)],
    [27, s.tid],
    [28, s.config.merchantId],
    [39, String(status)],
    [90, slip],
    [s.config.methodTag, op.method === 'sbp' ? 'SBP' : 'CARD'],
  ]
  if (approved) fields.push([6, terminalDate], [13, authCode!], [14, rrn!])
  if (pan) fields.push([10, pan], [11, '2812'])
  const seq = s.nextSeq++
  const entry: JournalEntry = {
    seq,
    kind: op.kind,
    op: op.op,
    ...(op.ecrNo !== undefined ? { ecrNo: op.ecrNo } : {}),
    amount: op.amount,
    currency: op.currency,
    status,
    hostCode,
    text,
    method: op.method,
    switched: op.switched,
    ...(rrn ? { rrn } : {}),
    ...(authCode ? { authCode } : {}),
    ...(pan ? { pan } : {}),
    terminalDate,
    refunded: 0,
    ...(op.origRrn ? { origRrn: op.origRrn } : {}),
    settled: false,
    slip,
    result: fields,
  }
  addEntry(s, entry)
  if (approved && op.kind === 'refund' && orig) replaceEntry(s, orig.seq, { refunded: orig.refunded + op.amount })
  s.screen = text.split('^')[0]!
  const data = encodeFields(fields)
  if (op.holdUntil !== null && s.now < op.holdUntil && !op.silent) {
    op.phase = 'holding'
    op.deadline = null
    op.scriptAt = null
    op.held = { status, data, seq }
    return
  }
  deliver(ctx, data)
}

/** Send the final result — unless it is lost (`loseResult`), replaced by EOT (`eotAt('result')`) or silent. */
function deliver(ctx: Ctx, data: Uint8Array): void {
  const s = ctx.s
  const op = s.op!
  s.op = null
  if (op.silent) return
  if (s.faults.loseResult) {
    s.faults.loseResult = false
    log(ctx, `result of op ${op.op} lost (loseResult)`)
    return
  }
  const i = s.faults.eotAt.indexOf('result')
  if (i >= 0) {
    s.faults.eotAt.splice(i, 1)
    emitControl(ctx, EOT)
    return
  }
  enqueue(ctx, { kind: 'final', op: op.op, data })
}

// ---------------------------------------------------------------------------------------------------------
// Status (E17), receipt copy, settlement (E20)

function statusReply(ctx: Ctx, msg: SaMessage): void {
  const s = ctx.s
  const f = msg.fields
  const e = f.terminalTrxId === undefined ? undefined : entryByEcrNo(s, f.terminalTrxId, f.origOperation, f.referenceNumber)
  const op = String(s.config.statusOp)
  if (!e) {
    const fields: Fields = [
      [25, op],
      [39, String(STATUS.undefined)],
      [19, TEXT.noData],
    ]
    if (f.terminalTrxId !== undefined) fields.push([26, String(f.terminalTrxId)])
    return reply(ctx, fields)
  }
  const keep = new Set([0, 4, 13, 14, 15, 19, 21, 90, s.config.methodTag])
  const fields: Fields = e.result.filter(([t]) => keep.has(t))
  fields.push([25, op], [26, String(e.ecrNo)], [34, String(e.op)], [39, String(e.status)])
  reply(ctx, fields)
}

function receiptCopy(ctx: Ctx, msg: SaMessage): void {
  const s = ctx.s
  const f = msg.fields
  const last = f.commandMode !== 0
  const e = last
    ? entryBySeq(s, s.lastSeq)
    : s.journal.find(
        (x) => (f.referenceNumber !== undefined && x.rrn === f.referenceNumber) || (f.authorizationCode !== undefined && x.authCode === f.authorizationCode),
      )
  const head: Fields = [
    [25, String(OP.service)],
    [65, String(SERVICE.receiptCopy)],
    [64, last ? '1' : '0'],
  ]
  if (!e) return reply(ctx, [...head, [39, String(STATUS.undefined)], [19, TEXT.noData], [90, '']])
  reply(ctx, [...head, [27, s.tid], [90, e.slip]])
}

function settlement(ctx: Ctx): void {
  const s = ctx.s
  const totals = unsettledTotals(s)
  settleAll(s)
  reply(ctx, [
    [25, String(OP.settlement)],
    [27, s.tid],
    [29, String(totals.sales.sum)],
    [30, String(totals.sales.count)],
    [31, String(totals.refunds.sum)],
    [32, String(totals.refunds.count)],
    [39, String(STATUS.approved)],
    [90, totalsSlip({ title: 'СВЕРКА ИТОГОВ', terminalDate: terminalDateTime(s), tid: s.tid, ...totals })],
  ])
}

// ---------------------------------------------------------------------------------------------------------
// Timers, EOT from the till, reboot

/** Operation timers due at `now`: the customer's turn, deadlines, authorisation, relay, waits, the held result. */
export function runOpTimers(ctx: Ctx): boolean {
  const s = ctx.s
  const op = s.op
  if (!op) return false
  const now = s.now
  if (op.scriptAt !== null && now >= op.scriptAt) {
    runScript(ctx)
    return true
  }
  if (op.deadline !== null && now >= op.deadline) {
    // E6 / E14: nobody paid / nobody tapped.
    finish(ctx, STATUS.aborted, HOST.aborted, TEXT.aborted)
    return true
  }
  if (op.authAt !== null && now >= op.authAt) {
    afterAuth(ctx)
    return true
  }
  if (op.relayDeadline !== null && now >= op.relayDeadline) {
    op.relayDeadline = null
    finish(ctx, STATUS.noConnection, HOST.noConnection, TEXT.noConnection)
    return true
  }
  if (op.phase === 'holding' && op.holdUntil !== null && now >= op.holdUntil) {
    deliver(ctx, op.held!.data)
    return true
  }
  if (now >= op.nextWaitAt) {
    op.nextWaitAt = now + op.waitEvery
    sendWait(ctx)
    return true
  }
  return false
}

export function opWake(s: PinpadState): number | null {
  const op = s.op
  if (!op) return null
  const times = [op.scriptAt, op.deadline, op.authAt, op.relayDeadline, op.nextWaitAt]
  if (op.phase === 'holding') times.push(op.holdUntil)
  const due = times.filter((t): t is number => t !== null)
  return due.length ? Math.min(...due) : null
}

/** E23: EOT from the till while an operation runs. */
export function onEcrEot(ctx: Ctx): void {
  const s = ctx.s
  const op = s.op
  if (!op || s.config.onEcrEot === 'ignore') return
  if (CUSTOMER_PHASES.includes(op.phase)) {
    log(ctx, `the till sent EOT before the customer acted: op ${op.op} aborted`)
    finish(ctx, STATUS.aborted, HOST.aborted, TEXT.aborted)
  } else log(ctx, `the till sent EOT; op ${op.op} is past the customer (${op.phase}) and goes on`)
}

/** § 5.3 reboot: the in-flight operation is forgotten (39 = 53 in the journal, nothing sent). */
export function rebootOp(ctx: Ctx): void {
  const op = ctx.s.op
  if (!op) return
  if (op.phase === 'holding') {
    ctx.s.op = null
    return
  }
  op.silent = true
  finish(ctx, STATUS.aborted, HOST.aborted, TEXT.aborted)
}
