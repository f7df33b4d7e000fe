// Lossless JSON for the emulators. Provider ids above 2^53 (docs/rules.md scenario 8) must cross
// the wire as exact digits, so request bodies are parsed with integers beyond the safe
// range kept as `bigint`, and replies are written with `bigint` values as bare digits.
// `JSON.parse`/`JSON.stringify` cannot do either on Node 20.

export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json }

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// JSON strings may not hold raw control characters (RFC 8259 § 7), hence the range.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const SPACE = /[ \t\n\r]*/y

/** Parse JSON text; integers outside ±(2^53 − 1) become `bigint`. Throws `SyntaxError`. */
export function parseJson(text: string): Json {
  let pos = 0
  const fail = (): never => {
    throw new SyntaxError(`bad JSON at ${pos}`)
  }
  const skip = (): void => {
    SPACE.lastIndex = pos
    SPACE.exec(text)
    pos = SPACE.lastIndex
  }
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = pos
    const m = re.exec(text)
    if (!m) return undefined
    pos = re.lastIndex
    return m[0]
  }
  const value = (depth: number): Json => {
    if (depth > 64) fail()
    skip()
    const c = text[pos]
    if (c === '{') {
      pos++
      const out: { [key: string]: Json } = {}
      skip()
      if (text[pos] === '}') {
        pos++
        return out
      }
      for (;;) {
        skip()
        const k = token(STRING) ?? fail()
        skip()
        if (text[pos++] !== ':') fail()
        out[JSON.parse(k) as string] = value(depth + 1)
        skip()
        const sep = text[pos++]
        if (sep === '}') return out
        if (sep !== ',') fail()
      }
    }
    if (c === '[') {
      pos++
      const out: Json[] = []
      skip()
      if (text[pos] === ']') {
        pos++
        return out
      }
      for (;;) {
        out.push(value(depth + 1))
        skip()
        const sep = text[pos++]
        if (sep === ']') return out
        if (sep !== ',') fail()
      }
    }
    if (c === '"') return JSON.parse(token(STRING) ?? fail()) as string
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length
        return v
      }
    }
    const num = token(NUMBER) ?? fail()
    if (/^-?\d+$/.test(num)) {
      const n = Number(num)
      return Number.isSafeInteger(n) ? n : BigInt(num)
    }
    return Number(num)
  }
  const out = value(0)
  skip()
  if (pos !== text.length) fail()
  return out
}

/** Write JSON text like `JSON.stringify`, but `bigint` values as bare digits. */
export function stringifyJson(value: unknown): string {
  const write = (v: unknown): string | undefined => {
    if (typeof v === 'bigint') return v.toString()
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v)
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null'
    if (Array.isArray(v)) return `[${v.map((x) => write(x) ?? 'null').join(',')}]`
    if (typeof v === 'object') {
      const parts: string[] = []
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const s = write(x)
        if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`)
      }
      return `{${parts.join(',')}}`
    }
    return undefined
  }
  return write(value) ?? 'null'
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
