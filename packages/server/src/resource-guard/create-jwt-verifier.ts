import { DPoPError, type DPoPErrorReason, isDPoPError, type JSONWebKeySet } from '@dpop/core'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
  type RemoteJWKSetOptions,
} from 'jose'
import type { AccessTokenClaims, AccessTokenVerifier } from './access-token-claims.js'
import { invalidToken } from './invalid-token.js'
import type { RemoteKeySetOptions } from './remote-key-set-options.js'

export interface JwtVerifierOptions {
  /** A local key set. */
  jwks?: JSONWebKeySet
  /** A remote key set, cached and re-fetched when a token names an unknown `kid`. */
  jwksUri?: string | URL
  /** Cache and timeout settings of the remote key set (jose `createRemoteJWKSet`). */
  remoteJwks?: RemoteKeySetOptions
  issuer: string | readonly string[]
  audience: string | readonly string[]
  /** Require `typ: at+jwt` (RFC 9068 §2.1). @default true */
  requireAccessTokenType?: boolean
  /** Accepted signing algorithms of access tokens. @default asymmetric algorithms only */
  algorithms?: readonly string[]
  /** Leeway for `exp` and `nbf`, in seconds. @default 0 */
  clockTolerance?: number
  now: () => number
}

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]

const CLAIM_REASONS: Record<string, DPoPErrorReason> = {
  iss: 'token_issuer',
  aud: 'token_audience',
  typ: 'token_type',
  nbf: 'token_not_yet_valid',
  exp: 'token_expired',
}

// JWKS problems that say nothing about the token: fail closed with 503 rather than blame the client.
const UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'])

function mapError(cause: unknown): DPoPError {
  if (isDPoPError(cause)) return cause
  const code = (cause as { code?: unknown } | null)?.code
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return invalidToken('token_expired', cause)
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = String((cause as { claim?: unknown }).claim)
      return invalidToken(CLAIM_REASONS[claim] ?? 'token_claims', cause)
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalidToken('token_signature', cause)
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return invalidToken('token_alg', cause)
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return invalidToken('token_malformed', cause)
  }
  if (typeof code === 'string' && UNAVAILABLE.has(code)) {
    return new DPoPError('temporarily_unavailable', 'jwks_unavailable', {
      description: 'token verification keys unavailable',
      cause,
    })
  }
  // Not a JOSE error: the remote key set could not be fetched.
  if (typeof code !== 'string' || !code.startsWith('ERR_')) {
    return new DPoPError('temporarily_unavailable', 'jwks_unavailable', {
      description: 'token verification keys unavailable',
      cause,
    })
  }
  return invalidToken('token_invalid', cause)
}

/** Verifies JWT access tokens (RFC 9068) against a local or remote JWKS, with `iss`, `aud`, `exp` and `typ`. */
export function createJwtVerifier(options: JwtVerifierOptions): AccessTokenVerifier {
  let keySet: JWTVerifyGetKey
  if (options.jwks !== undefined) {
    if (!Array.isArray(options.jwks?.keys))
      throw new TypeError('createResourceGuard: jwks must be { keys: [...] }')
    try {
      keySet = createLocalJWKSet(options.jwks)
    } catch {
      throw new TypeError('createResourceGuard: jwks is not a valid JSON Web Key Set')
    }
  } else {
    let url: URL
    try {
      url = new URL(options.jwksUri as string | URL)
    } catch {
      throw new TypeError('createResourceGuard: jwksUri must be an absolute URL')
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError('createResourceGuard: jwksUri must use https (or http on a private network)')
    }
    keySet = createRemoteJWKSet(url, options.remoteJwks as RemoteJWKSetOptions | undefined)
  }
  const verifyOptions: JWTVerifyOptions = {
    issuer: typeof options.issuer === 'string' ? options.issuer : [...options.issuer],
    audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
    algorithms: [...(options.algorithms ?? ASYMMETRIC)],
    requiredClaims: ['exp'],
    clockTolerance: options.clockTolerance ?? 0,
    ...(options.requireAccessTokenType === false ? {} : { typ: 'at+jwt' }),
  }
  const now = options.now
  return async (accessToken) => {
    try {
      const { payload } = await jwtVerify(accessToken, keySet, {
        ...verifyOptions,
        currentDate: new Date(now()),
      })
      return payload as AccessTokenClaims
    } catch (cause) {
      throw mapError(cause)
    }
  }
}
