// The providers as the page knows them without their code: each folder's `about.ts` (title, settings schema,
// scan hint, a device's or a token's texts), found by folder, so adding a provider edits no list here
// (docs/architecture.md § 10; test/integration/provider-recipe.test.ts walks it with a fixture folder).
import type { ProviderAbout } from './types.ts'

const found = import.meta.glob<ProviderAbout>('./*/about.ts', { eager: true, import: 'ABOUT' })

/** The catalog from the `ABOUT` exports found: by provider id, ordered by title. */
export function catalogOf(abouts: Iterable<ProviderAbout>): Readonly<Record<string, ProviderAbout>> {
  return Object.fromEntries([...abouts].sort((a, b) => a.title.localeCompare(b.title)).map((a) => [a.id, a]))
}

/** By provider id, ordered by title (the settings page's «Добавить» buttons). */
export const CATALOG: Readonly<Record<string, ProviderAbout>> = catalogOf(Object.values(found))
