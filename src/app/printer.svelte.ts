// Printing slips: the slip renders into the print-only area and goes through window.print()
// (kiosk Chrome prints silently with --kiosk-printing). docs/rules.md R13.
import { tick } from 'svelte'
import type { Slip } from '../domain/slip.ts'
import { loadLater } from '../ui/later.svelte.ts'

const PAPER_KEY = 'paydesk.paper'
const MERCHANT_KEY = 'paydesk.merchant'

class Printer {
  #slip = $state.raw<Slip | undefined>(undefined)
  #copy = $state(false)
  #paper = $state<'58' | '80'>((localStorage.getItem(PAPER_KEY) as '58' | '80' | null) ?? '80')
  // A production slip never says «Paydesk demo»; until the shop's name is set it has none.
  #merchant = $state(localStorage.getItem(MERCHANT_KEY) ?? (__PAYDESK_DEMO__ ? 'Paydesk demo' : ''))

  get slip() {
    return this.#slip
  }
  get copy() {
    return this.#copy
  }
  get paper() {
    return this.#paper
  }
  set paper(p: '58' | '80') {
    this.#paper = p
    localStorage.setItem(PAPER_KEY, p)
  }
  get merchant() {
    return this.#merchant
  }
  set merchant(m: string) {
    this.#merchant = m
    localStorage.setItem(MERCHANT_KEY, m)
  }

  async print(slip: Slip, copy = false) {
    // The slip's view is not in the first load: the print area draws it once it is here.
    await loadLater().catch(() => undefined)
    this.#slip = slip
    this.#copy = copy
    await tick()
    window.print()
  }
}

export const printer = new Printer()
