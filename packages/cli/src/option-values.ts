import { UsageError } from './usage-error.js'

// RFC 9110 §9.1: a method is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** An HTTP method as sent (case-sensitive, RFC 9110 §9.1). */
export function methodOption(value: string): string {
  if (!TOKEN.test(value)) throw new UsageError('--htm must be an HTTP method such as GET or POST')
  return value
}

/** An absolute http(s) URL. */
export function urlOption(name: string, value: string): URL {
  if (!URL.canParse(value))
    throw new UsageError(`--${name} must be an absolute URL such as https://as.example.com/token`)
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--${name} must be an http(s) URL`)
  return url
}

/** A whole number of seconds. */
export function secondsOption(name: string, value: string, { allowNegative = false } = {}): number {
  const pattern = allowNegative ? /^-?\d+$/ : /^\d+$/
  if (!pattern.test(value)) throw new UsageError(`--${name} must be a whole number of seconds`)
  return Number(value)
}
