// Run before the browser suite (`npm test`, `npm run test:browser`): the suite drives Debian's Chromium.
// Found: nothing to do. Missing and root with apt-get: install it. Otherwise: one line saying what to run.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser']
const found = () => (process.env.CHROMIUM_PATH ? existsSync(process.env.CHROMIUM_PATH) : CANDIDATES.some((p) => existsSync(p)))

if (!found()) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (root && apt && !process.env.CHROMIUM_PATH) {
    console.log("installing Debian's chromium (apt-get)")
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0
    if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', 'chromium', 'fonts-dejavu-core'])) process.exitCode = 1
  }
  if (!found()) {
    const what = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist` : "Debian's Chromium is missing"
    console.error(`${what}: run \`sudo apt-get install chromium\` (or set CHROMIUM_PATH to a Chromium binary), then npm test again.`)
    process.exit(1)
  }
}
