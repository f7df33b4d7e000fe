// The providers as the page knows them without their code: each folder's `about.ts` (title, settings schema,
// scan hint), found by folder, so adding a provider edits no list here (README, "Adding a provider").
import type { ProviderAbout } from './types.ts'

const found = import.meta.glob<ProviderAbout>('./*/about.ts', { eager: true, import: 'ABOUT' })

/** By provider id, ordered by title (the settings page's «Добавить» buttons). */
export const CATALOG: Readonly<Record<string, ProviderAbout>> = Object.fromEntries(
  Object.values(found)
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((a) => [a.id, a]),
)
