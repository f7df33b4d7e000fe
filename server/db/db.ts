// One database interface for the store server, two engines behind it (docs/fleet.md § 1): PostgreSQL through `pg`
// in production, PGlite (PostgreSQL in WASM) embedded for `npm start`. Handlers and migrations see only this.
// Both adapters hand back the same types: int8 as a JS number (refused beyond 2^53), rowCount as a number.

export type Row = Record<string, unknown>

export interface QueryResult<R extends Row = Row> {
  rows: R[]
  rowCount: number
}

export interface Queryable {
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>
  /** Runs a script of several statements with no parameters (a migration file). */
  exec(text: string): Promise<void>
}

export interface Db extends Queryable {
  readonly engine: 'postgres' | 'pglite'
  /** How many transactions can run at once (the pool's size; 1 for PGlite, which has one backend). */
  readonly concurrency: number
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** int8 arrives as text (pg) or bigint/number (PGlite): a safe integer, or an error rather than a rounded one. */
export function int8(value: string | number | bigint): number {
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${String(value)} is beyond a safe JS integer`)
  return n
}
