import { OAuthError } from './oauth-error.js'

/** A successful token response (RFC 6749 §5.1), in camelCase, with the raw members kept. */
export interface TokenSet {
  /** The access token, to send as `Authorization: DPoP <token>` with a proof. */
  accessToken: string
  /** As the server sent it: `DPoP`, or `Bearer` when that was allowed. */
  tokenType: string
  /** Epoch milliseconds on the local clock, from `expires_in`. */
  expiresAt?: number
  /** The refresh token, when the server issued one. */
  refreshToken?: string
  /** The granted scope, when the server named it (it may differ from the one asked for, RFC 6749 §3.3). */
  scope?: string

  /** OpenID Connect ID token, when the server issued one. */
  idToken?: string
  /** Every member of the response. */
  raw: Readonly<Record<string, unknown>>
}

export interface ReadTokenSetOptions {
  /** Whether a `Bearer` answer to a DPoP request is accepted. */
  allowBearer: boolean
  /** The local clock for `expiresAt`. */
  now: number
}

const optionalString = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

/**
 * Validates a token response body. RFC 9449 §5: a DPoP-bound token has `token_type` DPoP (compared
 * case-insensitively, RFC 6749 §5.1); a Bearer answer means the server ignored the proof.
 */
export function readTokenSet(body: unknown, options: ReadTokenSetOptions): TokenSet {
  const invalid = (description: string) => new OAuthError('invalid_response', { description })
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('token response is not a JSON object')
  const raw = body as Record<string, unknown>
  const accessToken = optionalString(raw['access_token'])
  const tokenType = optionalString(raw['token_type'])
  if (accessToken === undefined) throw invalid('token response has no access_token')
  if (tokenType === undefined) throw invalid('token response has no token_type')
  const type = tokenType.toLowerCase()
  if (type !== 'dpop' && !(type === 'bearer' && options.allowBearer)) {
    throw new OAuthError('unexpected_token_type', {
      description: `the server issued a ${tokenType} token to a DPoP request; set allowBearer to accept it`,
    })
  }
  const expiresIn = raw['expires_in']
  const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)) {
    throw invalid('token response expires_in is not a number of seconds')
  }
  const tokens: TokenSet = { accessToken, tokenType, raw }
  if (typeof seconds === 'number') tokens.expiresAt = options.now + seconds * 1000
  const refreshToken = optionalString(raw['refresh_token'])
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken
  const scope = optionalString(raw['scope'])
  if (scope !== undefined) tokens.scope = scope
  const idToken = optionalString(raw['id_token'])
  if (idToken !== undefined) tokens.idToken = idToken
  return tokens
}
