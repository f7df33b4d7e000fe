// Benchmark of the inpas-sbp SA codec (docs/protocols/inpas-sbp.md § 7 scenario 59): encode + decode throughput
// over a realistic mix of terminal traffic — op-21 waits, card/SBP results, host-relay frames and long results
// with a CP1251 slip that go out as SOH fragments — about 4 MB per round. Budget ≥ 50 MB/s; no test asserts it.
import {
  FrameDecoder,
  buildHostRelayReply,
  buildMessage,
  buildSale,
  encodeFrames,
  parseMessage,
  type MessageBuildResult,
  type SaFieldsInput,
} from '../workers/providers/inpas-sbp/codec/index.ts'

export interface BenchResult {
  name: string
  value: number
  unit: string
  budget: string
}

/** § 7 scenario 59: the codec must sustain at least this (1 MB = 10⁶ bytes of wire traffic). */
const BUDGET_MB_S = 50
/** Wire bytes per measured round. */
const ROUND_BYTES = 4_000_000
/** Rounds measured after warm-up; the median is reported. */
const ROUNDS = 7
const WARMUP_ROUNDS = 2
/** A Web Serial read hands over at most `bufferSize` bytes; typical reads are far smaller (§ 4.4). */
const READ_CHUNK = 256

/** A 32-column slip in the shape of the captured one (§ 2.11): customer copy, cashier copy, product. */
function slip(rrn: string, amount: number): string {
  const lines = (title: string) =>
    [
      `           ${title}`,
      '             Metro C&C',
      '      ПРОЦЕССИНГОВЫЙ ЦЕНТР',
      'ОПЛАТА СБП                  0190',
      `16.05.20               02:26:53`,
      'ТЕРМИНАЛ:              40000172',
      'КАРТА               VISA Classic',
      '     **** **** **** 8943',
      `СУММА (RUB)          ${(amount / 100).toFixed(2).padStart(10)}`,
      '            ОДОБРЕНО',
      'КОД ОТВЕТА                    00',
      'КОД АВТОРИЗАЦИИ:          769537',
      `№ ССЫЛКИ:           ${rrn}`,
      '--------------------------------',
      '            (КАССИР)',
      '================================',
    ].join('\r\n')
  return `0xDF^^${lines('ЧЕК КЛИЕНТА')}\r\n~0xDA^^${lines('ЧЕК КАССИРА')}\r\n~0xDE^^VISA Classic~`
}

/** Typed fields of a terminal result (§ 2.7), as V3 and the [Z5] golden result carry them. */
function result(i: number, withSlip: boolean): SaFieldsInput {
  const rrn = String(856666703130 + i)
  const amount = 100 + ((i * 7919) % 9_999_900)
  const fields: SaFieldsInput = {
    amount,
    currencyCode: 643,
    dateTimeHost: '20200516022653',
    pan: '************8943',
    cardExpiryDate: '1808',
    authorizationCode: String(769537 + (i % 1000)).padStart(6, '0'),
    referenceNumber: rrn,
    responseCodeHost: '00',
    textResponse: 'ОДОБРЕНО',
    terminalDateTime: '20200516022653',
    trxId: '-1',
    operationCode: 1,
    terminalTrxId: i,
    terminalId: '40000172',
    merchantId: '1111111111',
    status: 1,
  }
  if (withSlip) fields.receiptData = slip(rrn, amount)
  return fields
}

/** A message of the mix, ready to encode: built from typed fields by the codec when timed. */
type Job = () => MessageBuildResult

/** One message of the mix, by index: mostly short frames, every fourth a long result with a slip. */
function job(i: number): Job {
  switch (i % 8) {
    case 0:
    case 4: {
      const fields = result(i, true)
      return () => buildMessage(fields, { extra: [[200, 'SBP']] })
    }
    case 1:
    case 5:
      return () => buildMessage({ operationCode: 21 })
    case 2: {
      const fields = result(i, false)
      return () => buildMessage(fields, { extra: [[200, 'CARD']] })
    }
    case 3:
      return () => buildSale({ amount: 12345 + i, currency: 643, ecrNo: i, terminalId: '99000001', extra: [[200, 'SBP']] })
    case 6: {
      const data = new Uint8Array(300).fill(i & 0xff)
      return () => buildHostRelayReply({ sub: 17, result: 0, data })
    }
    default: {
      const fileData = new TextEncoder().encode('195.200.209.10;15444;')
      return () => buildMessage({ operationCode: 63, commandMode: 1, commandMode2: 16, fileData })
    }
  }
}

