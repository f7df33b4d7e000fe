// The app's own confirmation, in place of the browser's `confirm()`: `await askConfirm(question)` is
// true when the person pressed «Да», false on «Нет», Escape or a click outside. It speaks the app's
// language and keeps the kiosk's look and 44 px targets, which the native box does not.
import { mount, unmount } from 'svelte'
import ConfirmDialog from './ConfirmDialog.svelte'

export interface ConfirmOptions {
  /** The «Да» button's own words (e.g. «Закрыть смену»); «Да» when not given. */
  yes?: string
  /** A destructive action: the «Да» button is red. */
  danger?: boolean
}

/** One dialog at a time: a second question waits for the first answer. */
let open: Promise<unknown> = Promise.resolve()

export function askConfirm(question: string, opts: ConfirmOptions = {}): Promise<boolean> {
  const ask = open.then(
    () =>
      new Promise<boolean>((resolve) => {
        const target = document.body.appendChild(document.createElement('div'))
        const dialog = mount(ConfirmDialog, {
          target,
          props: {
            question,
            ...opts,
            done: (ok: boolean) => {
              void unmount(dialog)
              target.remove()
              resolve(ok)
            },
          },
        })
      }),
  )
  open = ask
  return ask
}
