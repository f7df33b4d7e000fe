// The part of ClickPass's codec the engine uses before the client is loaded (first load, docs/performance.md):
// the local format check of a scanned code. The wire codec (codec.ts) loads with the client. Pure.

/** § 2.9 [I]: an opaque numeric one-time code, 12–20 digits. */
export function isClickCode(code: string): boolean {
  return /^\d{12,20}$/.test(code)
}
