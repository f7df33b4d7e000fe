// The supervisor PIN guard: before money goes back (cancel, refund, cancel of a refund, void),
// `await supervisorApproves()` is true at once when no supervisor PIN is set, and otherwise asks for it
// in a dialog. One call in front of each action; the journal screen needs nothing else.
import { mount, unmount } from 'svelte'
import { engine } from '../engine.ts'
import SupervisorPrompt from './SupervisorPrompt.svelte'

export async function supervisorApproves(): Promise<boolean> {
  if (!(await engine.supervisorPinSet())) return true
  return new Promise((resolve) => {
    const target = document.body.appendChild(document.createElement('div'))
    const dialog = mount(SupervisorPrompt, {
      target,
      props: {
        done: (ok: boolean) => {
          void unmount(dialog)
          target.remove()
          resolve(ok)
        },
      },
    })
  })
}
