// The providers as Settings and the console know them without their code: each folder's `about.ts` (title, settings
// schema, scan hint, a device's or a token's texts), found by folder, so adding a provider edits no list here
// (docs/architecture.md § 10; test/integration/provider-recipe.test.ts walks it with a fixture folder). The till
// reads ./till-catalog.ts instead: the same `ABOUT`s without the schemas, which are not in its first load.
import type { ConfigSchema } from '../../src/domain/config.ts'
import type { ProviderAbout, TillAbout } from './types.ts'

const abouts = import.meta.glob<TillAbout>('./*/about.ts', { eager: true, import: 'ABOUT' })
const schemas = import.meta.glob<ConfigSchema>('./*/about.ts', { eager: true, import: 'SCHEMA' })

/** Each folder's `ABOUT` with its `SCHEMA` (the found modules, by path). */
export function withSchemas(found: Record<string, TillAbout>, schemaOf: Record<string, ConfigSchema>): ProviderAbout[] {
  return Object.entries(found).map(([path, about]) => ({ ...about, schema: schemaOf[path]! }))
}

/** The catalog from the abouts found: by provider id, ordered by title. */
export function catalogOf(abouts: Iterable<ProviderAbout>): Readonly<Record<string, ProviderAbout>> {
  return Object.fromEntries([...abouts].sort((a, b) => a.title.localeCompare(b.title)).map((a) => [a.id, a]))
}

/** By provider id, ordered by title (the settings page's «Добавить» buttons). */
export const CATALOG: Readonly<Record<string, ProviderAbout>> = catalogOf(withSchemas(abouts, schemas))
