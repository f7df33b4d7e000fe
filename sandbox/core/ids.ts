// The seeded id generator handed to every emulator (docs/protocols/README.md S2: `reset {seed}` makes the
// generated ids deterministic). Without a seed it starts from a random one.

/** mulberry32: a tiny, well-known 32-bit PRNG; quality is ample for ids and card digits. */
function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class IdSource {
  #next: () => number = mulberry32(0)
  #salt: number

  /** `salt` separates the streams of different providers under one seed. */
  constructor(salt: string, seed?: number) {
    let h = 2166136261
    for (const ch of salt) h = Math.imul(h ^ ch.charCodeAt(0), 16777619)
    this.#salt = h >>> 0
    this.reseed(seed)
  }

  reseed(seed?: number): void {
    const base = seed ?? Math.floor(Math.random() * 2 ** 32)
    this.#next = mulberry32((base ^ this.#salt) >>> 0)
  }

  /** A float in [0, 1). */
  random(): number {
    return this.#next()
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1))
  }

  /** `n` decimal digits (leading zeros allowed). */
  digits(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += String(Math.floor(this.#next() * 10))
    return s
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#next() * items.length)]
    if (item === undefined) throw new RangeError('pick from an empty list')
    return item
  }
}
