// The durable queue has one door (docs/architecture.md § 4): its store, workers/engine/queue.ts, owns every use of the
// `queue` table; the rest of the worker calls the store, and the page asks the engine (`queueStatus`).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const DOOR = 'workers/engine/queue.ts'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.(ts|svelte)$/.test(path) ? [path] : []
  })
}

describe('the queue table', () => {
  it('is used only by its store', () => {
    const users = [...files(join(ROOT, 'workers')), ...files(join(ROOT, 'src'))]
      .map((f) => relative(ROOT, f).split(sep).join('/'))
      .filter((f) => f !== DOOR && /\bdb\??\.queue\b/.test(readFileSync(join(ROOT, f), 'utf8')))
    expect(users).toEqual([])
  })
})
