// The guard in front of money going back (17, 18): before a cancel, refund, cancel of a
// refund or void — from the journal or asked by the host — `await supervisorApproves()` is true at once
// when no PIN is needed, and otherwise asks for it in a dialog: the supervisor PIN when one is set, the
// admin PIN on a till that also serves as a self-checkout. One call in front of each action.
import { engine } from '../engine.ts'
import SupervisorPrompt from './SupervisorPrompt.svelte'
import { askInDialog } from '../ui/confirm.ts'

export async function supervisorApproves(): Promise<boolean> {
  const guard = await engine.reversalGuard()
  if (guard === 'none') return true
  return askInDialog(SupervisorPrompt, { guard })
}

/** The host's cancel, refund or void: its `supervisorPin` when it sent one, else the till asks. */
export async function hostReversalApproved(pin: string | undefined): Promise<boolean> {
  if ((await engine.reversalGuard()) === 'none') return true
  if (pin !== undefined) return (await engine.verifyReversalPin(pin)).ok
  return supervisorApproves()
}
