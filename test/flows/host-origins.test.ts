// Settings' «Разрешённые источники хоста» without a browser: the stored list fills the field when the card opens,
// but never over what the admin has already typed; a save keeps what the engine kept and says how many.
import { expect, it } from 'vitest'
import { HostOriginsForm, type HostOriginsDeps } from '../../src/app/flows/host-origins.svelte.ts'

function fake(stored: string[]) {
  let release!: () => void
  const answered = new Promise<void>((resolve) => (release = resolve))
  const reloads: number[] = []
  const engine = {
    hostOrigins: async () => (await answered, [...stored]),
    setHostOrigins: async (text: string) => {
      const origins = text.split('\n').filter(Boolean)
      if (origins.some((o) => !o.startsWith('http'))) return { ok: false, message: { key: 'host.badOrigin' } }
      stored = origins
      return { ok: true, origins }
    },
  } as unknown as HostOriginsDeps['engine']
  const form = new HostOriginsForm({ engine, reload: async () => reloads.push(1) })
  return { form, release, reloads, stored: () => stored }
}

it('the stored list fills the untouched field when the card opens', async () => {
  const f = fake(['https://pos.example'])
  const loading = f.form.load()
  f.release()
  await loading
  expect(f.form.text).toBe('https://pos.example')
  expect(f.form.saved).toEqual(['https://pos.example'])
})

it('what the admin typed before the stored list came is kept, and is what the save stores', async () => {
  const f = fake([])
  const loading = f.form.load()
  f.form.text = 'https://pos.example'
  f.release()
  await loading
  expect(f.form.text).toBe('https://pos.example')
  await f.form.save()
  expect(f.stored()).toEqual(['https://pos.example'])
  expect(f.form.note).toEqual({ text: { key: 'host.origins.saved', params: { count: 1 } }, ok: true })
  expect(f.reloads).toHaveLength(1)
})

it('a refused list says why and keeps the field as typed', async () => {
  const f = fake(['https://pos.example'])
  f.release()
  await f.form.load()
  f.form.text = 'pos.example'
  await f.form.save()
  expect(f.form.note).toEqual({ text: { key: 'host.badOrigin' }, ok: false })
  expect(f.form.text).toBe('pos.example')
  expect(f.stored()).toEqual(['https://pos.example'])
})
