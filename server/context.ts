// What every route of the store server is given: the database, the store it serves, its events and hooks.
import type { ConfigReply, UploadReply, UploadType } from '../src/domain/store-contract.ts'
import type { Db, Queryable } from './db/db.ts'
import type { TillAuth } from './store/enrolment.ts'
import type { StoreEvents } from './events.ts'

/** What GET /config sends a till; the admin console provides the real one (payment types, secrets). */
export type ConfigSource = (q: Queryable, till: TillAuth, version: number) => Promise<ConfigReply>

export interface StoreContext {
  /** The database; a promise while an embedded one is still opening (npm start opens PGlite in the background). */
  db(): Promise<Db>
  store: { id: string; name: string }
  events: StoreEvents
  config: ConfigSource
  /** The server's clock (ms). */
  now(): number
  /** Where alarms and errors go (never a token, code or secret). */
  log(line: string): void
  /** POST /payment-types: a newly enrolled till's own types (the admin console provides it; absent, 404). */
  uploadTypes?: (db: Db, till: TillAuth, types: UploadType[]) => Promise<UploadReply | 'closed'>
  /** Test hook: runs after a push's COMMIT, before its reply. */
  afterPushCommit?: () => void | Promise<void>
}

export const emptyConfig: ConfigSource = async (_q, _till, version) => ({ version, paymentTypes: [], tillSettings: {}, secrets: {} })
