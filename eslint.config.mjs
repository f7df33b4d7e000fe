// Lint gates. The pure core (src/domain, provider codecs) is banned from I/O by rule,
// not by hope: no fetch, timers, clocks, storage or navigator there.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import paydesk from './scripts/eslint-layers.mjs'

const IO_GLOBALS = [
  'fetch',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
  'crypto',
  'indexedDB',
  'navigator',
  'document',
  'window',
  'localStorage',
  'sessionStorage',
  'XMLHttpRequest',
  'WebSocket',
  'BroadcastChannel',
].map((name) => ({ name, message: 'The pure core does no I/O: take it through an adapter.' }))

// The layers, by folder (docs/architecture.md § 2 and § 9). Pure: the domain and the providers' pure modules (codecs,
// link, session, machine, and the shared reply classification and poll loop).
const PURE = [
  'src/domain/**/*.ts',
  'workers/providers/*/codec*.ts',
  'workers/providers/*/codec/**/*.ts',
  'workers/providers/*/link.ts',
  'workers/providers/*/session.ts',
  'workers/providers/*/machine.ts',
  'workers/providers/common/*.ts',
]
const NO_SANDBOX = 'workers/ never imports sandbox/: a demo build hands the worker its demo pieces (workers/demo.ts, virtual:paydesk-demo).'
const PROVIDER_IDS = ['clickpass', 'payme', 'oplati', 'sendy', 'inpas-sbp']
const BY_ID = (who) =>
  [
    `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=/^(${PROVIDER_IDS.join('|')})$/]`,
    `SwitchCase > Literal.test[value=/^(${PROVIDER_IDS.join('|')})$/]`,
  ].map((selector) => ({
    selector,
    message: `${who} branches on a provider's capabilities, never on its id: add a capability (workers/providers/types.ts) and read provider.capabilities.`,
  }))

// Each layer's allow-list: what a file of the layer may import (repository paths or package names; `{{own}}` is the
// file's own provider folder). Anything else is an error naming what to use instead. The first layer whose `files`
// match a file is its layer. Tests, benches, scripts and config files have none.
const LAYERS = [
  {
    name: 'src/domain',
    files: ['src/domain/**'],
    // valibot: pure schemas with no I/O and no eval (the store contract is shared by the till's worker and the server).
    allow: ['src/domain/**', 'valibot'],
    message: 'src/domain is the pure core shared by the page and the worker: it imports only src/domain; take time, randomness and stored data as arguments.',
    instead: [
      {
        imports: ['workers/**', 'src/**'],
        message: 'The engine, the providers and the page call the domain, never the other way: pass their data in as arguments.',
      },
      {
        imports: ['dexie', 'comlink', 'svelte', 'svelte/**'],
        message: 'No I/O library in the pure core: the engine or the page does the I/O and hands the domain plain data.',
      },
    ],
  },
  {
    name: "A provider's pure module",
    files: [
      'workers/providers/*/codec*.ts',
      'workers/providers/*/codec/**',
      'workers/providers/*/link.ts',
      'workers/providers/*/session.ts',
      'workers/providers/*/machine.ts',
      'workers/providers/common/**',
    ],
    allow: ['src/domain/**', 'workers/providers/{{own}}/**', 'workers/providers/common/**'],
    allowTypes: ['workers/providers/types.ts', 'workers/transport/**'],
    message:
      'A codec, link, session, machine or common/ module imports only src/domain, its own folder and workers/providers/common/: the client does the I/O around it.',
  },
  {
    name: 'A provider',
    files: ['workers/providers/*/**'],
    ignores: ['workers/providers/messages/**'],
    allow: [
      'src/domain/**',
      'workers/providers/{{own}}/**',
      'workers/providers/common/**',
      'workers/providers/types.ts',
      'workers/providers/lazy.ts',
      'workers/providers/replay.ts',
      'workers/transport/**',
      'web-serial-polyfill',
    ],
    allowTypes: ['workers/engine/clock.ts', 'workers/engine/log.ts'],
    message: 'A provider imports src/domain, its own folder, workers/providers/common/ and types.ts, and workers/transport/.',
    instead: [
      {
        imports: ['workers/providers/**'],
        message: 'A provider never imports another provider: share the code through workers/providers/common/ or src/domain/.',
      },
      {
        imports: ['workers/engine/**', 'dexie'],
        message: 'A provider reaches the engine only through its OpCtx: ctx.commit, ctx.store, ctx.clock, ctx.log, ctx.http.',
      },
      { imports: ['sandbox/**', 'virtual:paydesk-demo'], message: NO_SANDBOX },
    ],
  },
  {
    name: 'The engine',
    files: ['workers/engine/**'],
    // package.json: the app version each store push reports.
    allow: [
      'src/domain/**',
      'workers/engine/**',
      'workers/providers/types.ts',
      'workers/providers/common/**',
      'workers/transport/**',
      'dexie',
      'valibot',
      'package.json',
    ],
    message: 'The engine imports src/domain, workers/engine/, workers/providers/types.ts and common/, workers/transport/, Dexie and valibot.',
    instead: [
      {
        imports: ['workers/providers/**'],
        message:
          "The engine reaches a provider only through the Provider interface (workers/providers/types.ts) that registry.ts builds in the worker: never a provider's client, codec or index.",
      },
      { imports: ['sandbox/**', 'virtual:paydesk-demo'], message: NO_SANDBOX },
      { imports: ['src/**'], message: 'The engine never imports the page: the page calls the engine through Comlink (src/engine.ts).' },
    ],
  },
  {
    name: 'The payment worker',
    files: ['workers/payment.worker.ts'],
    allow: ['src/domain/**', 'workers/**', 'comlink', 'virtual:paydesk-demo'],
    message: NO_SANDBOX,
  },
  {
    name: 'workers/',
    files: ['workers/**'],
    allow: ['src/domain/**', 'workers/**', 'web-serial-polyfill'],
    message: NO_SANDBOX,
    instead: [{ imports: ['src/**'], message: 'workers/ never imports the page: only src/domain is shared.' }],
  },
  {
    // The page's one door to the sandbox screens of a demo build (the emulated pin-pad's `#/pinpad`, which lives in
    // sandbox/inpas/): the virtual module is sandbox/demo/page.ts in a demo build and `undefined` in production.
    name: "The page's demo door",
    files: ['src/demo-page.ts'],
    allow: ['src/**', 'svelte', 'virtual:paydesk-demo-page'],
    message: 'src/demo-page.ts reaches the sandbox screens only through virtual:paydesk-demo-page.',
  },
  {
    name: 'The page (src/)',
    files: ['src/**'],
    allow: [
      'src/**',
      'workers/providers/catalog.ts',
      'workers/providers/till-catalog.ts',
      'workers/providers/messages/*.ts',
      'workers/engine/db.ts',
      'workers/engine/journal-query.ts',
      'workers/engine/shift.ts',
      'workers/engine/sync/status.ts',
      'workers/payment.worker.ts',
      'svelte',
      'svelte/**',
      'dexie',
      'comlink',
      'workbox-window',
      'virtual:pwa-register',
      'qrcode',
      'html5-qrcode',
      'web-serial-polyfill',
    ],
    allowTypes: ['workers/**'],
    message: 'The page imports src/, the providers’ catalog and messages, and the journal’s read models; it asks the engine for the rest.',
    instead: [
      {
        imports: ['sandbox/**', 'virtual:paydesk-demo', 'virtual:paydesk-demo-page'],
        message:
          'src/ never imports sandbox/: a demo piece reaches a demo build through virtual:paydesk-demo (workers/demo.ts); a sandbox screen lives in sandbox/ and opens through src/demo-page.ts.',
      },
      {
        imports: ['workers/providers/**'],
        message: 'src/ never imports provider internals: use workers/providers/catalog.ts (till-catalog.ts) or messages/<lang>.ts, or ask the engine.',
      },
      {
        imports: ['workers/**'],
        message:
          'The page asks the engine through src/engine.ts (Comlink); it reads the journal only through db.ts, journal-query.ts, shift.ts and sync/status.ts.',
      },
    ],
  },
]

