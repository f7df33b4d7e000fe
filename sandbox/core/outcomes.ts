// The phone page's wire outcomes (docs/protocols/README.md S3) that every emulator offers on its pay route: the
// server does not answer, answers and loses the reply, fails, garbles the body, or is slow.

import type { Json } from './json.ts'
import type { PhoneOutcome } from './types.ts'

export function wireOutcomes(
  route: string,
  lostReply: { ru: string; en: string } = { ru: 'Деньги списаны, ответ потерян', en: 'Money moved, reply lost' },
): PhoneOutcome[] {
  const once = (fault: string, extra: Record<string, Json> = {}): PhoneOutcome['rule'] => ({ route, fault, times: 1, ...extra })
  return [
    { id: 'noReply', ru: 'Сервер не отвечает', en: 'No reply', rule: once('noReply') },
    { id: 'lostReply', ...lostReply, rule: once('lostReply') },
    { id: 'http500', ru: 'Ошибка сервера 500', en: 'Server error 5xx', rule: once('http', { status: 500 }) },
    { id: 'malformed', ru: 'Испорченный ответ', en: 'Malformed body', rule: once('malformed') },
    { id: 'slow', ru: 'Медленный ответ (8 с)', en: 'Slow reply, 8 s', rule: once('slow', { delayMs: 8_000 }) },
  ]
}
