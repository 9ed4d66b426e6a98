import {
  calculateAccessTokenHash,
  type DPoPAlgorithm,
  type DPoPKeyPair,
  type JWK,
  signatureAlgorithm,
  type WebCryptoKey,
} from '@dpop/core'
import { base64url, exportJWK } from 'jose'

const encoder = new TextEncoder()

export interface SigningKey extends DPoPKeyPair {
  alg: DPoPAlgorithm
  publicJwk: JWK
  /** The private JWK, for keys the kit made extractable (the private-jwk cases send it). */
  privateJwk?: JWK
}

export async function signingKeyOf(keyPair: DPoPKeyPair, alg: DPoPAlgorithm): Promise<SigningKey> {
  const { kty, crv, x, y, n, e } = await exportJWK(keyPair.publicKey)
  const publicJwk = JSON.parse(JSON.stringify({ kty, crv, x, y, n, e })) as JWK
  const key: SigningKey = { ...keyPair, alg, publicJwk }
  if (keyPair.privateKey.extractable) key.privateJwk = await exportJWK(keyPair.privateKey)
  return key
}

export const encodeSegment = (text: string) => base64url.encode(encoder.encode(text))

/** Signs `header.payload` exactly as given, so the kit can send what no JWT library would produce. */
export async function signText(
  headerText: string,
  payloadText: string,
  privateKey: WebCryptoKey,
  alg: string,
): Promise<string> {
  const input = `${encodeSegment(headerText)}.${encodeSegment(payloadText)}`
  // HS256 only for the symmetric-key case the kit sends on purpose; every DPoP algorithm is core's.
  const parameters = alg === 'HS256' ? { name: 'HMAC' } : signatureAlgorithm(alg as DPoPAlgorithm)
  const signature = await crypto.subtle.sign(parameters, privateKey, encoder.encode(input))
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
    privateKey: WebCryptoKey = this.key.privateKey,
    alg: string = this.key.alg,
  ): Promise<string> {
    return signText(JSON.stringify(header), JSON.stringify(claims), privateKey, alg)
  }

  async valid(): Promise<string> {
    return this.sign(this.header(), await this.claims())
  }
}
