// Lint fixture: src/domain breaking its layer. Each ✗ names the error test/unit/lint-layers.test.ts expects there.
import Dexie from 'dexie' // ✗ paydesk/layers: No I/O library in the pure core
import { createEngine } from '../../workers/engine/engine.ts' // ✗ paydesk/layers: never the other way
import { clickpass } from '../../workers/providers/clickpass/index.ts' // ✗ paydesk/layers: never the other way
import { isFinal } from './operation.ts'

export const stamp = Date.now() // ✗ no-restricted-properties: Take the time as an argument
export const load = (): Promise<Response> => fetch('/x') // ✗ no-restricted-globals: adapter
export const used = [Dexie, createEngine, clickpass, isFinal]
