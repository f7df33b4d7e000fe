// The provider settings schemas the settings form renders (pure data; no provider code).
export { SCHEMAS } from '../../workers/providers/schemas.ts'
