// `npm test`: each part in turn, its time printed when it ends and all of them at the end, so a
// CI log says where the time went. Stops at the first part that fails, as `a && b && …` did.
import { spawnSync } from 'node:child_process'
import os from 'node:os'

const PARTS = [
  ['chromium present', 'node scripts/ensure-chromium.mjs'],
  ['typecheck', 'npm run typecheck --silent'],
  ['lint', 'npm run lint --silent'],
  ['format check', 'npm run format:check --silent'],
  ['node: unit + integration + flows', 'npx vitest run --project node --project flows'],
  ['server: the store on PGlite and PostgreSQL', 'npx vitest run --project server'],
  ['browser (includes the fault matrix)', 'npx vitest run --project browser'],
]

const done = []
const line = ([name, s]) => `  ${name.padEnd(38)} ${String(Math.round(s)).padStart(5)} s`
for (const [name, cmd] of PARTS) {
  const t = performance.now()
  const r = spawnSync(cmd, { shell: true, stdio: 'inherit' })
  done.push([name, (performance.now() - t) / 1000])
  console.log(`\n${line(done.at(-1))}${r.status === 0 ? '' : '  FAILED'}\n`)
  if (r.status !== 0) {
    process.exitCode = r.status ?? 1
    break
  }
}
console.log(`npm test, by part (load ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores at the end):`)
for (const d of done) console.log(line(d))
console.log(line(['total', done.reduce((n, [, s]) => n + s, 0)]))
