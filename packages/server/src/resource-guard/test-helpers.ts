import { calculateJwkThumbprint, createProof, type DPoPError, generateKeyPair, isDPoPError } from '@dpop/core'
import { exportJWK, generateKeyPair as generateJoseKeyPair, type JWK, SignJWT } from 'jose'
import { beforeAll } from 'vitest'
import { createNeutralRequest } from '../http/create-neutral-request.js'

export const ISSUER = 'https://as.example.com'
export const AUDIENCE = 'https://api.example.com'
export const URL_ = 'https://api.example.com/v1/items'

export interface SigningKey {
  privateKey: CryptoKey
  jwk: JWK
  kid: string
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateJoseKeyPair('ES256')
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }, kid }
}

export interface ClientKey {
  keyPair: CryptoKeyPair
  jkt: string
}

export async function clientKey(): Promise<ClientKey> {
  const keyPair = await generateKeyPair('ES256')
  return { keyPair, jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)) }
}

export interface TokenOptions {
  jkt?: string
  scope?: string
  /** Seconds from `now`. */
  expiresIn?: number
  typ?: string
  issuer?: string
  audience?: string
  now: number
}

export function mintToken(key: SigningKey, options: TokenOptions): Promise<string> {
  const iat = Math.floor(options.now / 1000)
  return new SignJWT({
    client_id: 'client-1',
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.jkt === undefined ? {} : { cnf: { jkt: options.jkt } }),
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject('user-1')
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresIn ?? 600))
    .sign(key.privateKey)
}

export interface ProofOptions {
  htm?: string
  htu?: string
  accessToken?: string
  nonce?: string
  now: number
}

export function proof(client: ClientKey, options: ProofOptions): Promise<string> {
  return createProof(client.keyPair, {
    htm: options.htm ?? 'GET',
    htu: options.htu ?? URL_,
    iat: Math.floor(options.now / 1000),
    ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  })
}

export function request(headers: Record<string, string | string[]>, method = 'GET', url = URL_) {
  const lower: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value
  return createNeutralRequest(method, url, lower)
}

/** The `DPoPError` a promise rejects with; fails the test when it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<DPoPError> {
  try {
    await promise
  } catch (error) {
    if (isDPoPError(error)) return error
    throw error
  }
  throw new Error('expected a DPoPError')
}

/** The keys of a guard test file: the authorization server's signing key and one client's, alice's. */
export interface GuardTestKeys {
  readonly asKey: SigningKey
  readonly alice: ClientKey
}

/** Makes the file's keys once, before its tests run (registers a `beforeAll`); read them inside tests. */
export function useGuardTestKeys(): GuardTestKeys {
  const keys = {} as { asKey: SigningKey; alice: ClientKey }
  beforeAll(async () => {
    ;[keys.asKey, keys.alice] = await Promise.all([signingKey('as-1'), clientKey()])
  })
  return keys
}

/** Options of a guard that accepts tokens of `keys.asKey` for ISSUER and AUDIENCE, its clock stopped at `now`. */
export function guardTestOptions(keys: GuardTestKeys, now: number) {
  return { jwks: { keys: [keys.asKey.jwk] }, issuer: ISSUER, audience: AUDIENCE, now: () => now }
}
