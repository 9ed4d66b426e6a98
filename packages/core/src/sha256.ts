import { base64url } from 'jose'

const encoder = new TextEncoder()

/** base64url(SHA-256(UTF-8 of `text`)), optionally truncated to `bytes`. */
export async function sha256Base64url(text: string, bytes?: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  return base64url.encode(bytes === undefined ? digest : digest.subarray(0, bytes))
}
