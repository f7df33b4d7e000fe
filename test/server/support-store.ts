// The test store's identity (shared by the in-process fixture and the child server process).
export const STORE = { id: 'store-test', name: 'Test store' }
