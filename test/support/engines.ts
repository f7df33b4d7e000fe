// The engines a test harness made on one database (the harness's own, a dead tab, a second till): each one's log
// rows are written before the test closes the database, where writing them after the close would fail noisily.
import type { Engine } from '../../workers/engine/engine.ts'

/** `engine`, kept in `made`. */
export function remember(made: Engine[], engine: Engine): Engine {
  made.push(engine)
  return engine
}

/** Write every engine's log rows still in memory, without waiting for their procedures (a dead tab's never end). */
export const flushLogs = (engines: readonly Engine[]) => Promise.all(engines.map((e) => e.flushLog()))
