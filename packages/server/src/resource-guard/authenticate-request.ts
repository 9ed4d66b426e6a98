import {
  type ChallengeOptions,
  calculateAccessTokenHash,
  contextualizeError,
  DPoPError,
  type DPoPHttpRequest,
  isDPoPError,
  MISSING_CREDENTIALS,
  parseAuthorization,
  verifyProof,
} from '@dpop/core'
import { observeProof } from '../observability/observe-proof.js'
import type { AccessTokenClaims } from './access-token-claims.js'
import { assertNoTokenOutsideHeader } from './assert-no-token-outside-header.js'
import { boundThumbprint } from './bound-thumbprint.js'
import { clientIdOf } from './client-id-of.js'
import { assertScopes } from './guard-option-checks.js'
import { invalidToken } from './invalid-token.js'
import type { ResolvedGuardConfig } from './resolve-guard-config.js'
import { resourceNonceServer } from './resolve-guard-nonce.js'
import { scopesOf } from './scopes-of.js'

/** Per-request options of {@link ResourceGuard.authenticate}. */
export interface AuthenticateOptions {
  /** Scopes this request needs besides the guard-wide ones; missing ones answer 403 `insufficient_scope`. */
  requiredScopes?: readonly string[]
}

/** `authenticate` options of a route where credentials are optional. */
export interface OptionalAuthenticateOptions extends AuthenticateOptions {
  /**
   * `false` lets a request that presents no credentials at all (no `Authorization` header, no `DPoP` header,
   * no `access_token` parameter) through anonymously: `authenticate` resolves `undefined`. A request that
   * presents any of them is authenticated as usual and refused when they fail.
   */
  credentialsRequired: boolean
}

/** Who called a protected resource: what a guard returns for a request it accepts. */
export interface ResourceAuthentication {
  /** The access token the request carried. */
  accessToken: string
  /** The token's claims: from the JWT, or from introspection. */
  claims: AccessTokenClaims
  /** Thumbprint of the proof key (= `cnf.jkt`); `undefined` for a Bearer token. */
  thumbprint: string | undefined
  /** The scheme the token came with: `DPoP`, or `Bearer` where the guard allows Bearer tokens. */
  scheme: 'DPoP' | 'Bearer'

  /** Headers for the successful response, such as a fresh `DPoP-Nonce`. */
  responseHeaders: Record<string, string>
}

/** The resource's answer to a failure: the error with its status and `WWW-Authenticate` challenge. */
function answer(config: ResolvedGuardConfig, error: DPoPError, extra?: ChallengeOptions): DPoPError {
  return contextualizeError(
    error,
    'resource',
    extra === undefined ? config.challenge : { ...config.challenge, ...extra },
  )
}

/**
 * The request path of a resource guard (RFC 9449 §7): no token outside the header, credentials, token,
 * binding, proof, scopes — in that order, each failure answered with the resource challenge.
 */
export async function authenticateRequest(
  config: ResolvedGuardConfig,
  request: DPoPHttpRequest,
  options: AuthenticateOptions & { credentialsRequired?: boolean } = {},
): Promise<ResourceAuthentication | undefined> {
  const callScopes =
    options.requiredScopes === undefined ? [] : assertScopes(options.requiredScopes, 'requiredScopes')

  let credentials: ReturnType<typeof parseAuthorization>
  try {
    assertNoTokenOutsideHeader(request)
    if (
      options.credentialsRequired === false &&
      request.header('authorization') === undefined &&
      request.header('dpop') === undefined
    ) {
      return undefined
    }
    credentials = parseAuthorization(request.header('authorization'))
  } catch (error) {
    throw isDPoPError(error) ? answer(config, error) : error
  }
  // No credentials for a scheme this resource takes: a challenge without an error (RFC 6750 §3.1).
  if (credentials === undefined || (credentials.scheme !== 'dpop' && credentials.scheme !== 'bearer')) {
    throw answer(
      config,
      new DPoPError('invalid_token', MISSING_CREDENTIALS, { description: 'access token required' }),
    )
  }
  if (credentials.scheme === 'bearer' && !config.allowBearer) {
    throw answer(
      config,
      new DPoPError('invalid_token', 'bearer_not_allowed', {
        description: 'access token must be sent with DPoP',
      }),
    )
  }
  const accessToken = credentials.token

  let claims: AccessTokenClaims
  let jkt: string | undefined
  // The token's SHA-256 is both the cache key and the proof's expected `ath` (RFC 9449 §4.2): hash once.
  const accessTokenHash = await calculateAccessTokenHash(accessToken)
  try {
    claims = await config.getClaims(accessTokenHash, accessToken)
    // A cached verification may outlive the token by less than a tick: recheck expiry on every request.
    if (typeof claims.exp === 'number' && claims.exp <= config.now() / 1000)
      throw invalidToken('token_expired')
    jkt = boundThumbprint(claims)
  } catch (error) {
    throw isDPoPError(error) ? answer(config, error) : error
  }

  let thumbprint: string | undefined
  let responseHeaders: Record<string, string> = {}
  if (credentials.scheme === 'dpop') {
    // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound tokens only.
    if (jkt === undefined) {
      throw answer(
        config,
        new DPoPError('invalid_token', 'token_not_bound', { description: 'access token is not DPoP-bound' }),
      )
    }
    const { nonce } = config.proofOptions
    const header = request.header('dpop')
    const proofOptions = {
      ...config.proofOptions,
      ...(config.nonceBoundToOrigin && nonce !== undefined
        ? { nonce: { ...nonce, server: resourceNonceServer(new URL(request.url).origin) } }
        : {}),
      accessToken,
      accessTokenHash,
      expectedThumbprint: jkt,
    }
    const proof =
      config.observer === undefined
        ? await verifyProof(header, request, proofOptions)
        : await observeProof(
            config.observer,
            'resource-guard',
            header,
            { clientId: clientIdOf(claims), thumbprint: jkt },
            () => verifyProof(header, request, proofOptions),
          )
    thumbprint = proof.thumbprint
    responseHeaders = proof.responseHeaders
  } else if (jkt !== undefined) {
    // RFC 9449 §7.2: a DPoP-bound token received as a bearer token MUST be rejected, proof or not.
    throw answer(
      config,
      new DPoPError('invalid_token', 'token_bound', { description: 'access token must be sent with DPoP' }),
    )
  }
  // An unbound Bearer token with a DPoP header: the header is ignored. A proof cannot strengthen a token
  // that names no key, and treating it as DPoP would let an attacker's key "bind" a stolen bearer token.

  const guardScopes = config.requiredScopes
  const required = callScopes.length === 0 ? guardScopes : [...new Set([...guardScopes, ...callScopes])]
  if (required.length > 0) {
    const granted = scopesOf(claims)
    if (!required.every((scope) => granted.has(scope))) {
      throw answer(
        config,
        new DPoPError('insufficient_scope', 'scope', { description: 'insufficient scope' }),
        {
          scope: required.join(' '),
        },
      )
    }
  }

  return {
    accessToken,
    claims,
    thumbprint,
    scheme: credentials.scheme === 'dpop' ? 'DPoP' : 'Bearer',
    responseHeaders,
  }
}
