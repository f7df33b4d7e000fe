// `npm run bench`: every figure printed beside its budget, OVER when over. Not part of the tests.
// `npm run bench -- journal bundle` runs only the named groups (codec, engine, chromium, journal,
// coldstart, bundle): on a shared machine, run the figure you work on.
import { existsSync } from 'node:fs'
import type { Figure } from './engine.bench.ts'

const GROUPS: Record<string, () => Promise<Figure[]>> = {
  // The codec first: after the production build the heap is large and the throughput it measures drops by a third.
  codec: async () =>
    existsSync(new URL('./inpas-codec.bench.ts', import.meta.url))
      ? ((await import('./inpas-codec.bench.ts')) as { benchInpasCodec: () => Promise<Figure[]> }).benchInpasCodec()
      : [],
  engine: async () => (await import('./engine.bench.ts')).benchEngine(),
  chromium: async () => (await import('./chromium.bench.ts')).benchChromium(),
  // The journal, the X-report and the day close over 500 000 operations in Chromium.
  journal: async () => (await import('./journal.bench.ts')).benchJournal(),
  // A new browser on a till that has been here before, to the amount field.
  coldstart: async () => (await import('./coldstart.bench.ts')).benchColdStart(),
  bundle: async () => (await import('./bundle.bench.ts')).benchBundle(),
}

const asked = process.argv.slice(2)
const unknown = asked.filter((a) => !(a in GROUPS))
if (unknown.length) {
  console.error(`unknown bench group: ${unknown.join(', ')} (groups: ${Object.keys(GROUPS).join(', ')})`)
  process.exit(2)
}
const figures: Figure[] = []
for (const [name, run] of Object.entries(GROUPS)) if (!asked.length || asked.includes(name)) figures.push(...(await run()))
const w = Math.max(...figures.map((f) => f.name.length))
console.log('\nPaydesk benchmarks')
for (const f of figures) console.log(`  ${f.name.padEnd(w)}  ${String(f.value).padStart(9)} ${f.unit.padEnd(5)} budget ${f.budget}`)
process.exit(0)
