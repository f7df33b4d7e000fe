// `npm test`: every part, its time printed when it ends and all of them at the end, so a CI log says where
// the time went. Stops at the first part that fails (the others still running are stopped).
//
// Two lanes side by side after the Chromium check (docs/testing.md):
// - the browser part (a demo build, every screen in Chromium) is the longest and spends much of its time waiting on
//   the sandboxes' delays and the providers' timeouts; its output goes straight through;
// - the static checks (typecheck, lint, format), the node part (unit + integration + page flows), the store server
//   part and the fault matrix (its own demo build and sandboxes) run one after the other beside it, each one's
//   output printed whole when it ends.
// The total is the longer lane, not the sum: on two cores the second lane fills the browser part's waits.
import { spawn, spawnSync } from 'node:child_process'
import os from 'node:os'

const CHECK = ['chromium present', 'node scripts/ensure-chromium.mjs']
const BROWSER = ['browser: every screen in Chromium', 'npx vitest run --project browser']
const BESIDE = [
  ['typecheck', 'npm run typecheck --silent'],
  ['lint', 'npm run lint --silent'],
  ['format check', 'npm run format:check --silent'],
  ['node: unit + integration + page flows', 'npx vitest run --project node --project flows'],
  ['server: the store on PGlite and PostgreSQL', 'npx vitest run --project server'],
  ['fault matrix (Chromium, killed and resumed)', 'npx vitest run --project matrix'],
]

const done = []
const line = ([name, s]) => `  ${name.padEnd(42)} ${String(Math.round(s)).padStart(5)} s`
const children = new Set()
let failed

/** One part; `buffer` holds its output and prints it whole when it ends (a part running beside another). */
function run([name, cmd], buffer) {
  return new Promise((resolve) => {
    const t = performance.now()
    // Its own process group, so a failure elsewhere stops the part and everything it started.
    const child = spawn(cmd, { shell: true, detached: true, stdio: buffer ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    children.add(child)
    const out = []
    child.stdout?.on('data', (b) => out.push(b))
    child.stderr?.on('data', (b) => out.push(b))
    child.on('close', (status, signal) => {
      children.delete(child)
      if (buffer) process.stdout.write(Buffer.concat(out))
      const r = { name, s: (performance.now() - t) / 1000, ok: status === 0, status: status ?? 1, stopped: !!signal && !!failed }
      console.log(`\n${line([r.name, r.s])}${r.ok ? '' : r.stopped ? '  (stopped)' : '  FAILED'}\n`)
      done.push(r)
      if (!r.ok && !failed) {
        failed = r
        for (const c of children) {
          try {
            process.kill(-c.pid, 'SIGTERM')
          } catch {
            // already gone
          }
        }
      }
      resolve(r)
    })
  })
}

const started = performance.now()
const check = spawnSync(CHECK[1], { shell: true, stdio: 'inherit' })
done.push({ name: CHECK[0], s: (performance.now() - started) / 1000, ok: check.status === 0 })
if (check.status !== 0) failed = { status: check.status ?? 1 }
else {
  await Promise.all([
    run(BROWSER, false),
    (async () => {
      for (const part of BESIDE) if (failed || !(await run(part, true)).ok) break
    })(),
  ])
}
process.exitCode = failed ? failed.status || 1 : 0
console.log(`npm test, by part (load ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores at the end):`)
for (const d of done) console.log(line([d.name, d.s]) + (d.ok ? '' : d.stopped ? '  (stopped)' : '  FAILED'))
console.log(line(['total (wall; the lanes side by side)', (performance.now() - started) / 1000]))
