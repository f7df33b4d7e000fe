// A small all-pairs (pairwise) case generator, pure and deterministic: every pair of values of
// two different factors that some allowed combination contains is in at least one chosen case.
// Greedy set cover over the full product (fine for a few thousand combinations): each step
// takes the allowed combination that covers the most pairs not yet covered, ties broken by
// the product's order, so the same input always gives the same cases.

export type Factors = Record<string, readonly string[]>
export type Combo<F extends Factors> = { [K in keyof F]: F[K][number] }

function product<F extends Factors>(factors: F): Combo<F>[] {
  let out: Record<string, string>[] = [{}]
  for (const [name, values] of Object.entries(factors)) {
    const next: Record<string, string>[] = []
    for (const partial of out) for (const v of values) next.push({ ...partial, [name]: v })
    out = next
  }
  return out as Combo<F>[]
}

function pairsOf(combo: Record<string, string>, names: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) out.push(`${names[i]}=${combo[names[i]!]}|${names[j]}=${combo[names[j]!]}`)
  }
  return out
}

/**
 * The pairwise cover of `factors` among the combinations `allowed` accepts. `seed` cases are
 * taken first (as if chosen), so hand-written cases count towards the cover. Among candidates
 * that cover equally many new pairs, `tieBreak` (lower first, given the cases chosen so far)
 * decides, e.g. to spread cases over slow and fast providers; then the product's order.
 */
export function pairwise<F extends Factors>(
  factors: F,
  allowed: (c: Combo<F>) => boolean = () => true,
  seed: readonly Combo<F>[] = [],
  tieBreak: (c: Combo<F>, chosen: readonly Combo<F>[]) => number = () => 0,
): Combo<F>[] {
  const names = Object.keys(factors)
  const candidates = product(factors).filter(allowed)
  const uncovered = new Set(candidates.flatMap((c) => pairsOf(c, names)))
  for (const s of seed) for (const p of pairsOf(s, names)) uncovered.delete(p)
  const chosen: Combo<F>[] = []
  while (uncovered.size > 0) {
    let best: Combo<F> | undefined
    let bestGain = 0
    let bestTie = 0
    for (const c of candidates) {
      let gain = 0
      for (const p of pairsOf(c, names)) if (uncovered.has(p)) gain++
      if (gain === 0 || gain < bestGain) continue
      const tie = tieBreak(c, chosen)
      if (gain > bestGain || tie < bestTie) {
        best = c
        bestGain = gain
        bestTie = tie
      }
    }
    if (!best) break
    chosen.push(best)
    for (const p of pairsOf(best, names)) uncovered.delete(p)
  }
  return chosen
}

/** Every pair of values that the allowed combinations contain (for checking a cover). */
export function coverablePairs<F extends Factors>(factors: F, allowed: (c: Combo<F>) => boolean = () => true): Set<string> {
  const names = Object.keys(factors)
  return new Set(
    product(factors)
      .filter(allowed)
      .flatMap((c) => pairsOf(c, names)),
  )
}

export function pairsCoveredBy<F extends Factors>(factors: F, cases: readonly Combo<F>[]): Set<string> {
  const names = Object.keys(factors)
  return new Set(cases.flatMap((c) => pairsOf(c, names)))
}
