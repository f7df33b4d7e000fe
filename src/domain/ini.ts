// The seed modules' INI `.conf` format (docs/rules.md R9): `[Main]` sections, `;` or `#` comments,
// `key = value`, one pair of surrounding quotes removed. Pure text in, entries out.

export interface IniEntry {
  section: string
  key: string
  value: string
  line: number
}

export interface IniParse {
  entries: IniEntry[]
  /** Lines that are neither comments, sections nor `key = value`. */
  errors: { line: number; text: string }[]
}

export function parseIni(text: string): IniParse {
  const entries: IniEntry[] = []
  const errors: IniParse['errors'] = []
  let section = ''
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim()
      if (line === '' || line.startsWith(';') || line.startsWith('#')) return
      const sec = /^\[([^\]]+)\]$/.exec(line)
      if (sec) {
        section = (sec[1] ?? '').trim()
        return
      }
      const eq = line.indexOf('=')
      if (eq <= 0) {
        errors.push({ line: i + 1, text: raw })
        return
      }
      const key = line.slice(0, eq).trim()
      let value = line.slice(eq + 1).trim()
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      entries.push({ section, key, value, line: i + 1 })
    })
  return { entries, errors }
}

export interface IniOut {
  key: string
  value: string
  comment?: string[]
  /** Written commented out (`;key = value`): a default left as is, or a secret left empty. */
  commented?: boolean
}

export function writeIni(section: string, header: string[], items: IniOut[]): string {
  const out = [`[${section}]`, ...header.map((h) => `; ${h}`), '']
  for (const it of items) {
    for (const c of it.comment ?? []) out.push(`; ${c}`)
    out.push(`${it.commented ? ';' : ''}${it.key} = ${/[\s;#"]/.test(it.value) || it.value === '' ? `"${it.value}"` : it.value}`)
    out.push('')
  }
  return out.join('\n')
}
