// The page's one "scanned code" stream: a keyboard-wedge scanner anywhere on the page, and
// the camera (html5-qrcode, loaded only when the camera is opened).
import { ScanDetector } from './hid.ts'
import { msg, type Msg } from '../domain/messages.ts'

type Listener = (code: string, at: number) => void
const listeners = new Set<Listener>()
const problems = new Set<() => void>()

/** A scan that could not be read whole: the page says so instead of dropping it. */
export function onScanProblem(fn: () => void): () => void {
  problems.add(fn)
  return () => problems.delete(fn)
}

export function onScan(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function emitScan(code: string) {
  const at = Date.now()
  for (const l of listeners) l(code, at)
}

/**
 * Give a field its value back the way typing would: an `input` event, so the page's state
 * bound to the field follows. Setting `value` alone left the sale's amount with the scan's digits.
 */
function restoreField(el: HTMLInputElement | undefined, value: string | undefined) {
  if (!el || value === undefined || el.value === value) return
  el.value = value
  el.dispatchEvent(new Event('input', { bubbles: true }))
}

/** Watch the keyboard: a scanner burst typed into some other field is taken back out of it. */
export function attachHidScanner(target: Document = document): () => void {
  const detector = new ScanDetector()
  let field: EventTarget | null = null
  const onKey = (e: KeyboardEvent) => {
    const el = e.target instanceof HTMLInputElement ? e.target : undefined
    if (e.target !== field) detector.endRun()
    field = e.target
    if (el?.dataset.scanTarget !== undefined) return // the scan field handles its own Enter
    const r = detector.key({ key: e.key, at: e.timeStamp }, el?.value)
    if (!r) return
    if ('burst' in r) {
      e.preventDefault()
      return
    }
    if ('unreadable' in r) {
      e.preventDefault()
      restoreField(el, r.restore)
      for (const p of problems) p()
      return
    }
    e.preventDefault()
    restoreField(el, r.restore)
    emitScan(r.code)
  }
  // A click is the person doing something else: the next keys are a new run.
  const onPointer = () => detector.endRun()
  target.addEventListener('keydown', onKey, true)
  target.addEventListener('pointerdown', onPointer, true)
  return () => {
    target.removeEventListener('keydown', onKey, true)
    target.removeEventListener('pointerdown', onPointer, true)
  }
}

export interface CameraScan {
  stop(): Promise<void>
}

/** Start the camera in `elementId`; the library is fetched on first use only. */
export async function startCamera(elementId: string, onCode: (code: string) => void): Promise<CameraScan> {
  const { Html5Qrcode } = await import('html5-qrcode')
  const scanner = new Html5Qrcode(elementId, { verbose: false })
  let done = false
  await scanner.start(
    { facingMode: 'environment' },
    { fps: 10, qrbox: 240 },
    (text) => {
      if (done) return
      done = true
      onCode(text)
    },
    () => undefined,
  )
  return {
    stop: async () => {
      if (scanner.isScanning) await scanner.stop()
      scanner.clear()
    },
  }
}

/**
 * What the person reads when the camera does not start: a sentence in their language, never the library's
 * «Error getting userMedia, error = NotAllowedError…» (the raw text goes to the console for support).
 */
export function cameraProblem(e: unknown): Msg {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  console.warn('paydesk camera:', text)
  if (/NotAllowedError|PermissionDenied|SecurityError|Permission/i.test(text)) return msg('camera.denied')
  if (/NotFoundError|DevicesNotFound|OverconstrainedError|Requested device not found/i.test(text)) return msg('camera.missing')
  if (/NotReadableError|TrackStartError|Could not start video source/i.test(text)) return msg('camera.busy')
  return msg('camera.failed')
}
