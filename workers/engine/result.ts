// What every engine call answers: errors cross to the page as data (`{ ok: false, message }`), never as
// exceptions. Its own module, so the verbs and the engine's parts import it without importing the engine.
import type { Msg } from '../../src/domain/messages.ts'

export type Result<T = object> = ({ ok: true } & T) | { ok: false; message: Msg; ignored?: boolean }
