import { describe, expect, it } from 'vitest'
import { MAX_SCAN_LENGTH, ScanDetector } from '../../src/scan/hid.ts'

function type(d: ScanDetector, text: string, start: number, gap: number) {
  let t = start
  const results = []
  for (const ch of text) results.push(d.key({ key: ch, at: (t += gap) }, 'before'))
  results.push(d.key({ key: 'Enter', at: t + gap }))
  return results
}

describe('HID scanner detection', () => {
  it('a fast burst ending in Enter is a scan, and the field it typed into gets its value back', () => {
    const r = type(new ScanDetector(), '880101698207133392', 1000, 8)
    expect(r.at(-1)).toEqual({ code: '880101698207133392', restore: 'before' })
  })

  it('a person typing at normal speed is not a scan', () => {
    const r = type(new ScanDetector(), '880101698207133392', 1000, 120)
    expect(r.every((x) => x === undefined)).toBe(true)
  })

  it('a short fast burst (a few keys) is not a scan: never a code (its swallowed keys are reported)', () => {
    expect(type(new ScanDetector(), '12345', 1000, 5).at(-1)).toEqual({ unreadable: true, restore: 'before' })
    expect(type(new ScanDetector(), '12', 1000, 5).at(-1)).toBeUndefined()
  })
})

describe('a burst is never sent truncated and never vanishes silently', () => {
  function keys(d: ScanDetector, text: string, at: number, gap: number) {
    const out = []
    let t = at
    for (const ch of text) out.push(d.key({ key: ch, at: (t += gap) }, 'before'))
    return { out, t }
  }

  it('a scanner that stalls in the middle: the cut is reported at once, and the rest is never sent as a code', () => {
    const d = new ScanDetector()
    const first = keys(d, '8801016982', 1000, 8)
    const rest = keys(d, '07133392', first.t + 200, 8)
    expect(rest.out[0]).toEqual({ unreadable: true, restore: 'before' })
    expect(rest.out.slice(1).every((r) => r !== undefined && 'burst' in r)).toBe(true)
    const enter = d.key({ key: 'Enter', at: rest.t + 8 })
    expect(enter).toEqual({ unreadable: true, restore: 'before' })
    expect([...first.out, ...rest.out, enter].some((r) => r !== undefined && 'code' in r)).toBe(false)
  })

  it('a swallowed burst whose Enter comes late, or that is too short, is reported, not dropped', () => {
    const late = new ScanDetector()
    const a = keys(late, '880101698207133392', 1000, 8)
    expect(late.key({ key: 'Enter', at: a.t + 500 })).toEqual({ unreadable: true, restore: 'before' })
    const short = new ScanDetector()
    const b = keys(short, '12345', 1000, 5)
    expect(short.key({ key: 'Enter', at: b.t + 5 })).toEqual({ unreadable: true, restore: 'before' })
  })

  it('a burst longer than MAX_SCAN_LENGTH is refused whole, never cut to the cap', () => {
    const d = new ScanDetector()
    const a = keys(d, '7'.repeat(MAX_SCAN_LENGTH + 10), 1000, 2)
    expect(d.key({ key: 'Enter', at: a.t + 2 })).toEqual({ unreadable: true, restore: 'before' })
  })

  it('a person typing slowly after a broken burst gets the keys in the field, and a later scan reads again', () => {
    const d = new ScanDetector()
    const a = keys(d, '8801016982', 1000, 8)
    keys(d, '0713', a.t + 200, 8)
    const typed = keys(d, '42', a.t + 2000, 300)
    expect(typed.out).toEqual([undefined, undefined])
    expect(d.key({ key: 'Enter', at: typed.t + 300 })).toBeUndefined()
    const scan = keys(d, '880101698207133392', typed.t + 5000, 8)
    expect(d.key({ key: 'Enter', at: scan.t + 8 })).toEqual({ code: '880101698207133392', restore: 'before' })
  })
})

describe('a scan typed into «Сумма» leaves the amount as the person typed it', () => {
  /** Feed keys into a simulated field whose value grows by the keys that are not swallowed. */
  function field(d: ScanDetector, initial: string) {
    let value = initial
    return {
      get value() {
        return value
      },
      key(k: string, at: number) {
        const r = d.key({ key: k, at }, value)
        if (r === undefined && k.length === 1) value += k
        if (k === 'Backspace') value = value.slice(0, -1)
        if (r && 'restore' in r && r.restore !== undefined) value = r.restore
        return r
      },
    }
  }

  it('the keys that land before the burst is recognised are taken back, and lead the code', () => {
    const d = new ScanDetector()
    const f = field(d, '')
    let t = 1000
    for (const k of '3000') f.key(k, (t += 150))
    let r: unknown
    t += 1500 // the cashier picks up the scanner
    for (const k of '880101698207133392') f.key(k, (t += 5))
    r = f.key('Enter', t + 5)
    expect(r).toEqual({ code: '880101698207133392', restore: '3000' })
    expect(f.value).toBe('3000')
    // A stall after the scanner's first key (a loaded machine) splits the burst: the same result.
    t += 2000
    f.key('8', t)
    t += 80
    for (const k of '80101698207133392') f.key(k, (t += 5))
    r = f.key('Enter', t + 5)
    expect(r).toEqual({ code: '880101698207133392', restore: '3000' })
    expect(f.value).toBe('3000')
  })

  it('a stall longer than a person’s pause after the scanner’s first two keys still gives the field its value back', () => {
    // A loaded machine held the scanner's keys up for 300 ms after its first two (20 ms apart, each rendered).
    const d = new ScanDetector()
    const f = field(d, '')
    let t = 1000
    for (const k of '3000') f.key(k, (t += 60))
    t += 400 // the cashier picks up the scanner
    for (const k of '88') f.key(k, (t += 20))
    expect(f.value).toBe('300088')
    t += 300
    for (const k of '0101698207133392') f.key(k, (t += 20))
    expect(f.key('Enter', t + 20)).toEqual({ code: '880101698207133392', restore: '3000' })
    expect(f.value).toBe('3000')
    // A person's own keys at a person's pace, a pause, more keys: nothing is taken back.
    const p = field(new ScanDetector(), '')
    t = 1000
    for (const k of '12') p.key(k, (t += 90))
    t += 400
    for (const k of '34') p.key(k, (t += 90))
    expect(p.key('Enter', t + 90)).toBeUndefined()
    expect(p.value).toBe('1234')
  })

  it('an edit key or a pause ends the run: what the person typed before it stays', () => {
    const d = new ScanDetector()
    const f = field(d, '')
    let t = 1000
    for (const k of '12') f.key(k, (t += 100))
    f.key('Backspace', (t += 100))
    f.key('5', (t += 100))
    t += 300
    for (const k of '880101698207133392') f.key(k, (t += 5))
    expect(f.key('Enter', t + 5)).toEqual({ code: '880101698207133392', restore: '15' })
  })
})

it('a broken burst that stalls again keeps its tail out of the field', () => {
  const d = new ScanDetector()
  let t = 1000
  for (const k of '8801016982') d.key({ key: k, at: (t += 5) }, '3000')
  expect(d.key({ key: '0', at: (t += 60) }, '3000')).toEqual({ unreadable: true, restore: '3000' })
  const tail = [...'7133392'].map((k) => d.key({ key: k, at: (t += 60) }, '3000'))
  expect(tail.every((r) => r !== undefined && 'burst' in r)).toBe(true)
  expect(d.key({ key: 'Enter', at: (t += 60) })).toEqual({ unreadable: true, restore: '3000' })
})
