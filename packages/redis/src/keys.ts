import { createHash } from 'node:crypto'

const SAFE_PART = /^[A-Za-z0-9._~-]{1,128}$/

/**
 * A bounded, cluster-neutral key segment: short ids of safe characters are kept for readability; anything
 * longer or with other characters (braces would change the Cluster hash tag, colons the namespace) is
 * replaced by `=` + base64url(SHA-256), which no kept segment can start with.
 */
export function keyPart(value: string): string {
  if (SAFE_PART.test(value)) return value
  return `=${createHash('sha256').update(value).digest('base64url')}`
}

/** Validates a key prefix: braces in it would become the Cluster hash tag of every key. */
export function assertPrefix(prefix: unknown, where: string): string {
  if (typeof prefix !== 'string' || prefix.length > 64 || /[{}\s]/.test(prefix)) {
    throw new TypeError(`${where}: prefix must be a string of at most 64 characters without braces or spaces`)
  }
  return prefix
}

/** Redis `PXAT` needs a positive integer; a record already expired is stored for 1 ms, i.e. dropped. */
export function expiryArgument(expiresAt: number, where: string): number {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw new TypeError(`${where}: expiresAt must be a finite number of epoch milliseconds`)
  }
  return Math.max(1, Math.ceil(expiresAt))
}
