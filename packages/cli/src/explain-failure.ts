import { normalizeHtu } from '@dpop/core'

/** What `verify` knows when it explains a failed check. */
export interface FailureContext {
  header: Record<string, unknown> | undefined
  claims: Record<string, unknown> | undefined
  htm: string
  htu: string
  /** SHA-256 of the --token, base64url. */
  expectedAth: string | undefined
  expectedJkt: string | undefined
  /** Thumbprint of the header jwk, when it has one. */
  jkt: string | undefined
  maxAge: number
  now: number
  /** The accepted `alg` values. */
  algorithms: readonly string[]
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value))

function normalized(url: string): string {
  try {
    return normalizeHtu(url)
  } catch {
    return url
  }
}

/** One or two sentences on why the check behind `reason` failed, with the values involved. */
export function explainFailure(reason: string, context: FailureContext): string {
  const { header, claims } = context
  const iat = typeof claims?.iat === 'number' ? claims.iat : undefined
  switch (reason) {
    case 'missing':
      return 'no proof was given'
    case 'header_multiple':
      return 'this is more than one proof (a comma separates two DPoP header values): send exactly one'
    case 'too_large':
      return 'the proof is larger than a server accepts (8192 characters)'
    case 'malformed':
      return 'this is not a compact JWS (three base64url parts separated by dots) with JSON header and payload'
    case 'typ':
      return `header typ is ${show(header?.typ)}; a DPoP proof has "dpop+jwt" (an access token or ID token is not a proof)`
    case 'alg':
      return `header alg ${show(header?.alg)} is not one of the accepted ${context.algorithms.join(', ')} (--algs)`
    case 'crit':
      return 'the header lists critical extensions ("crit") that a DPoP verifier does not understand'
    case 'jwk_missing':
      return 'the header has no "jwk": the proof must carry its public key'
    case 'jwk_private':
      return 'the header "jwk" contains private key members: the proof leaked its private key, which must never be sent'
    case 'jwk_symmetric':
      return 'the header "jwk" is a symmetric key; DPoP needs an asymmetric key pair'
    case 'jwk_mismatch':
      return 'the header "jwk" does not fit "alg" (another key type or curve, or a conflicting "alg"/"use")'
    case 'jwk_weak':
      return 'the header "jwk" is an RSA key shorter than 2048 bits'
    case 'jwk_invalid':
      return 'the header "jwk" is malformed (coordinates of the wrong length or not a usable key)'
    case 'jti':
      return '"jti" is missing, empty or too long: every proof needs a unique identifier'
    case 'claims':
      return claims !== undefined && claims.nonce !== undefined && typeof claims.nonce !== 'string'
        ? '"nonce" must be a string (the value of the server\'s DPoP-Nonce header)'
        : 'a required claim ("htm" and "htu" strings, "iat" a number) is missing or of the wrong type'
    case 'htm':
      return `the proof was made for method ${show(claims?.htm)}, the request uses ${show(context.htm)}`
    case 'htu':
      return `the proof was made for ${show(claims?.htu)}, the request targets ${show(normalized(context.htu))}`
    case 'iat_too_old':
      return iat === undefined
        ? 'the proof is too old'
        : `the proof was issued ${Math.round(context.now - iat)} s ago; proofs older than ${context.maxAge} s are rejected (--max-age)`
    case 'iat_in_future':
      return iat === undefined
        ? 'the proof is issued in the future'
        : `the proof is issued ${Math.round(iat - context.now)} s in the future: the signer's clock is ahead`
    case 'ath':
      return claims?.ath === undefined
        ? 'the proof has no "ath", but an access token was given: a proof sent with a token must carry its hash'
        : `"ath" is the hash of another access token: expected ${show(context.expectedAth)}, found ${show(claims.ath)}`
    case 'signature':
      return 'the signature does not verify with the header "jwk": the proof was altered, or signed with another key'
    case 'jkt_mismatch':
      return `the proof's key has thumbprint ${show(context.jkt)}, the token is bound to ${show(context.expectedJkt)}`
    default:
      return `the proof was rejected (${reason})`
  }
}
