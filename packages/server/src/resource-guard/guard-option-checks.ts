/** Construction-time checks of guard options: a caller mistake is a `TypeError` naming the option. */
export function fail(name: string, message: string): never {
  throw new TypeError(`createResourceGuard: ${name} ${message}`)
}

export function assertScopes(scopes: unknown, name: string): readonly string[] {
  if (
    !Array.isArray(scopes) ||
    !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
  ) {
    fail(name, 'must be an array of scope tokens (no spaces or quotes)')
  }
  return Object.freeze([...scopes])
}

export function assertHttpUrl(value: unknown, name: string): string {
  let url: URL
  try {
    url = new URL(value as string)
  } catch {
    fail(name, 'must be an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, 'must be an https URL')
  if (url.hash !== '' || (value as string).includes('#')) fail(name, 'must not contain a fragment')
  return value as string
}

export function assertSeconds(value: unknown, name: string, positive: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    fail(name, positive ? 'must be a positive number of seconds' : 'must be a non-negative number of seconds')
  }
}
