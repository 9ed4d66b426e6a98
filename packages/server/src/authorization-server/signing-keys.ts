import type { JWK } from '@dpop/core'
import { algorithmOfKey, generateKeyPair, SUPPORTED_ALGORITHMS } from '@dpop/core'
import { calculateJwkThumbprint, exportJWK, importJWK } from 'jose'
import type { SigningKeyInput } from './config.js'

export interface SigningKey {
  kid: string
  alg: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** The published JWK: public members, `kid`, `alg`, `use`. */
  publicJwk: JWK
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
// Core's asymmetric JWS algorithms; access tokens say EdDSA rather than the newer fully-specified Ed25519,
// which not every resource server's JWT library knows yet, and are never Ed448, which few JWT libraries
// (jose among them) verify.
const SIGNING_ALGORITHMS: readonly string[] = SUPPORTED_ALGORITHMS.filter(
  (alg) => alg !== 'Ed25519' && alg !== 'Ed448',
)

function algorithmOfJwk(jwk: JWK): string {
  if (jwk.alg !== undefined) return jwk.alg
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] ?? ''
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'RSA') return 'RS256'
  return ''
}

function asCryptoKey(key: CryptoKey | Uint8Array): CryptoKey {
  if (key instanceof Uint8Array)
    throw new TypeError('createAuthorizationServer: signingKeys must be asymmetric keys')
  return key
}

async function finish(kid: string | undefined, alg: string, privateKey: CryptoKey, publicKey: CryptoKey) {
  if (!SIGNING_ALGORITHMS.includes(alg)) {
    throw new TypeError(
      `createAuthorizationServer: signing key algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}`,
    )
  }
  const { kty, crv, x, y, e, n } = await exportJWK(publicKey)
  const members: Record<string, string> = { kty: kty as string }
  for (const [name, value] of Object.entries({ crv, x, y, e, n }))
    if (value !== undefined) members[name] = value
  const resolvedKid = kid ?? (await calculateJwkThumbprint(members))
  return {
    kid: resolvedKid,
    alg,
    privateKey,
    publicKey,
    publicJwk: { ...members, kid: resolvedKid, alg, use: 'sig' },
  }
}

/** Imports the configured keys, or generates one ES256 key pair when none is configured. */
export async function loadSigningKeys(inputs: readonly SigningKeyInput[]): Promise<SigningKey[]> {
  if (inputs.length === 0) {
    const pair = await generateKeyPair('ES256')
    return [await finish(undefined, 'ES256', pair.privateKey, pair.publicKey)]
  }
  const keys: SigningKey[] = []
  for (const input of inputs) {
    if ('privateKey' in input && typeof input.privateKey === 'object') {
      const alg = input.alg ?? algorithmOfKey(input.privateKey)
      keys.push(await finish(input.kid, alg, input.privateKey, input.publicKey))
      continue
    }
    const jwk = input as JWK
    const alg = algorithmOfJwk(jwk)
    const publicMembers: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(jwk))
      if (!PRIVATE_MEMBERS.includes(name)) publicMembers[name] = value
    const privateKey = asCryptoKey(await importJWK({ ...jwk, ext: false }, alg))
    const publicKey = asCryptoKey(await importJWK({ ...publicMembers, ext: true }, alg))
    keys.push(await finish(jwk.kid, alg, privateKey, publicKey))
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new TypeError('createAuthorizationServer: signingKeys must have distinct kid values')
  }
  return keys
}
