// An object that arrives later (the page's read-only journal view), usable now: before it arrives a
// chain of property reads and calls is recorded and replayed on it when awaited; once it is here, every read
// goes to it directly (so Dexie's liveQuery sees its own objects).

type Step = { get: PropertyKey } | { call: unknown[] }

/** A stand-in for what `ready` resolves to: `await view.a.b(1).c()` works before and after it resolves. */
export function deferred<T extends object>(ready: Promise<T>): T {
  let value: T | undefined
  void ready.then((v) => (value = v))
  const later = (steps: Step[]): unknown =>
    new Proxy(function () {}, {
      get(_, p) {
        if (p !== 'then') return later([...steps, { get: p }])
        const run = ready.then((v) => {
          let target: unknown = v
          let self: unknown = undefined
          for (const s of steps) {
            if ('get' in s) [self, target] = [target, (target as Record<PropertyKey, unknown>)[s.get]]
            else [self, target] = [undefined, (target as (...a: unknown[]) => unknown).apply(self, s.call)]
          }
          return target
        })
        return run.then.bind(run)
      },
      apply: (_, __, args) => later([...steps, { call: args }]),
    })
  return new Proxy({} as T, { get: (_, p) => (value ? Reflect.get(value, p) : later([{ get: p }])) })
}
