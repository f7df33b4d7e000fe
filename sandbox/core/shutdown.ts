// Ctrl-C / SIGTERM for a sandbox process: close what listens, once, then exit (1 if closing failed).

export function closeOnSignals(name: string, close: () => Promise<void>): void {
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`${name}: close failed`, err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
