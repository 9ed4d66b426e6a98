import type { AccessTokenClaims } from './access-token-claims.js'

/** The token's `client_id` (RFC 9068 §2.2), for events; `undefined` when absent or not a string. */
export function clientIdOf(claims: AccessTokenClaims): string | undefined {
  const clientId = claims.client_id
  return typeof clientId === 'string' ? clientId : undefined
}
