// The providers' own messages in Russian, merged into src/i18n/ru.ts. Each provider keeps its text in its
// folder (`workers/providers/<id>/messages.ru.ts`); they are found by folder, so a new provider edits no list here.
const found = import.meta.glob<Record<string, string>>('../*/messages.ru.ts', { eager: true, import: 'default' })

export const PROVIDER_MESSAGES_RU: Record<string, string> = Object.assign({}, ...Object.values(found))
