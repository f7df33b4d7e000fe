// The admin API's mount point: createStoreApp mounts what this returns at /api/v1/admin. The admin console
// (its own task) fills this folder; until then there are no admin routes (every /api/v1/admin path is 404).
import { Hono } from 'hono'
import type { StoreContext } from '../context.ts'

export function adminRoutes(_ctx: StoreContext): Hono {
  return new Hono()
}
