import type { DPoPAlgorithm } from './algorithms.js'
import type { NodeKeyObject } from './node-key-object.js'
import { asciiBytes, encodeBase64url, encodeTextBase64url, signData } from './platform-crypto.js'

/**
 * A JWS Compact Serialization (RFC 7515 §7.1) of an encoded header and a payload given as JSON text; the
 * signature is node:crypto's on Node, Web Crypto's elsewhere, over exactly these bytes. The header comes
 * encoded because a signer's header rarely changes: callers encode it once.
 */
export async function signCompact(
  alg: DPoPAlgorithm,
  privateKey: CryptoKey | NodeKeyObject,
  encodedHeader: string,
  payloadJson: string,
): Promise<string> {
  const signingInput = `${encodedHeader}.${encodeTextBase64url(payloadJson)}`
  const signature = await signData(alg, privateKey, asciiBytes(signingInput))
  return `${signingInput}.${encodeBase64url(signature)}`
}
