import { describe, expect, it } from 'vitest'
import { ScanDetector } from '../../src/scan/hid.ts'

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

  it('a short fast burst (a few keys) is not a scan', () => {
    expect(type(new ScanDetector(), '12345', 1000, 5).at(-1)).toBeUndefined()
  })
})
