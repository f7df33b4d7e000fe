// A store configuration applied while a page is open (the store's event stream pulled it): the page refreshes what
// it read once (Settings' payment types) without a reload. Watches the applied version in Dexie, which changes in
// the worker's one transaction that applies the configuration (docs/store-till.md).
import { onDestroy } from 'svelte'
import { db } from '../engine.ts'
import { live } from './live.svelte.ts'
import { readAppliedVersion } from '../../workers/engine/sync/status.ts'

/** Calls `changed` each time another store config version is applied after the page opened. */
export function onStoreConfigApplied(changed: () => void): void {
  let seen: number | null | undefined
  const version = live(() => readAppliedVersion(db), undefined as number | null | undefined)
  $effect(() => {
    const v = version.value
    if (v === undefined) return
    if (seen !== undefined && v !== seen) changed()
    seen = v
  })
  onDestroy(() => version.stop())
}
