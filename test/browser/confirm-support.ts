// The app's own confirmation (src/ui/ConfirmDialog.svelte) answered the way a person does: read the
// question, press the button by its visible text.
import type { Page } from 'playwright-core'

/** Wait for the app's yes/no dialog, press `button` («Да», or the action's own words), and return its question. */
export async function answerConfirm(page: Page, button = 'Да'): Promise<string> {
  const dialog = page.getByRole('alertdialog')
  await dialog.waitFor()
  const question = (await dialog.locator('p').textContent()) ?? ''
  await dialog.getByRole('button', { name: button, exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
  return question
}
