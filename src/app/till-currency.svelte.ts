// The till's currency (Settings): a host request that names no currency is offered only the payment types of
// this one, so 15 000 сум is never paid as 15 000 BYN. Kept on this device, as the printer's paper is.
const KEY = 'paydesk.tillCurrency'

class TillCurrency {
  #value = $state<string | undefined>(read())

  get value(): string | undefined {
    return this.#value
  }
  set value(c: string | undefined) {
    this.#value = c || undefined
    if (c) localStorage.setItem(KEY, c)
    else localStorage.removeItem(KEY)
  }
}

function read(): string | undefined {
  try {
    const v = localStorage.getItem(KEY)
    return v && /^[A-Z]{3}$/.test(v) ? v : undefined
  } catch {
    return undefined
  }
}

export const tillCurrency = new TillCurrency()
