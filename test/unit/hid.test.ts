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
