// `npm test`: each part in turn, its time printed when it ends and all of them at the end, so a
// CI log says where the time went. Stops at the first part that fails, as `a && b && …` did.
// The static checks (typecheck, lint, format) are one step: each is a single-threaded process, so on
// two cores two of them run at once; each one's output is printed whole when it ends.
import { spawn, spawnSync } from 'node:child_process'
import os from 'node:os'

const STEPS = [
  [['chromium present', 'node scripts/ensure-chromium.mjs']],
  [
    ['typecheck', 'npm run typecheck --silent'],
    ['lint', 'npm run lint --silent'],
    ['format check', 'npm run format:check --silent'],
  ],
  [['node: unit + integration + page flows', 'npx vitest run --project node --project flows']],
  [['server: the store on PGlite and PostgreSQL', 'npx vitest run --project server']],
  [['browser: every screen in Chromium', 'npx vitest run --project browser --project keys']],
  // The matrix serves the demo build the browser part has just made (test/browser/global-setup.ts).
  [['fault matrix (Chromium, killed and resumed)', 'npx vitest run --project matrix', { PAYDESK_REUSE_DEMO_BUILD: '1' }]],
]

const done = []
const line = ([name, s]) => `  ${name.padEnd(42)} ${String(Math.round(s)).padStart(5)} s`

/** One part alone, its output straight through. */
function runAlone([name, cmd, env]) {
  const t = performance.now()
  const r = spawnSync(cmd, { shell: true, stdio: 'inherit', env: { ...process.env, ...env } })
  return { name, s: (performance.now() - t) / 1000, ok: r.status === 0, status: r.status }
}

/** Parts side by side (at most as many as cores), each one's output printed whole when it ends. */
async function runTogether(parts) {
  const width = Math.max(1, Math.min(parts.length, os.availableParallelism()))
  const queue = [...parts]
  const results = []
  const one = ([name, cmd]) =>
    new Promise((resolve) => {
      const t = performance.now()
      const child = spawn(cmd, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] })
      const out = []
      child.stdout.on('data', (b) => out.push(b))
      child.stderr.on('data', (b) => out.push(b))
      child.on('close', (status) => {
        process.stdout.write(Buffer.concat(out))
        resolve({ name, s: (performance.now() - t) / 1000, ok: status === 0, status, parallel: true })
      })
    })
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const r = await one(p)
        console.log(`\n${line([r.name, r.s])}${r.ok ? '' : '  FAILED'}\n`)
        results.push(r)
      }
    }),
  )
  return parts.map(([name]) => results.find((r) => r.name === name))
}

for (const step of STEPS) {
  const t = performance.now()
  const results = step.length === 1 ? [runAlone(step[0])] : await runTogether(step)
  if (step.length === 1) console.log(`\n${line([results[0].name, results[0].s])}${results[0].ok ? '' : '  FAILED'}\n`)
  else results.push({ name: `  (the three side by side, wall)`, s: (performance.now() - t) / 1000, ok: true, wall: true })
  done.push(...results)
  const failed = results.find((r) => !r.ok)
  if (failed) {
    process.exitCode = failed.status ?? 1
    break
  }
}
console.log(`npm test, by part (load ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores at the end):`)
for (const d of done) console.log(line([d.name, d.s]))
console.log(line(['total (wall)', done.filter((d) => d.wall || !d.parallel).reduce((n, d) => n + d.s, 0)]))
