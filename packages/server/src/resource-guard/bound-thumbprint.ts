import type { AccessTokenClaims } from './access-token-claims.js'
import { invalidToken } from './invalid-token.js'

/** The key the token is bound to (RFC 9449 §6.1 `cnf.jkt`), or undefined for an unbound token. */
export function boundThumbprint(claims: AccessTokenClaims): string | undefined {
  const cnf = claims.cnf
  if (cnf === undefined) return undefined
  if (typeof cnf !== 'object' || cnf === null) throw invalidToken('cnf_invalid')
  const jkt = cnf.jkt
  // A confirmation method this guard cannot check (mTLS `x5t#S256`, …) must not let the token pass as Bearer.
  if (jkt === undefined) throw invalidToken(Object.keys(cnf).length === 0 ? 'cnf_invalid' : 'cnf_unsupported')
  if (typeof jkt !== 'string' || jkt === '') throw invalidToken('cnf_invalid')
  return jkt
}
