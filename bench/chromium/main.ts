// The Chromium side of `npm run bench`: the engine runs in a module worker, as in the app,
// on real IndexedDB with strict durability; the page measures the Comlink hop to it.
import * as Comlink from 'comlink'
import type { BenchWorker } from './worker.ts'

const worker = Comlink.wrap<BenchWorker>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }))

async function runBench(runs: number, warmup: number, durability: 'strict' | 'relaxed') {
  const inWorker = await worker.bench(runs, warmup, location.origin, durability)
  await worker.ping()
  const t = performance.now()
  for (let i = 0; i < runs; i++) await worker.ping()
  const hopMs = (performance.now() - t) / runs
  return { ...inWorker, hopMs }
}

;(window as unknown as { runBench: typeof runBench }).runBench = runBench
document.title = 'ready'
