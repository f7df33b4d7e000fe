// Lint fixture: the page breaking its layer. Each ✗ names the error test/unit/lint-layers.test.ts expects there.
import { clickpassProvider } from '../../sandbox/clickpass/provider.ts' // ✗ paydesk/layers: never imports sandbox/
import { oplatiClient } from '../../workers/providers/oplati/client.ts' // ✗ paydesk/layers: never imports provider internals
import { QueueStore } from '../../workers/engine/queue.ts' // ✗ paydesk/layers: asks the engine through src/engine.ts
import type { QueueEntry } from '../../workers/engine/db.ts'
import { PROVIDERS } from '../../workers/providers/catalog.ts'
import { t } from '../i18n/i18n.svelte.ts'

export function label(type: { provider: string }, entry: QueueEntry): string {
  if (type.provider === 'inpas-sbp') return t('x.title') // ✗ no-restricted-syntax: never on its id
  if (entry.provider) return t('oplati.resetToken') // ✗ no-restricted-syntax: declare it in the provider's about.ts
  return entry.provider
}
export const used = [clickpassProvider, oplatiClient, QueueStore, PROVIDERS]
