// What a demo build hands the page (docs/architecture.md § 4a): the sandbox screens it opens by route. The page
// imports it from the virtual module `virtual:paydesk-demo-page` (src/demo-page.ts), which the Vite plugin in
// sandbox/vite-plugin.ts resolves here in a demo build and to `undefined` in a production build.
import type { PageDemo } from '../../src/demo-page.ts'

export const pageDemo: PageDemo = {
  screens: {
    // The emulated pin-pad's screen and controls (docs/protocols/inpas-sbp.md § 5.3), loaded when opened.
    pinpad: () => import('../inpas/PinpadScreen.svelte'),
  },
}
