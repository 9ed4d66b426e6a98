import { DPoPError, type DPoPErrorReason } from '@dpop/core'

/** An `invalid_token` error whose wire description never says more than "invalid" or "expired". */
export function invalidToken(reason: DPoPErrorReason, cause?: unknown): DPoPError {
  return new DPoPError('invalid_token', reason, {
    description: reason === 'token_expired' ? 'access token expired' : 'access token invalid',
    ...(cause === undefined ? {} : { cause }),
  })
}
