import type { VerifiedProof } from '@dpop/core'
import type { Parameters } from '../form-body.js'
import type { ClientRecord } from '../storage.js'

/** What the token endpoint hands a grant once the client is authenticated and the proof (if any) verified. */
export interface GrantRequest {
  client: ClientRecord
  parameters: Parameters
  proof: VerifiedProof | undefined
}

/** The access token's binding: the proof's key unless the client's tokens are never bound (RFC 9449 §5). */
export function accessTokenJkt(request: GrantRequest): { accessTokenJkt: string } | Record<string, never> {
  if (request.proof === undefined || request.client.tokenBinding === 'none') return {}
  return { accessTokenJkt: request.proof.thumbprint }
}

/**
 * The refresh token's key binding: a public client's refresh token is bound to the proof's key, a
 * confidential client's only to the client (RFC 9449 §5).
 */
export function refreshTokenJkt(request: GrantRequest): { jkt: string } | Record<string, never> {
  if (request.proof === undefined || request.client.tokenEndpointAuthMethod !== 'none') return {}
  return { jkt: request.proof.thumbprint }
}
