// Lint gates. The pure core (src/domain, provider codecs) is banned from I/O by rule,
// not by hope: no fetch, timers, clocks, storage or navigator there.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

const IO_GLOBALS = ['fetch', 'setTimeout', 'setInterval', 'indexedDB', 'navigator', 'localStorage', 'XMLHttpRequest', 'WebSocket'].map(
  (name) => ({ name, message: 'The pure core does no I/O: take it through an adapter.' }),
)

export default tseslint.config(
  { ignores: ['dist/**', 'dev-dist/**', 'dist-bench/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] }, extraFileExtensions: ['.svelte'] },
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
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/domain/**/*.ts', 'workers/providers/*/codec*.ts', 'workers/providers/*/codec/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...IO_GLOBALS],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Take the time as an argument.' }],
      'no-restricted-imports': ['error', { paths: ['dexie', 'comlink', 'svelte'].map((name) => ({ name, message: 'The pure core imports no I/O library.' })) }],
    },
  },
  {
    files: ['sandbox/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
)
