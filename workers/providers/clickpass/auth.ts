// The ClickPass `Auth` header (§ 2.1): a SHA-1 through Web Crypto, so it sits apart from the pure codec.

const HEX = '0123456789abcdef'
function hex(bytes: ArrayBuffer): string {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += HEX[b >> 4]! + HEX[b & 15]!
  return s
}

/** § 2.1: `Auth: {merchant_user_id}:{sha1(timestamp + secret_key)}:{timestamp}`, lowercase hex. */
export async function authHeader(merchantUserId: number, secretKey: string, unixSeconds: number): Promise<string> {
  const ts = String(unixSeconds)
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(ts + secretKey))
  return `${merchantUserId}:${hex(digest)}:${ts}`
}