/** Enough messages for about ROUND_BYTES of wire traffic (fixtures are made once, outside the timing). */
function makeJobs(): Job[] {
  const jobs: Job[] = []
  let bytes = 0
  while (bytes < ROUND_BYTES) {
    const j = job(jobs.length)
    const r = j()
    if (!r.ok) throw new Error(`bench message ${jobs.length} failed to build: ${r.error.kind}`)
    bytes += r.value.length + 5
    jobs.push(j)
  }
  return jobs
}

interface Round {
  /** Encode and decode interleaved, message by message, as the link runs (the budgeted figure). */
  totalMs: number
  /** Encode alone (fields → TLV → frames). */
  encodeMs: number
  /** Decode alone (serial-sized reads → frames → parsed messages). */
  decodeMs: number
  wireBytes: number
  messages: number
}

/** Feed `frames` to `decoder` in READ_CHUNK reads and parse every message; returns how many were parsed. */
function decodeInto(decoder: FrameDecoder, bytes: Uint8Array): number {
  let parsed = 0
  for (let i = 0; i < bytes.length; i += READ_CHUNK) {
    for (const e of decoder.push(bytes.subarray(i, i + READ_CHUNK))) {
      if (e.kind !== 'frame') continue
      if (!parseMessage(e.payload).ok) throw new Error('bench message failed to parse')
      parsed++
    }
  }
  return parsed
}

function encodeOne(j: Job): Uint8Array[] {
  const data = j()
  if (!data.ok) throw new Error('bench message failed to build')
  const framed = encodeFrames(data.value)
  if (!framed.ok) throw new Error('bench message too long')
  return framed.value
}

/**
 * One round over the mix, three ways: interleaved (each message encoded, then read back in serial-sized
 * chunks — nothing outlives its message, as on a live link), encode only, and decode only of the whole stream.
 */
function round(jobs: readonly Job[]): Round {
  const interleaved = new FrameDecoder()
  let parsed = 0
  const t0 = performance.now()
  for (const j of jobs) for (const f of encodeOne(j)) parsed += decodeInto(interleaved, f)
  const t1 = performance.now()
  if (parsed !== jobs.length) throw new Error(`decoded ${parsed} of ${jobs.length} messages`)

  const frames: Uint8Array[] = []
  let wireBytes = 0
  const t2 = performance.now()
  for (const j of jobs) {
    for (const f of encodeOne(j)) {
      frames.push(f)
      wireBytes += f.length
    }
  }
  const t3 = performance.now()
  const stream = new Uint8Array(wireBytes)
  let at = 0
  for (const f of frames) {
    stream.set(f, at)
    at += f.length
  }
  const t4 = performance.now()
  parsed = decodeInto(new FrameDecoder(), stream)
  const t5 = performance.now()
  if (parsed !== jobs.length) throw new Error(`decoded ${parsed} of ${jobs.length} messages`)
  return { totalMs: t1 - t0, encodeMs: t3 - t2, decodeMs: t5 - t4, wireBytes, messages: jobs.length }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const mbPerS = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000)
const round1 = (x: number) => Math.round(x * 10) / 10

/** § 7 scenario 59: MB/s and messages/s of the inpas-sbp codec beside the ≥ 50 MB/s budget. */
export async function benchInpasCodec(): Promise<BenchResult[]> {
  const jobs = makeJobs()
  for (let i = 0; i < WARMUP_ROUNDS; i++) round(jobs)
  const rounds: Round[] = []
  for (let i = 0; i < ROUNDS; i++) {
    rounds.push(round(jobs))
    await Promise.resolve()
  }
  const bytes = rounds[0]!.wireBytes
  const count = rounds[0]!.messages
  const total = median(rounds.map((r) => r.totalMs))
  return [
    { name: 'inpas-sbp codec encode+decode', value: round1(mbPerS(bytes, total)), unit: 'MB/s', budget: `>= ${BUDGET_MB_S}` },
    { name: 'inpas-sbp codec encode only', value: round1(mbPerS(bytes, median(rounds.map((r) => r.encodeMs)))), unit: 'MB/s', budget: 'info' },
    { name: 'inpas-sbp codec decode only', value: round1(mbPerS(bytes, median(rounds.map((r) => r.decodeMs)))), unit: 'MB/s', budget: 'info' },
    { name: 'inpas-sbp codec messages', value: Math.round(count / (total / 1000)), unit: 'msg/s', budget: 'info' },
  ]
}
