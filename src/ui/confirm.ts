// The app's own confirmation, in place of the browser's `confirm()`: `await askConfirm(question)` is
// true when the person pressed «Да», false on «Нет», Escape or a click outside. It speaks the app's
// language and keeps the kiosk's look and 44 px targets, which the native box does not.
import { mount, unmount, type Component } from 'svelte'
import ConfirmDialog from './ConfirmDialog.svelte'
import { i18n } from '../i18n/i18n.svelte.ts'

export interface ConfirmOptions {
  /** The «Да» button's own words (e.g. «Закрыть смену»); «Да» when not given. */
  yes?: string
  /** A destructive action: the «Да» button is red. */
  danger?: boolean
}

/** One dialog at a time, whichever it is (a confirm, a PIN prompt): a second question waits for the first answer. */
let open: Promise<unknown> = Promise.resolve()

/**
 * Shows `component` over the page with `props` and a `done(ok)` that closes it, one dialog at a time; true when
 * the person said yes. The app's modal questions (this confirm, the supervisor's PIN) all go through here.
 */
export function askInDialog<P extends { done: (ok: boolean) => void }>(component: Component<P>, props: Omit<P, 'done'>): Promise<boolean> {
  // A dialog speaks the whole language: the first load has the sale screen's texts only.
  const ask = open
    .then(() => i18n.complete().catch(() => undefined))
    .then(
      () =>
        new Promise<boolean>((resolve) => {
          const target = document.body.appendChild(document.createElement('div'))
          const done = (ok: boolean) => {
            void unmount(dialog)
            target.remove()
            resolve(ok)
          }
          const dialog = mount(component, { target, props: { ...props, done } as unknown as P })
        }),
    )
  open = ask
  return ask
}

export function askConfirm(question: string, opts: ConfirmOptions = {}): Promise<boolean> {
  return askInDialog(ConfirmDialog, { question, ...opts })
}
