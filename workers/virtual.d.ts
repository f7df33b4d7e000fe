// The demo pieces of a demo build, or `undefined` in production (see workers/demo.ts).
declare module 'virtual:paydesk-demo' {
  export const demo: import('./demo.ts').WorkerDemo | undefined
}
