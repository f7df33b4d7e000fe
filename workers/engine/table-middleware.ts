// A Dexie DBCore middleware over one table: the table's methods `wrap` returns stand in for its own, every other
// table passes through. The journal's `putOver` read (db.ts) and the tally's write at a write's end (tally.ts).
import type { DBCore, DBCoreTable } from 'dexie'

export interface TableMiddleware {
  stack: 'dbcore'
  name: string
  level: number
  create: (down: DBCore) => DBCore
}

export function tableMiddleware(name: string, level: number, tableName: string, wrap: (table: DBCoreTable) => Partial<DBCoreTable>): TableMiddleware {
  return {
    stack: 'dbcore',
    name,
    level,
    create: (down) => ({
      ...down,
      table: (n) => {
        const table = down.table(n)
        return n === tableName ? { ...table, ...wrap(table) } : table
      },
    }),
  }
}
