import { parseWWWAuthenticate } from '@dpop/core'

/** The DPoP error codes a client can act on by sending a new proof. */
export type DPoPErrorCodeOfResponse = 'use_dpop_nonce' | 'invalid_dpop_proof'

function isActionable(code: unknown): code is DPoPErrorCodeOfResponse {
  return code === 'use_dpop_nonce' || code === 'invalid_dpop_proof'
}

/**
 * Reads `use_dpop_nonce` or `invalid_dpop_proof` from a response: a resource's 401 challenge
 * `WWW-Authenticate: DPoP error="…"` (RFC 9449 §7.1, §9) or an authorization server's 400 JSON
 * `error` (§5, §8). The response itself is left unread.
 */
export async function readDPoPError(response: Response): Promise<DPoPErrorCodeOfResponse | undefined> {
  if (response.status === 401) {
    const header = response.headers.get('www-authenticate')
    if (header === null) return undefined
    try {
      for (const challenge of parseWWWAuthenticate(header)) {
        if (challenge.scheme.toLowerCase() === 'dpop' && isActionable(challenge.params['error'])) {
          return challenge.params['error']
        }
      }
    } catch {
      // A malformed challenge is not a DPoP instruction.
    }
    return undefined
  }
  if (response.status === 400) {
    const type = response.headers.get('content-type') ?? ''
    if (!/[/+]json\b/i.test(type)) return undefined
    try {
      const body: unknown = await response.clone().json()
      const error =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['error'] : undefined
      return isActionable(error) ? error : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The algorithms a resource's 401 DPoP challenge accepts (`algs`, RFC 9449 §7.1), or undefined when it names
 * none.
 */
export function readChallengeAlgorithms(response: Response): string[] | undefined {
  const header = response.status === 401 ? response.headers.get('www-authenticate') : null
  if (header === null) return undefined
  try {
    for (const challenge of parseWWWAuthenticate(header)) {
      const algs = challenge.params['algs']
      if (challenge.scheme.toLowerCase() === 'dpop' && typeof algs === 'string') {
        return algs.split(' ').filter((alg) => alg !== '')
      }
    }
  } catch {
    // A malformed challenge names no algorithms.
  }
  return undefined
}
