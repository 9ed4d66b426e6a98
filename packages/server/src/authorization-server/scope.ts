import { DPoPError } from '@dpop/core'
import { isScope } from './config.js'

const invalidScope = () =>
  new DPoPError('invalid_scope', 'scope', { description: 'the requested scope is not allowed' })

/** The scope tokens of a space-separated scope string. */
export function scopeTokens(scope: string | undefined): string[] {
  return scope === undefined || scope === '' ? [] : scope.split(' ')
}

/**
 * The scope to grant: the requested one when every token is within `allowed` (absent = anything), else
 * `invalid_scope` (RFC 6749 §3.3, §5.2). Without a request, the default is `fallback`.
 */
export function resolveScope(
  requested: string | undefined,
  allowed: string | undefined,
  fallback: string,
): string {
  if (requested === undefined) return fallback
  if (!isScope(requested)) throw invalidScope()
  const tokens = [...new Set(scopeTokens(requested))]
  if (allowed !== undefined) {
    const permitted = new Set(scopeTokens(allowed))
    if (!tokens.every((token) => permitted.has(token))) throw invalidScope()
  }
  return tokens.join(' ')
}
