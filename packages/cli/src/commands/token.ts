import { createOAuthClient, isOAuthError, type TokenSet } from '@dpop/client'
import { SUPPORTED_ALGORITHMS } from '@dpop/core'
import type { Command } from '../command.js'
import { CommandFailure } from '../command-failure.js'
import { loadSigningKey } from '../load-signing-key.js'
import { urlOption } from '../option-values.js'
import { networkFailure } from '../send-request.js'
import { UsageError } from '../usage-error.js'

const AUTHENTICATION_METHODS = { basic: 'client_secret_basic', post: 'client_secret_post' } as const

export const tokenCommand: Command = {
  name: 'token',
  summary: 'get a DPoP-bound access token with the client credentials grant',
  usage:
    'dpop token --issuer URL --client-id ID --client-secret S [--scope S] [--key FILE] [--auth basic|post]',
  description: [
    'Finds the token endpoint by RFC 8414 (or OpenID) discovery, then requests a token with the client',
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
    const handle = await loadSigningKey(keyPath, { alg: args.string('alg'), warn })
    if (keyPath === undefined)
      warn('no --key: the token is bound to a throwaway key that ends with this command')

    const client = createOAuthClient(handle, {
      issuer,
      clientId,
      clientSecret,
      clientAuthentication: AUTHENTICATION_METHODS[auth],
      // A Bearer answer is shown (with a warning) rather than hidden: this command is for looking at servers.
      allowBearer: true,
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
    })
    let tokens: TokenSet
    try {
      const algorithms = (await client.metadata()).dpop_signing_alg_values_supported
      if (Array.isArray(algorithms) && !handle.algorithms.some((alg) => algorithms.includes(alg))) {
        warn(`the server does not list ${handle.algorithm} in dpop_signing_alg_values_supported`)
      }
      tokens = await client.clientCredentials(scope === undefined ? {} : { scope })
    } catch (error) {
      const unreachable = networkFailure(error, issuer)
      if (unreachable !== undefined) throw unreachable
      if (!isOAuthError(error)) throw error
      const status = error.status === undefined ? '' : ` (HTTP ${error.status})`
      const description =
        error.errorDescription === undefined || error.errorDescription === error.error
          ? ''
          : `: ${error.errorDescription}`
      throw new CommandFailure(error.error, `token request failed${status}: ${error.error}${description}`, {
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.errorDescription === undefined ? {} : { error_description: error.errorDescription }),
      })
    }
    if (tokens.tokenType.toLowerCase() !== 'dpop') {
      warn(`token_type is ${tokens.tokenType}: the server did not bind this token to the key (RFC 9449 §5)`)
    }
    print(json ? JSON.stringify(tokens.raw) : JSON.stringify(tokens.raw, null, 2))
    return 0
  },
}