export default tseslint.config(
  // test/lint-fixtures/ break the layers on purpose; test/unit/lint-layers.test.ts lints them as the files they mimic.
  {
    ignores: [
      'dist/**',
      'dist-demo/**',
      'dist-matrix/**',
      'dev-dist/**',
      'dist-bench/**',
      'dist-bench-cold/**',
      'node_modules/**',
      'test-results/**',
      'test/lint-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] }, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: { __PAYDESK_DEMO__: 'readonly' } },
  },
  {
    plugins: { paydesk },
    rules: { 'paydesk/layers': ['error', { layers: LAYERS }] },
  },
  {
    // A provider keeps its state through ctx.store and reads time from ctx.clock (the pure modules below are stricter).
    files: ['workers/providers/*/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['localStorage', 'sessionStorage', 'indexedDB', 'document', 'window'].map((name) => ({
          name,
          message: 'A provider keeps state through ctx.store (the engine persists it) and never touches the page.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'A provider reads the time from ctx.clock.now(), so tests can move it.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock: use new Date(ctx.clock.now()).' },
      ],
    },
  },
  {
    files: ['workers/engine/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...BY_ID('The engine')] },
  },
  {
    files: ['src/app/**/*.ts', 'src/app/**/*.svelte', 'src/ui/**/*.ts', 'src/ui/**/*.svelte'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...BY_ID('The page'),
        {
          // A provider's message key in a screen: the screen renders what the provider's about.ts declares instead.
          selector: `Literal[value=/^(${[...PROVIDER_IDS, 'inpas'].join('|')})\\./]`,
          message: "The page names no provider's message key: declare it in the provider's about.ts (device, token, scanHint) and read it there.",
        },
      ],
    },
  },
  {
    files: PURE,
    rules: {
      'no-restricted-globals': ['error', ...IO_GLOBALS],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take the time as an argument.' },
        { object: 'Math', property: 'random', message: 'Take randomness as an argument.' },
        { object: 'globalThis', property: 'crypto', message: 'The pure core does no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock: take the time as an argument.' },
      ],
    },
  },
  {
    files: ['sandbox/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
)
