import type { AccessTokenClaims } from './access-token-claims.js'

function split(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((scope) => scope !== '')
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string')
  return []
}

/** The scopes a token grants: `scope` (RFC 9068 §2.2.3, RFC 7662), or an `scp` array as some servers issue. */
export function scopesOf(claims: AccessTokenClaims): Set<string> {
  return new Set([...split(claims.scope), ...split(claims['scp'])])
}
