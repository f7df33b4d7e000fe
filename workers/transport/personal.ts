// Personal data in what the log keeps: a provider's reply can carry the customer's phone
// number (Click's `phone_number`). The slip and the host already see it masked; the log gets the same
// mask, for every provider, in the request and reply text and in structured log data. Pure.

/** Field names that hold a phone number, in any provider's JSON (snake, camel or plain). */
export const PHONE_FIELD = /^(?:[a-z_]*phone(?:_?number)?|msisdn|mobile|tel)$/i

/** A phone kept as `998*****4567`: the country code and the last four digits, the rest starred. */
export function maskPhoneText(value: string): string {
  const digits = value.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
}

const JSON_PHONE = /("(?:[A-Za-z_]*[Pp]hone(?:_?[Nn]umber)?|msisdn|mobile|tel)"\s*:\s*)("(?:[^"\\]|\\.)*"|\d+)/g
/** An international number written out (`+998 90 123-45-67`), anywhere in the text. */
const PLUS_PHONE = /\+\d[\d\s\-()]{7,18}\d/g

/** The text of a request or reply with every phone number masked (JSON fields, and `+…` numbers anywhere). */
export function maskPersonal(text: string): string {
  return text
    .replace(JSON_PHONE, (_, key: string, v: string) => (v.startsWith('"') ? `${key}"${maskPhoneText(v.slice(1, -1))}"` : `${key}"${maskPhoneText(v)}"`))
    .replace(PLUS_PHONE, (m) => `+${maskPhoneText(m)}`)
}
