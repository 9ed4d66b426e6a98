import { calculateJwkThumbprint as joseThumbprint } from 'jose'
import type { JWK } from './jwk.js'

/** The RFC 7638 SHA-256 thumbprint of a public JWK, base64url-encoded: the value of `cnf.jkt` and `dpop_jkt`. */
export function calculateJwkThumbprint(jwk: JWK): Promise<string> {
  return joseThumbprint(jwk, 'sha256')
}
