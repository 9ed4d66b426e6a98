import { createDPoPFetch } from '@dpop/client'
import { SUPPORTED_ALGORITHMS } from '@dpop/core'
import type { Command } from '../command.js'
import { loadSigningKey } from '../load-signing-key.js'
import { urlOption } from '../option-values.js'
import { sendRequest } from '../send-request.js'
import { UsageError } from '../usage-error.js'

const SHOWN_HEADERS = ['content-type', 'content-length', 'location', 'dpop-nonce', 'www-authenticate']
// These carry the DPoP credentials: the command sets them, from --token and the key.
const RESERVED_HEADERS = new Set(['authorization', 'dpop'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':')
  const name = colon === -1 ? '' : line.slice(0, colon).trim()
  if (!HEADER_NAME.test(name)) throw new UsageError('-H takes "Name: value"')
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw new UsageError(
      `-H cannot set ${name}: the command sends Authorization: DPoP (--token) and the proof`,
    )
  }
  return [name, line.slice(colon + 1).trim()]
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'send a DPoP-authorized request with a DPoP-bound access token',
  usage: "dpop fetch URL --key FILE --token AT [--method GET] [--data BODY] [-H 'Name: value']...",
  description: [
    'Sends one request with "Authorization: DPoP AT" and a fresh proof carrying "ath" (RFC 9449 §7.1).',
    'A resource that answers use_dpop_nonce gets the request once more with its nonce (§9).',
    'Prints the status line, the headers that matter for DPoP and the body. Redirects are not followed',
    '(a proof is valid for one URL). Exits 0 for a status below 400, else 1.',
  ].join('\n'),
  positionals: [{ name: 'URL', description: 'the resource URL' }],
  options: {
    key: { type: 'string', placeholder: 'FILE', description: 'private JWK file the token is bound to' },
    token: { type: 'string', placeholder: 'AT', description: 'the DPoP-bound access token' },
    method: {
      type: 'string',
      placeholder: 'METHOD',
      description: 'HTTP method (default GET, POST with --data)',
    },
    data: {
      type: 'string',
      placeholder: 'BODY',
      description: 'request body (Content-Type application/x-www-form-urlencoded unless -H sets one)',
    },
    header: {
      type: 'string',
      short: 'H',
      multiple: true,
      placeholder: "'Name: value'",
      description: 'add a header',
    },
    alg: {
      type: 'string',
      placeholder: 'ALG',
      description: `algorithm when the key file has no "alg" (${SUPPORTED_ALGORITHMS.join(', ')})`,
    },
  },
  examples: ['dpop fetch https://api.example.com/me --key key.jwk --token "$AT"'],
  async run({ arguments: args, json, print, warn, io }) {
    const target = args.positionals[0]
    if (target === undefined) throw new UsageError('missing the URL argument')
    const url = urlOption('URL', target).href
    const keyPath = args.requireString('key')
    const token = args.requireString('token')
    const data = args.string('data')
    const method = args.string('method') ?? (data === undefined ? 'GET' : 'POST')
    if (!HEADER_NAME.test(method)) throw new UsageError('--method must be an HTTP method such as GET')
    if (data !== undefined && (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD')) {
      throw new UsageError(`--data cannot be sent with ${method.toUpperCase()}`)
    }
    const headers = new Headers()
    for (const line of args.list('header')) headers.append(...parseHeader(line))
    if (data !== undefined && !headers.has('content-type')) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    }
    headers.set('Authorization', `DPoP ${token}`)

    const handle = await loadSigningKey(keyPath, { alg: args.string('alg'), warn })
    const dpopFetch = createDPoPFetch(handle, io.fetch === undefined ? {} : { fetch: io.fetch })
    const response = await sendRequest(dpopFetch, url, {
      method,
      headers,
      redirect: 'manual',
      ...(data === undefined ? {} : { body: data }),
    })
    const text = await response.text()
    const exitCode = response.status < 400 ? 0 : 1
    if (json) {
      let body: unknown = text
      if (/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) {
        try {
          body = JSON.parse(text)
        } catch {
          // Not JSON after all: keep the text.
        }
      }
      const allHeaders = Object.fromEntries(response.headers.entries())
      print(
        JSON.stringify({
          status: response.status,
          statusText: response.statusText,
          headers: allHeaders,
          body,
        }),
      )
      return exitCode
    }
    print(`HTTP ${response.status} ${response.statusText}`.trimEnd())
    for (const name of SHOWN_HEADERS) {
      const value = response.headers.get(name)
      if (value !== null) print(`${name}: ${value}`)
    }
    print('')
    if (text !== '') print(text.replace(/\n$/, ''))
    return exitCode
  },
}
