// Three projects: `node` runs the pure core and the integration suites (engine + clients
// against the sandboxes over real HTTP, fake-indexeddb); `server` runs the store server on
// PGlite and on a throwaway PostgreSQL; `browser` drives Debian's Chromium through
// playwright-core against the built app.
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

/** Browser tests whose input is a timing window of the keyboard wedge: they run alone (the `keys` project). */
const KEYS = ['test/browser/scan-amount.test.ts']

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // Vitest runs one file at a time on a 2-core machine (cores − 1). These suites spend much of their time
          // waiting on the sandboxes' replies and the providers' timeouts: two files at a time keep both cores busy
          // (docs/testing.md).
          maxWorkers: Math.max(2, availableParallelism()),
        },
      },
      {
        // The page's flow classes (`src/app/flows/*.svelte.ts`) without a browser: the Svelte plugin compiles their
        // runes for the client runtime (the `browser` condition), and each test hands a flow fake engine and journal.
        plugins: [svelte({ dynamicCompileOptions: () => ({ generate: 'client' }) })],
        resolve: { conditions: ['browser'] },
        ssr: { resolve: { conditions: ['browser'], externalConditions: ['browser'] } },
        test: {
          name: 'flows',
          include: ['test/flows/**/*.test.ts'],
          environment: 'node',
          // Run beside the node project in one `vitest run`: Vitest needs the same worker count for both.
          maxWorkers: Math.max(2, availableParallelism()),
        },
      },
      {
        // The store server (issue 20) on both engines: PGlite in memory, and a throwaway PostgreSQL cluster.
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/server/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files restart the shared cluster (the crash suites): one file at a time, in one process, so PGlite's
          // WASM and its data folder template are loaded once, not per file.
          fileParallelism: false,
          isolate: false,
        },
      },
      {
        // Every screen in Debian's Chromium against one demo build: two files at a time, each worker with a server
        // and sandboxes of its own (global-setup.ts). The files spend most of their time waiting on the providers'
        // timers (a third of one core busy, one file at a time), so a second file fills that wait (docs/testing.md).
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          exclude: ['test/browser/fault-matrix.test.ts', ...KEYS],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          // A worker keeps its modules (playwright-core, the support files) from one file to the next: each file
          // launches and closes its own Chromium and contexts, and its server is the worker's.
          isolate: false,
          // `expect.poll` waits up to 10 s for its condition (Vitest's default is 1 s): a file beside another on two
          // cores sometimes needs more than a second for a screen to follow (docs/testing.md).
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        // The keyboard wedge's timing windows (a stall shorter than a person's pause): alone, after the `browser`
        // project's files (a later group), so no second file's Chromium stretches the keys' gaps. `npm test` and
        // `npm run test:browser` run it with the browser project (`--project browser --project keys`).
        test: {
          name: 'keys',
          include: KEYS,
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        // The fault matrix: its own server (its own sandboxes' state); its own demo build when run alone, the browser
        // project's in `npm test` (docs/testing.md).
        test: {
          name: 'matrix',
          include: ['test/browser/fault-matrix.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          // Its provider lanes run side by side (it.concurrent, one lane per sandbox).
          maxConcurrency: 24,
        },
      },
    ],
  },
})
