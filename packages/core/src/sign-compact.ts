import { base64url } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import { signData } from './platform-crypto.js'

const encoder = new TextEncoder()
const encodeSegment = (json: string) => base64url.encode(encoder.encode(json))

/**
 * A JWS Compact Serialization (RFC 7515 §7.1) of a JSON header and payload given as JSON text; the
 * signature is node:crypto's on Node, Web Crypto's elsewhere, over exactly these bytes.
 */
export async function signCompact(
  alg: DPoPAlgorithm,
  privateKey: CryptoKey,
  headerJson: string,
  payloadJson: string,
): Promise<string> {
  const signingInput = `${encodeSegment(headerJson)}.${encodeSegment(payloadJson)}`
  const signature = await signData(alg, privateKey, encoder.encode(signingInput))
  return `${signingInput}.${base64url.encode(signature)}`
}
