// Test-only helpers (not exported from the package): proofs with arbitrary headers and payloads.
import { base64url, exportJWK, type JWK } from 'jose'
import type { DPoPAlgorithm } from './algorithms.js'
import type { DPoPHttpRequest } from './request.js'
import { signatureAlgorithm } from './signature-algorithm.js'

const encoder = new TextEncoder()

export function request(
  method: string,
  url: string,
  headers: Record<string, string | string[]> = {},
): DPoPHttpRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return { method, url, header: (name) => lower[name.toLowerCase()] }
}

export async function publicJwkOf(key: CryptoKey): Promise<JWK> {
  const { kty, crv, x, y, n, e } = await exportJWK(key)
  return JSON.parse(JSON.stringify({ kty, crv, x, y, n, e })) as JWK
}

/** Signs `headerText.payloadText` as given, so tests can send JSON that no JWT library would produce. */
export async function signRaw(
  headerText: string,
  payloadText: string,
  privateKey: CryptoKey,
  alg: DPoPAlgorithm,
): Promise<string> {
  const input = `${base64url.encode(encoder.encode(headerText))}.${base64url.encode(encoder.encode(payloadText))}`
  const signature = await crypto.subtle.sign(signatureAlgorithm(alg), privateKey, encoder.encode(input))
  return `${input}.${base64url.encode(new Uint8Array(signature))}`
}

export async function signProof(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | unknown[],
  privateKey: CryptoKey,
  alg: DPoPAlgorithm,
): Promise<string> {
  return signRaw(JSON.stringify(header), JSON.stringify(payload), privateKey, alg)
}
