// The ClickPass `Auth` header (§ 2.1): a SHA-1 through Web Crypto, so it sits apart from the pure codec.
import { hex } from '../../../src/domain/hex.ts'

/** § 2.1: `Auth: {merchant_user_id}:{sha1(timestamp + secret_key)}:{timestamp}`, lowercase hex. */
export async function authHeader(merchantUserId: number, secretKey: string, unixSeconds: number): Promise<string> {
  const ts = String(unixSeconds)
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(ts + secretKey))
  return `${merchantUserId}:${hex(digest)}:${ts}`
}
