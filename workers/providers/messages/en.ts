// The providers' own messages in English, merged into src/i18n/en.ts. Each provider keeps its text in its
// folder (`workers/providers/<id>/messages.en.ts`); they are found by folder, so a new provider edits no list here.
const found = import.meta.glob<Record<string, string>>('../*/messages.en.ts', { eager: true, import: 'default' })

export const PROVIDER_MESSAGES_EN: Record<string, string> = Object.assign({}, ...Object.values(found))
