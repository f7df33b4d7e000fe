// Entry: start the payment worker first, then the page (src/start.ts). A module's code runs only once its whole
// static graph is fetched and compiled, so the page's graph is loaded by a dynamic import after the worker is
// created: the worker's fetch, compile and start run beside the page's instead of after them.
import './worker-boot.ts'

void import('./start.ts')
