// `npm run bench`: every figure printed beside its budget. Not part of the tests.
import { existsSync } from 'node:fs'
import { benchEngine, type Figure } from './engine.bench.ts'
import { benchBundle } from './bundle.bench.ts'
import { benchChromium } from './chromium.bench.ts'

const figures: Figure[] = []
// The codec first: after the production build the heap is large and the throughput it measures drops by a third.
if (existsSync(new URL('./inpas-codec.bench.ts', import.meta.url))) {
  const { benchInpasCodec } = (await import('./inpas-codec.bench.ts')) as { benchInpasCodec: () => Promise<Figure[]> }
  figures.push(...(await benchInpasCodec()))
}
figures.push(...(await benchEngine()))
figures.push(...(await benchChromium()))
// The journal, the X-report and the day close over 500 000 operations in Chromium.
figures.push(...(await (await import('./journal.bench.ts')).benchJournal()))
figures.push(...(await benchBundle()))
const w = Math.max(...figures.map((f) => f.name.length))
console.log('\nPaydesk benchmarks')
for (const f of figures) console.log(`  ${f.name.padEnd(w)}  ${String(f.value).padStart(9)} ${f.unit.padEnd(5)} budget ${f.budget}`)
process.exit(0)
