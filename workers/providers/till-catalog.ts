// The providers as the till knows them (docs/performance.md, First load): each folder's `ABOUT` — the scan hint, a
// device's choices, the app's name, the largest amount — without the settings form's schema, which only Settings and
// the console read (./catalog.ts). Found by folder, like the catalog: adding a provider edits no list here.
import type { TillAbout } from './types.ts'

const found = import.meta.glob<TillAbout>('./*/about.ts', { eager: true, import: 'ABOUT' })

/** By provider id. */
export const TILL_CATALOG: Readonly<Record<string, TillAbout>> = Object.fromEntries(Object.values(found).map((a) => [a.id, a]))
