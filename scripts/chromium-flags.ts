// How every test, bench and script starts Debian's Chromium: one list, so a flag that changes what a figure or a
// test sees is set in one place.
import { existsSync } from 'node:fs'

const found = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
/** Debian's Chromium (or CHROMIUM_PATH); `chromium` on the PATH when neither is there. */
export const CHROMIUM = found ?? 'chromium'
/** Whether a Chromium was found where Debian puts it (or CHROMIUM_PATH): a bench skips its figure without one. */
export const CHROMIUM_FOUND = found !== undefined

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Chromium 15x starts the omnibox's WebUI popups with every browser, in a renderer of their own that loads some
  // 300 modules: on two cores that took CPU from the page under test at each launch (the cold-start trace showed it
  // beside the till's own start; the fault matrix launches a browser for each death). Headless has no omnibox.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
]
