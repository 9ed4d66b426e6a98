import { decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { sha256 } from './hash.js'
import type { ServerContext } from './server-context.js'
import type { RefreshTokenLookup } from './storage.js'

/** What the server knows about an access token it issued. */
export interface AccessTokenInfo {
  jti: string
  /** The grant it was issued from, when it came from an authorization code or a refresh token. */
  grantId?: string
  clientId: string
  subject: string
  scope: string
  audience: string | string[]
  jkt?: string
  /** Epoch seconds. */
  issuedAt: number
  /** Epoch seconds. */
  expiresAt: number
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

async function verifyJwtAccessToken(
  context: ServerContext,
  token: string,
): Promise<AccessTokenInfo | undefined> {
  const keys = await context.signingKeys()
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(token).kid
  } catch {
    return undefined
  }
  const key = keys.find((candidate) => candidate.kid === kid)
  if (key === undefined) return undefined
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: context.config.issuer,
      typ: 'at+jwt',
      algorithms: [key.alg],
      currentDate: new Date(context.config.now()),
      clockTolerance: 0,
    })
    const { jti, client_id, sub, scope, aud, iat, exp, cnf, grant_id } = payload as Record<string, unknown>
    if (typeof jti !== 'string' || typeof client_id !== 'string' || typeof sub !== 'string') return undefined
    if (typeof iat !== 'number' || typeof exp !== 'number') return undefined
    const jkt = (cnf as { jkt?: unknown } | undefined)?.jkt
    return {
      jti,
      clientId: client_id,
      subject: sub,
      scope: typeof scope === 'string' ? scope : '',
      audience: aud as string | string[],
      issuedAt: iat,
      expiresAt: exp,
      ...(typeof jkt === 'string' ? { jkt } : {}),
      ...(typeof grant_id === 'string' ? { grantId: grant_id } : {}),
    }
  } catch (error) {
    if (error instanceof errors.JOSEError) return undefined
    throw error
  }
}

/**
 * An access token this server issued and that is still valid (signature or storage, expiry); revocation is
 * left to the caller. `undefined` for anything else.
 */
export async function findAccessToken(
  context: ServerContext,
  token: string,
): Promise<AccessTokenInfo | undefined> {
  if (JWT.test(token)) return verifyJwtAccessToken(context, token)
  const record = await context.storage.getAccessToken(await sha256(token))
  if (record === undefined || record.expiresAt <= context.config.now()) return undefined
  return { ...record, expiresAt: Math.floor(record.expiresAt / 1000) }
}

/** A refresh token this server issued (whatever its state) with the hash it is stored under. */
export async function findRefreshToken(
  context: ServerContext,
  token: string,
): Promise<(RefreshTokenLookup & { tokenHash: string }) | undefined> {
  const tokenHash = await sha256(token)
  const lookup = await context.storage.getRefreshToken(tokenHash)
  return lookup === undefined ? undefined : { ...lookup, tokenHash }
}
