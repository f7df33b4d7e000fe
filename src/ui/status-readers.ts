// What the status bar reads from the journal view (the shift, the store's sync) and how it writes the store's
// times. They load with the page's read-only view of the journal, after the till is up: the bar shows them
// only once that view is there.
export { readShiftStatus } from '../../workers/engine/shift.ts'
export { readSyncView } from '../../workers/engine/sync/status.ts'
export { storeTime } from '../app/store-time.ts'
