// Settings, «Разрешённые источники хоста»: the list the admin edits, read once when the card opens. What the
// admin has typed by then is theirs: the read fills the field only while it is untouched (a slow worker at the
// page's start answered after the admin had typed, and the save kept nothing).
import type { Api } from '../../../workers/payment.worker.ts'
import type { Msg } from '../../domain/messages.ts'

export interface HostOriginsDeps {
  engine: Pick<Api, 'hostOrigins' | 'setHostOrigins'>
  /** The page's own copy of the list (the host contract's listener) follows a save. */
  reload: () => Promise<unknown>
}

export class HostOriginsForm {
  /** The origins as stored. */
  saved = $state.raw<string[]>([])
  note = $state<{ text: Msg; ok: boolean } | undefined>()
  #text = $state('')
  #typed = false
  readonly #d: HostOriginsDeps

  constructor(deps: HostOriginsDeps) {
    this.#d = deps
  }

  /** The field: one origin a line. Written by the admin (bound to the textarea). */
  get text(): string {
    return this.#text
  }
  set text(value: string) {
    this.#typed = true
    this.#text = value
  }

  async load(): Promise<void> {
    const stored = await this.#d.engine.hostOrigins()
    this.saved = stored
    if (!this.#typed) this.#text = stored.join('\n')
  }

  async save(): Promise<void> {
    const r = await this.#d.engine.setHostOrigins(this.#text)
    if (!r.ok) {
      this.note = { text: r.message, ok: false }
      return
    }
    this.saved = r.origins
    this.#text = r.origins.join('\n')
    this.#typed = false
    this.note = { text: { key: 'host.origins.saved', params: { count: r.origins.length } }, ok: true }
    await this.#d.reload()
  }
}
