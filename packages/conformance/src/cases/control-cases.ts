import { type ConformanceCase, isSuccess, verdict } from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { RunContext } from '../run-context.js'
import type { ConformanceResource } from '../types.js'

/** RFC 8414 §3.1: the well-known path is inserted between the issuer's host and its path. */
export function metadataUrl(issuer: string): string {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return `${url.origin}/.well-known/oauth-authorization-server${path}`
}

const REJECTED_VALID_PROOF =
  'a valid proof was rejected: if the server runs behind a TLS-terminating proxy it probably sees http:// or an internal host (htu mismatch); configure publicUrl or trust the proxy headers'

const metadataControl: ConformanceCase = {
  id: 'control.metadata',
  clause: 'RFC 8414 §3',
  family: 'control',
  title: 'authorization server metadata is served',
  needs: [],
  async run(context) {
    const url = metadataUrl(context.target.issuer)
    const response = await context.send({ method: 'GET', url, headers: { accept: 'application/json' } })
    if (response.status !== 200 || response.json === undefined) {
      return verdict(
        'warn',
        response,
        'no RFC 8414 metadata: metadata, PAR and introspection cases are skipped',
      )
    }
    context.metadata = response.json
    context.controls.metadata = true
    const tokenEndpoint = context.endpoint('token_endpoint')
    if (tokenEndpoint !== undefined) context.tokenEndpoint = tokenEndpoint
    if (response.json['issuer'] !== context.target.issuer) {
      return verdict(
        'fail',
        response,
        'the metadata issuer differs from the issuer identifier (RFC 8414 §3.3)',
      )
    }
    return verdict('pass', response)
  },
}

function tokenFailureHint(response: HttpResponse): string {
  if (response.received.error === 'invalid_dpop_proof') return REJECTED_VALID_PROOF
  if (isSuccess(response)) {
    return 'the server answered a DPoP token request with a non-DPoP token_type: configure the client for DPoP-bound tokens (RFC 9449 §5)'
  }
  return 'a valid client-credentials request with a valid proof was refused: check the client id, secret, auth method and grant'
}

const tokenControl: ConformanceCase = {
  id: 'control.token',
  clause: 'RFC 9449 §5',
  family: 'control',
  title: 'valid token request with a valid proof gets a DPoP token',
  needs: [],
  async run(context) {
    const response = await context.tokenRequest((builder) => builder.valid(), { notes: 'DPoP: valid proof' })
    context.nonceDemanded.token = context.lastChallenged
    const json = response.json
    const tokenType = typeof json?.['token_type'] === 'string' ? json['token_type'].toLowerCase() : undefined
    if (!isSuccess(response) || typeof json?.['access_token'] !== 'string' || tokenType !== 'dpop') {
      return verdict('fail', response, tokenFailureHint(response))
    }
    context.accessToken = json['access_token']
    context.controls.token = true
    return verdict('pass', response)
  },
}

function resourceControl(index: number, tokens: 'client' | 'user'): ConformanceCase {
  return {
    id: `control.resource.${index}`,
    clause: 'RFC 9449 §7.1',
    family: 'control',
    title: `valid request to resource #${index} with the ${tokens === 'user' ? "user's" : 'client'} DPoP token and a valid proof succeeds`,
    needs: tokens === 'user' ? [] : ['token'],
    async run(context: RunContext) {
      const resource = context.resourceAt(index)
      const { accessToken, key } = await context.credentialsAt(index)
      const response = await context.sendWithNonce(
        { htm: resource.method, htu: resource.url, accessToken },
        key,
        (builder) => builder.valid(),
        (proof) =>
          context.resourceHttpRequest(index, proof, { accessToken, notes: 'DPoP: valid proof with ath' }),
      )
      context.nonceDemanded.resources[index] = context.lastChallenged
      context.controls.resources[index] = isSuccess(response)
      if (isSuccess(response)) return verdict('pass', response)
      const hint =
        response.received.error === 'invalid_dpop_proof'
          ? REJECTED_VALID_PROOF
          : response.received.error === 'invalid_token'
            ? 'the resource refused the authorization server token: check its issuer, audience and JWKS configuration'
            : 'a valid DPoP request was refused'
      return verdict('fail', response, hint)
    },
  }
}

/** The positive controls: a server that rejects everything fails them and every case that needs them. */
export function controlCases(resources: readonly ConformanceResource[]): ConformanceCase[] {
  return [
    metadataControl,
    tokenControl,
    ...resources.map((resource, index) => resourceControl(index, resource.tokens ?? 'client')),
  ]
}
