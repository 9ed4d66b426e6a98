import { calculateAccessTokenHash, type DPoPAlgorithm, type DPoPKeyPair } from '@dpop/core'
import { base64url, exportJWK, type JWK } from 'jose'

const encoder = new TextEncoder()

/** Web Crypto parameters per JWS algorithm (RFC 7518 §3) for the keys the kit generates. */
function signatureParameters(alg: string): AlgorithmIdentifier | EcdsaParams | RsaPssParams {
  switch (alg) {
    case 'ES384':
      return { name: 'ECDSA', hash: 'SHA-384' }
    case 'ES512':
      return { name: 'ECDSA', hash: 'SHA-512' }
    case 'PS256':
      return { name: 'RSA-PSS', saltLength: 32 }
    case 'RS256':
      return { name: 'RSASSA-PKCS1-v1_5' }
    case 'EdDSA':
    case 'Ed25519':
      return { name: 'Ed25519' }
    case 'HS256':
      return { name: 'HMAC' }
    default:
      return { name: 'ECDSA', hash: 'SHA-256' }
  }
}

export interface SigningKey extends DPoPKeyPair {
  alg: DPoPAlgorithm
  publicJwk: JWK
}

export async function signingKeyOf(keyPair: DPoPKeyPair, alg: DPoPAlgorithm): Promise<SigningKey> {
  const { kty, crv, x, y, n, e } = await exportJWK(keyPair.publicKey)
  const publicJwk = JSON.parse(JSON.stringify({ kty, crv, x, y, n, e })) as JWK
  return { ...keyPair, alg, publicJwk }
}

export const encodeSegment = (text: string) => base64url.encode(encoder.encode(text))

/** Signs `header.payload` exactly as given, so the kit can send what no JWT library would produce. */
export async function signText(
  headerText: string,
  payloadText: string,
  privateKey: CryptoKey,
  alg: string,
): Promise<string> {
  const input = `${encodeSegment(headerText)}.${encodeSegment(payloadText)}`
  const signature = await crypto.subtle.sign(signatureParameters(alg), privateKey, encoder.encode(input))
  return `${input}.${base64url.encode(new Uint8Array(signature))}`
}

export interface ProofTarget {
  htm: string
  htu: string
  accessToken?: string
  nonce?: string
}

export function randomId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(16)))
}

/**
 * Builds proofs that are valid except for what a case changes: fresh header and claims objects to edit,
 * then `sign()`.
 */
export class ProofBuilder {
  constructor(
    readonly key: SigningKey,
    readonly target: ProofTarget,
    private readonly now: () => number = Date.now,
  ) {}

  header(): Record<string, unknown> {
    return { typ: 'dpop+jwt', alg: this.key.alg, jwk: { ...this.key.publicJwk } }
  }

  async claims(): Promise<Record<string, unknown>> {
    const { htm, htu, accessToken, nonce } = this.target
    const url = new URL(htu)
    const claims: Record<string, unknown> = {
      jti: randomId(),
      htm,
      htu: `${url.origin}${url.pathname}`,
      iat: Math.floor(this.now() / 1000),
    }
    if (accessToken !== undefined) claims['ath'] = await calculateAccessTokenHash(accessToken)
    if (nonce !== undefined) claims['nonce'] = nonce
    return claims
  }

  sign(
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
    privateKey: CryptoKey = this.key.privateKey,
    alg: string = this.key.alg,
  ): Promise<string> {
    return signText(JSON.stringify(header), JSON.stringify(claims), privateKey, alg)
  }

  async valid(): Promise<string> {
    return this.sign(this.header(), await this.claims())
  }
}
