import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import type { GrantRevokedEvent } from '../observability/events.js'
import type { ServerContext } from './server-context.js'

// Instances of one server read their own clocks: a revocation outlives the tokens another instance
// stamps a little ahead of ours.
const CLOCK_SKEW_MARGIN_MS = 60_000

/**
 * Revokes every refresh and access token issued from the grant (RFC 9700 §2.2.2 and §4.14.2, RFC 6749
 * §10.5, RFC 7009 §2.1): one revocation record that introspection and the refresh grant check, kept
 * until the longest-lived token the grant can have issued so far has expired.
 */
export async function revokeGrant(
  context: ServerContext,
  grantId: string,
  why: { cause: GrantRevokedEvent['cause']; clientId: string },
): Promise<void> {
  const { now, accessTokenLifetime, refreshTokenLifetime } = context.config
  const lifetime = Math.max(accessTokenLifetime, refreshTokenLifetime) * 1000
  await context.storage.revokeGrant(grantId, now() + lifetime + CLOCK_SKEW_MARGIN_MS)
  context.emit?.({ type: 'grant.revoked', source: 'authorization-server', ...why })
}

/**
 * Called once the tokens of a grant are issued and before they are returned: a revocation that raced
 * the issuance (a replay handled by another request or instance) refuses them here; one that comes
 * later is recorded after their issuance, so it outlives them.
 */
export async function refuseIfGrantRevoked(
  context: ServerContext,
  grantId: string,
  reason: DPoPErrorReason,
  description: string,
): Promise<void> {
  if (await context.storage.isGrantRevoked(grantId))
    throw new DPoPError('invalid_grant', reason, { description })
}
