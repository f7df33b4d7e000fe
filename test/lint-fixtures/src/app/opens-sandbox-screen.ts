// Lint fixture: the page opening a sandbox screen by itself instead of through src/demo-page.ts (the demo door).
import PinpadScreen from '../../sandbox/inpas/PinpadScreen.svelte' // ✗ paydesk/layers: opens through src/demo-page.ts
import { pageDemo } from 'virtual:paydesk-demo-page' // ✗ paydesk/layers: never imports sandbox/
import { pageDemo as door } from '../demo-page.ts'

export const screens = [PinpadScreen, pageDemo, door]
