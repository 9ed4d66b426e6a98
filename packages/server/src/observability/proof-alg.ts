import { isSupportedAlgorithm } from '@dpop/core'

// Far longer than the protected header of any proof core accepts (an RSA 8192 key is about 1,500 characters).
const MAX_HEADER_SEGMENT = 4096

/**
 * The `alg` named by a refused proof's protected header, for events and metrics: only an algorithm this
 * toolkit knows, so that an attacker's header cannot add values (or data) to what is reported.
 */
export function proofAlg(proof: string | readonly string[] | undefined): string | undefined {
  // Several DPoP headers are refused before anything is read from them (RFC 9449 §4.3 step 1).
  if (typeof proof !== 'string') return undefined
  const end = proof.indexOf('.')
  if (end <= 0 || end > MAX_HEADER_SEGMENT) return undefined
  try {
    const header: unknown = JSON.parse(atob(proof.slice(0, end).replace(/-/g, '+').replace(/_/g, '/')))
    const alg = (header as { alg?: unknown } | null)?.alg
    return isSupportedAlgorithm(alg) ? alg : undefined
  } catch {
    return undefined
  }
}
