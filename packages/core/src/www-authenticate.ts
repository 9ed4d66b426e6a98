import { DPoPError } from './dpop-error.js'

/** One challenge of a `WWW-Authenticate` header, as {@link parseWWWAuthenticate} returns it (RFC 9110 §11.6.1). */
export interface Challenge {
  /** The auth-scheme as sent (compare case-insensitively). */
  scheme: string
  /** Parameters with lower-cased names. */
  params: Record<string, string>
  /** The token68 form of a challenge that carries one instead of parameters. */
  token68?: string
}

/** The parts of the challenge {@link buildWWWAuthenticate} writes; absent parameters are left out. */
export interface BuildWWWAuthenticateOptions {
  /** The auth-scheme. @defaultValue `'DPoP'` */
  scheme?: string
  /** The `realm` parameter (RFC 9110 §11.5). */
  realm?: string
  /** The `error` parameter: `invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`, … (RFC 9449 §7.1). */
  error?: string
  /** The `error_description` parameter: a fixed text, never request input. */
  description?: string
  /** The `scope` parameter: the scope the resource needs (RFC 6750 §3). */
  scope?: string
  /** The `algs` parameter: the proof algorithms the resource accepts, space-separated (RFC 9449 §7.1). */
  algs?: readonly string[]
  /** The `resource_metadata` parameter: the URL of the resource's metadata (RFC 9728 §5.1). */
  resourceMetadata?: string
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Quotes a value as an RFC 9110 §5.6.4 quoted-string. */
export function quoteString(value: string): string {
  // Control characters cannot be carried in a quoted-string: drop them rather than emit a broken header.
  const printable = value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  return `"${printable.replace(/["\\]/g, (char) => `\\${char}`)}"`
}

/** Builds one challenge such as `DPoP error="invalid_token", algs="ES256 EdDSA"` (RFC 9449 §7.1). */
export function buildWWWAuthenticate(options: BuildWWWAuthenticateOptions = {}): string {
  const params: string[] = []
  if (options.realm !== undefined) params.push(`realm=${quoteString(options.realm)}`)
  if (options.error !== undefined) params.push(`error=${quoteString(options.error)}`)
  if (options.description !== undefined) params.push(`error_description=${quoteString(options.description)}`)
  if (options.scope !== undefined) params.push(`scope=${quoteString(options.scope)}`)
  if (options.resourceMetadata !== undefined) {
    params.push(`resource_metadata=${quoteString(options.resourceMetadata)}`)
  }
  if (options.algs !== undefined && options.algs.length > 0)
    params.push(`algs=${quoteString(options.algs.join(' '))}`)
  const scheme = options.scheme ?? 'DPoP'
  return params.length > 0 ? `${scheme} ${params.join(', ')}` : scheme
}

class Cursor {
  index = 0
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (
      this.index < this.text.length &&
      (this.text[this.index] === ' ' || this.text[this.index] === '\t')
    ) {
      this.index++
    }
  }
  peek(): string | undefined {
    return this.text[this.index]
  }
  done(): boolean {
    return this.index >= this.text.length
  }
  readToken(): string {
    const start = this.index
    while (this.index < this.text.length && TOKEN.test(this.text[this.index] as string)) this.index++
    return this.text.slice(start, this.index)
  }
  readToken68(): string | undefined {
    const match = /^[A-Za-z0-9\-._~+/]+=*/.exec(this.text.slice(this.index))
    if (!match) return undefined
    // token68 is only a token68 when it is not followed by "=" of an auth-param.
    const after = this.text.slice(this.index + match[0].length).trimStart()
    if (after !== '' && !after.startsWith(',')) return undefined
    this.index += match[0].length
    return match[0]
  }
  readQuoted(): string {
    this.index++ // opening quote
    let out = ''
    while (this.index < this.text.length) {
      const char = this.text[this.index++] as string
      if (char === '"') return out
      if (char === '\\') {
        if (this.index >= this.text.length) break
        out += this.text[this.index++]
      } else {
        out += char
      }
    }
    throw new DPoPError('invalid_request', 'www_authenticate_malformed', {
      description: 'unterminated quoted-string in WWW-Authenticate',
    })
  }
}

/**
 * Parses a `WWW-Authenticate` value (RFC 9110 §11.6.1) into its challenges. Several challenges may share
 * one header; scheme and parameter names are case-insensitive, so parameter names come back lower-cased.
 * Throws `DPoPError` (`invalid_request`) on malformed input.
 */
export function parseWWWAuthenticate(header: string | readonly string[]): Challenge[] {
  if (typeof header !== 'string') {
    if (!Array.isArray(header) || header.some((value) => typeof value !== 'string')) {
      throw new DPoPError('invalid_request', 'www_authenticate_malformed', {
        description: 'malformed WWW-Authenticate',
      })
    }
    return header.flatMap((value) => parseWWWAuthenticate(value))
  }
  const cursor = new Cursor(header)
  const challenges: Challenge[] = []
  const malformed = () =>
    new DPoPError('invalid_request', 'www_authenticate_malformed', {
      description: 'malformed WWW-Authenticate',
    })
  while (true) {
    cursor.skipSpace()
    while (cursor.peek() === ',') {
      cursor.index++
      cursor.skipSpace()
    }
    if (cursor.done()) break
    const scheme = cursor.readToken()
    if (scheme === '') throw malformed()
    const challenge: Challenge = { scheme, params: {} }
    challenges.push(challenge)
    cursor.skipSpace()
    const token68 = cursor.readToken68()
    if (token68 !== undefined) {
      challenge.token68 = token68
      continue
    }
    // auth-params until the next scheme (a token not followed by "=")
    while (true) {
      cursor.skipSpace()
      while (cursor.peek() === ',') {
        cursor.index++
        cursor.skipSpace()
      }
      if (cursor.done()) break
      const start = cursor.index
      const name = cursor.readToken()
      if (name === '') throw malformed()
      cursor.skipSpace()
      if (cursor.peek() !== '=') {
        cursor.index = start // a new challenge begins here
        break
      }
      cursor.index++
      cursor.skipSpace()
      const quoted = cursor.peek() === '"'
      const value = quoted ? cursor.readQuoted() : cursor.readToken()
      if (value === '' && !quoted) throw malformed()
      const key = name.toLowerCase()
      // §11.2: a parameter name occurs once per challenge; a second one (say, an injected `error`) is refused.
      if (Object.hasOwn(challenge.params, key)) throw malformed()
      // defineProperty: a parameter named "__proto__" stays a parameter.
      Object.defineProperty(challenge.params, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      // §11.6.1: parameters and challenges are separated by commas.
      cursor.skipSpace()
      if (!cursor.done() && cursor.peek() !== ',') throw malformed()
    }
  }
  return challenges
}
