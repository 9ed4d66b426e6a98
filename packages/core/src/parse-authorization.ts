import { DPoPError } from './dpop-error.js'

/** The scheme and credential of an `Authorization` header, as {@link parseAuthorization} returns them. */
export interface AuthorizationCredentials {
  /** The scheme lower-cased: `dpop`, `bearer`, … (RFC 9110 §11.1: schemes are case-insensitive). */
  scheme: string
  /** The token68 credential. */
  token: string
}

const CREDENTIALS = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) +([A-Za-z0-9\-._~+/]+=*) *$/

/**
 * Parses an `Authorization` header carrying one token68 credential (RFC 6750 §2.1, RFC 9449 §7.1).
 * Returns `undefined` when there is no header. Several header lines, a missing token or a token with
 * characters outside token68 are rejected with `invalid_request`.
 */
export function parseAuthorization(
  header: string | readonly string[] | undefined,
): AuthorizationCredentials | undefined {
  if (header === undefined) return undefined
  if (typeof header !== 'string') {
    if (!Array.isArray(header)) {
      throw new DPoPError('invalid_request', 'authorization_malformed', {
        description: 'malformed Authorization header',
      })
    }
    if (header.length === 0) return undefined
    if (header.length > 1) {
      throw new DPoPError('invalid_request', 'header_multiple', {
        description: 'more than one Authorization header',
      })
    }
    return parseAuthorization(header[0])
  }
  const match = typeof header === 'string' ? CREDENTIALS.exec(header.trim()) : null
  if (!match) {
    throw new DPoPError('invalid_request', 'authorization_malformed', {
      description: 'malformed Authorization header',
    })
  }
  return { scheme: (match[1] as string).toLowerCase(), token: match[2] as string }
}
