// Lint gates. The pure core (src/domain, provider codecs) is banned from I/O by rule,
// not by hope: no fetch, timers, clocks, storage or navigator there.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

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

// The layers, by folder (issue 9). Pure: the domain and the providers' pure modules (codecs, link, session, machine,
// and the shared reply classification and poll loop).
const PURE = [
  'src/domain/**/*.ts',
  'workers/providers/*/codec*.ts',
  'workers/providers/*/codec/**/*.ts',
  'workers/providers/*/link.ts',
  'workers/providers/*/session.ts',
  'workers/providers/*/machine.ts',
  'workers/providers/common/*.ts',
]
const NO_SANDBOX = {
  group: ['**/sandbox/**', 'virtual:paydesk-demo'],
  message: 'workers/** never imports sandbox/**: a demo build hands the worker its demo pieces (workers/demo.ts).',
}
const NO_DB = { group: ['dexie', '**/engine/db', '**/engine/db.ts'], message: 'A provider keeps state through ctx.store, never the engine database.' }

export default tseslint.config(
  { ignores: ['dist/**', 'dist-demo/**', 'dev-dist/**', 'dist-bench/**', 'dist-bench-cold/**', 'node_modules/**', 'test-results/**'] },
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
      'no-restricted-imports': [
        'error',
        { paths: ['dexie', 'comlink', 'svelte'].map((name) => ({ name, message: 'The pure core imports no I/O library.' })), patterns: [NO_SANDBOX, NO_DB] },
      ],
    },
  },
  {
    // The worker: never the sandbox (the only exception is the virtual module's type declaration).
    files: ['workers/**/*.ts'],
    ignores: [...PURE, 'workers/providers/**/*.ts', 'workers/payment.worker.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SANDBOX] }] },
  },
  {
    files: ['workers/payment.worker.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/sandbox/**'], message: NO_SANDBOX.message }] }] },
  },
  {
    files: ['workers/providers/**/*.ts'],
    ignores: PURE,
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SANDBOX, NO_DB] }] },
  },
  {
    // The page reaches a provider only through the engine (Comlink) and the providers' public text and schemas.
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: PURE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`workers/providers/(?!messages/(ru|uz|en)\.ts$|catalog\.ts$|types\.ts$)`,
              message: 'src/** never imports provider internals: use workers/providers/catalog.ts or messages/<lang>.ts, or ask the engine.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sandbox/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
)
