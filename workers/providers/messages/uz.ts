// The providers' own messages in Uzbek, merged into src/i18n/uz.ts. Each provider keeps its text in its
// folder (`workers/providers/<id>/messages.uz.ts`); they are found by folder, so a new provider edits no list here.
const found = import.meta.glob<Record<string, string>>('../*/messages.uz.ts', { eager: true, import: 'default' })

export const PROVIDER_MESSAGES_UZ: Record<string, string> = Object.assign({}, ...Object.values(found))
