// Persistent storage: the journal must not be evicted under storage pressure, so
// the app asks for it once at start. `persistence()` says whether the browser granted it
// (Settings can show it); the engine's `storagePersisted` gives the same answer from the worker.

let asked: Promise<boolean | undefined> | undefined

/** Ask once; undefined where the browser has no StorageManager. */
export function askPersistentStorage(): Promise<boolean | undefined> {
  asked ??= (async () => {
    const s = typeof navigator !== 'undefined' ? navigator.storage : undefined
    if (!s?.persist) return undefined
    try {
      return (await s.persisted()) || (await s.persist())
    } catch {
      return false
    }
  })()
  return asked
}

/** Whether the journal's storage is persistent now (asks first if the app has not yet). */
export async function persistence(): Promise<boolean | undefined> {
  await askPersistentStorage()
  return typeof navigator !== 'undefined' && navigator.storage?.persisted ? navigator.storage.persisted() : undefined
}
