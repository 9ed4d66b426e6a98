import { createDPoPFetch } from '@dpop/client'
import { SUPPORTED_ALGORITHMS } from '@dpop/core'
import type { Command } from '../command.js'
import { CommandFailure } from '../command-failure.js'
import { discoverTokenEndpoint } from '../discover-token-endpoint.js'
import { loadSigningKey } from '../load-signing-key.js'
import { urlOption } from '../option-values.js'
import { readJson, sendRequest } from '../send-request.js'
import { UsageError } from '../usage-error.js'

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for Basic. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1)
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'get a DPoP-bound access token with the client credentials grant',
  usage:
    'dpop token --issuer URL --client-id ID --client-secret S [--scope S] [--key FILE] [--auth basic|post]',
  description: [
    "Finds the issuer's token endpoint by RFC 8414 discovery, then requests a token with the client",
    'credentials grant (RFC 6749 §4.4) and a DPoP proof (RFC 9449 §5), so the token is bound to the key.',
    'A server that answers use_dpop_nonce gets the same request once more with its nonce (§8).',
    'Prints the token response JSON. Without --key a throwaway key is used (the token is then unusable',
    'once the command ends: use it to inspect a server).',
  ].join('\n'),
  positionals: [],
  options: {
    issuer: {
      type: 'string',
      placeholder: 'URL',
      description: 'issuer identifier of the authorization server',
    },
    'client-id': { type: 'string', placeholder: 'ID', description: 'client identifier' },
    'client-secret': { type: 'string', placeholder: 'S', description: 'client secret' },
    scope: { type: 'string', placeholder: 'S', description: 'space-separated scopes to request' },
    key: { type: 'string', placeholder: 'FILE', description: 'private JWK file the token is bound to' },
    alg: {
      type: 'string',
      placeholder: 'ALG',
      description: `algorithm when the key file has no "alg" (${SUPPORTED_ALGORITHMS.join(', ')})`,
    },
    auth: {
      type: 'string',
      placeholder: 'METHOD',
      description: 'client authentication: basic (client_secret_basic, default) or post (client_secret_post)',
    },
  },
  examples: [
    'dpop token --issuer https://as.example.com --client-id app --client-secret "$SECRET" --key key.jwk',
    'AT=$(dpop token --issuer https://as.example.com --client-id app --client-secret s --key key.jwk --json | jq -r .access_token)',
  ],
  async run({ arguments: args, json, print, warn, io }) {
    const issuer = args.requireString('issuer')
    urlOption('issuer', issuer)
    const clientId = args.requireString('client-id')
    const clientSecret = args.requireString('client-secret')
    const auth = args.string('auth') ?? 'basic'
    if (auth !== 'basic' && auth !== 'post') throw new UsageError('--auth must be basic or post')
    const scope = args.string('scope')
    const keyPath = args.string('key')
    const handle = await loadSigningKey(keyPath, args.string('alg'))
    if (keyPath === undefined)
      warn('no --key: the token is bound to a throwaway key that ends with this command')

    const fetchFunction = io.fetch ?? globalThis.fetch
    const metadata = await discoverTokenEndpoint(issuer, fetchFunction)
    if (metadata.signingAlgorithms !== undefined && !metadata.signingAlgorithms.includes(handle.algorithm)) {
      warn(`the server does not list ${handle.algorithm} in dpop_signing_alg_values_supported`)
    }
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    if (scope !== undefined) body.set('scope', scope)
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
    }
    if (auth === 'basic') {
      headers.Authorization = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`
    } else {
      body.set('client_id', clientId)
      body.set('client_secret', clientSecret)
    }
    const dpopFetch = createDPoPFetch(handle, { fetch: fetchFunction })
    const response = await sendRequest(dpopFetch, metadata.tokenEndpoint, {
      method: 'POST',
      headers,
      body: body.toString(),
    })
    const result = await readJson(response)
    const fields = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {}
    if (!response.ok) {
      const error = typeof fields.error === 'string' ? fields.error : 'token_request_failed'
      const description = typeof fields.error_description === 'string' ? `: ${fields.error_description}` : ''
      throw new CommandFailure(
        error,
        `token request failed with HTTP ${response.status} ${error}${description}`,
        {
          status: response.status,
          ...(result === undefined ? {} : { response: result }),
        },
      )
    }
    if (typeof fields.access_token !== 'string') {
      throw new CommandFailure('invalid_response', 'the token response has no access_token')
    }
    if (typeof fields.token_type !== 'string' || fields.token_type.toLowerCase() !== 'dpop') {
      warn('token_type is not DPoP: the server did not bind this token to the key (RFC 9449 §5)')
    }
    print(json ? JSON.stringify(result) : JSON.stringify(result, null, 2))
    return 0
  },
}
