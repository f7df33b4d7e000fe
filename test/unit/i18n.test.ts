import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ru } from '../../src/i18n/ru.ts'
import { ruTill } from '../../src/i18n/ru-till.ts'
import { uz } from '../../src/i18n/uz.ts'
import { en } from '../../src/i18n/en.ts'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(p) ? [p] : []
  })
}

describe('message catalogues', () => {
  it('ru, uz and en have the same keys and no empty text', () => {
    const keys = Object.keys(ru).sort()
    expect(Object.keys(uz).sort()).toEqual(keys)
    expect(Object.keys(en).sort()).toEqual(keys)
    for (const cat of [ru, uz, en]) for (const v of Object.values(cat)) expect(v.trim()).not.toBe('')
  })

  it('every message key the code uses exists in the catalogue', () => {
    const root = new URL('../../', import.meta.url).pathname
    const used = new Set<string>()
    for (const f of [...files(join(root, 'src')), ...files(join(root, 'workers'))]) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\b(?:msg|t)\(\s*'([a-z]+\.[\w.-]+)'/g)) used.add(m[1]!)
      for (const m of text.matchAll(/label: '(slip\.\w+)'/g)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(30)
    // `console.*` keys are the store console's catalogue (console/messages, checked by console-i18n.test.ts).
    expect([...used].filter((k) => !(k in ru) && !k.startsWith('console.'))).toEqual([])
  })

  it('every key the first load names is in the first load’s Russian (src/i18n/ru-till.ts)', () => {
    // The modules the page's entry imports, statically (what index.html loads and preloads), from src/main.ts, and
    // from the page it imports at once (src/start.ts, loaded once the worker is started).
    const root = new URL('../../', import.meta.url).pathname
    const seen = new Set<string>()
    const walk = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^'"]*?['"](\.{1,2}\/[^'"]+\.(?:ts|svelte))['"]/gm)) walk(resolve(dirname(file), m[1]!))
    }
    walk(join(root, 'src', 'main.ts'))
    walk(join(root, 'src', 'start.ts'))
    expect([...seen].some((f) => f.endsWith('Sale.svelte'))).toBe(true)
    const named = new Set<string>()
    for (const f of seen) for (const m of readFileSync(f, 'utf8').matchAll(/['`]([a-z][\w]*\.[\w.-]+)['`]/g)) if (m[1]! in ru) named.add(m[1]!)
    expect(named.size).toBeGreaterThan(30)
    // A slip's words are drawn by the slip's view, which loads with the whole language (src/ui/later.svelte.ts).
    expect([...named].filter((k) => !(k in ruTill) && !k.startsWith('slip.'))).toEqual([])
  })

  it('seed sentences are quoted byte-exact (docs/rules.md R14)', () => {
    expect(ru['common.partialRefund']).toBe('Частичный возврат по чеку продажи запрещен.')
  })

  it('O!plati messages A–F and the return sentence are the seed’s own bytes, Latin O included', () => {
    // The module document's sentences (seed oplati, messages A–F and the return rule), copied here byte for byte.
    const seed: Record<string, string> = {
      'oplati.tokenExists': 'Токен уже существует или касса работает в режиме пароля',
      'oplati.tokenReset': 'Необходимо получить новый токен в кассовом ПО либо касса не зарегистрирована в личном кабинете юр. лица',
      'oplati.serverError': 'Ошибка обращения к серверу',
      'oplati.unavailable': 'Возможность проведения операций с использованием платежной системы "O!плати" временно недоступна',
      'oplati.cancelQueued': 'Ошибка соединения с сервером. Операция отмены в очереди будет выполнена после восстановления связи с сервером',
      'oplati.scanToPay': 'Отсканируйте QR-код для оплаты',
      'oplati.returnNotAvailable': 'Оплата чеков возврата через платежную систему О!плати не доступна.',
    }
    const keys = [
      'oplati.tokenExists',
      'oplati.tokenReset',
      'oplati.serverError',
      'oplati.unavailable',
      'oplati.cancelQueued',
      'oplati.scanToPay',
      'oplati.returnNotAvailable',
    ] as const
    // The provider's messages come from its folder (workers/providers/oplati/messages.ru.ts), merged by folder.
    const cat: Record<string, string> = ru
    for (const k of keys) expect(cat[k], k).toBe(seed[k])
    expect(cat['oplati.unavailable']).toContain('"O!плати"')
    expect(cat['oplati.unavailable']!.charCodeAt(cat['oplati.unavailable']!.indexOf('!') - 1)).toBe(0x4f)
  })
})
