// The fault matrix's lanes (pure): cases run in lanes, one per sandbox, so a case waiting on the app's
// timers does not hold up another provider's; a case takes the lanes of the sandboxes it uses (in a fixed
// order) and frees them when its run ends.
//
// A case's time limit counts its own run, from the moment it holds its lanes, never its wait for
// them (under load a case passed its check and still failed a test timeout that counted the wait). A run over
// the limit fails with that said, and frees its lanes for the next case.

export function createLanes(timers: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout }) {
  const lanes = new Map<string, Promise<void>>()
  return async function inLanes<T>(sandboxes: readonly string[], limitMs: number, run: () => Promise<T>): Promise<T> {
    const mine = [...new Set(sandboxes)].sort()
    const releases: (() => void)[] = []
    for (const s of mine) {
      const before = lanes.get(s) ?? Promise.resolve()
      let release!: () => void
      lanes.set(s, new Promise<void>((r) => (release = r)))
      await before
      releases.push(release)
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const over = new Promise<never>((_, reject) => {
      timer = timers.set(() => reject(new Error(`the case ran longer than ${limitMs / 1000} s (its own run; the wait for its lanes not counted)`)), limitMs)
    })
    try {
      return await Promise.race([run(), over])
    } finally {
      timers.clear(timer)
      for (const r of releases) r()
    }
  }
}
