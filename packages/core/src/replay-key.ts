/**
 * The replay key of a proof (RFC 9449 §11.1): the pair (key thumbprint, `jti`) whole, as
 * `<thumbprint>.<jti>`. A thumbprint is base64url and never holds a dot, so the first dot splits the pair
 * and two distinct pairs never share a key: no `jti` chosen for one key can take the slot of another key's
 * proof. A store that keeps fixed-size slots derives them itself, with a secret of its own (the in-memory
 * store) or a hash whose collisions would need a preimage (`@dpop/redis`).
 */
export function replayKeyOf(thumbprint: string, jti: string): string {
  return `${thumbprint}.${jti}`
}
