// The guard in front of money going back (17, 18): before a cancel, refund, cancel of a
// refund or void — from the journal or asked by the host — `await supervisorApproves()` is true at once
// when no PIN is needed, and otherwise asks for it in a dialog: the supervisor PIN when one is set, the
// admin PIN on a till that also serves as a self-checkout. One call in front of each action.
import { mount, unmount } from 'svelte'
import { engine } from '../engine.ts'
import SupervisorPrompt from './SupervisorPrompt.svelte'

/** One dialog at a time: a second request waits for the first answer. */
let open: Promise<unknown> = Promise.resolve()

export async function supervisorApproves(): Promise<boolean> {
  const guard = await engine.reversalGuard()
  if (guard === 'none') return true
  const ask = open.then(
    () =>
      new Promise<boolean>((resolve) => {
        const target = document.body.appendChild(document.createElement('div'))
        const dialog = mount(SupervisorPrompt, {
          target,
          props: {
            guard,
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

/** The host's cancel, refund or void: its `supervisorPin` when it sent one, else the till asks. */
export async function hostReversalApproved(pin: string | undefined): Promise<boolean> {
  if ((await engine.reversalGuard()) === 'none') return true
  if (pin !== undefined) return (await engine.verifyReversalPin(pin)).ok
  return supervisorApproves()
}
