import type { AccessTokenClaims } from './access-token-claims.js'
import { invalidToken } from './invalid-token.js'

/**
 * The checks jose performs for JWTs, for claims that come from introspection or your own verifier:
 * lifetime, issuer and audience.
 */
export function checkClaims(
  claims: AccessTokenClaims,
  nowSeconds: number,
  issuers: readonly string[] | undefined,
  audiences: readonly string[] | undefined,
): void {
  if (typeof claims !== 'object' || claims === null) throw invalidToken('token_invalid')
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)) {
    throw invalidToken('token_expired')
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
    throw invalidToken('token_not_yet_valid')
  }
  if (issuers !== undefined && (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))) {
    throw invalidToken('token_issuer')
  }
  if (audiences !== undefined) {
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : []
    if (!aud.some((value) => audiences.includes(value))) throw invalidToken('token_audience')
  }
}
