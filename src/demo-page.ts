// The sandbox screens of a demo build (the emulated pin-pad's `#/pinpad`), as the page reaches them: through the
// virtual module `virtual:paydesk-demo-page`, which is sandbox/demo/page.ts in a demo build and `undefined` in a
// production build (sandbox/vite-plugin.ts). The page never imports sandbox/ itself.
import type { Component } from 'svelte'
import { pageDemo as fromBuild } from 'virtual:paydesk-demo-page'

export interface PageDemo {
  /** A sandbox screen by route name (`#/<name>`), loaded when opened. */
  screens: Readonly<Record<string, () => Promise<{ default: Component }>>>
}

export const pageDemo: PageDemo | undefined = fromBuild
