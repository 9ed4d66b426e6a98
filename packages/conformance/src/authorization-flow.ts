import { calculateJwkThumbprint } from '@dpop/core'
import { base64url } from 'jose'
import type { HttpResponse } from './http-exchange.js'
import { randomId, type SigningKey } from './proof-builder.js'
import type { RunContext } from './run-context.js'
import type { ConformanceAuthorization } from './types.js'

export interface AuthorizationCode {
  code: string
  codeVerifier: string
}

async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = `${randomId()}${randomId()}`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: base64url.encode(new Uint8Array(digest)) }
}

function codeFrom(redirect: string, state: string): string {
  const url = new URL(redirect)
  const code = url.searchParams.get('code')
  if (code === null || url.searchParams.get('state') !== state) {
    throw new Error(
      `the authorization did not return a code (${url.searchParams.get('error') ?? 'no error'})`,
    )
  }
  return code
}

/** The front-channel parameters of an authorization request with PKCE (RFC 7636). */
async function requestParameters(authorization: ConformanceAuthorization) {
  const { verifier, challenge } = await pkce()
  const state = randomId()
  const parameters: Record<string, string> = {
    response_type: 'code',
    client_id: authorization.client.clientId,
    redirect_uri: authorization.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }
  if (authorization.scope !== undefined) parameters['scope'] = authorization.scope
  return { parameters, verifier, state }
}

/** Runs an authorization request with `dpop_jkt` of `key` (RFC 9449 §10) and returns its code. */
export async function authorizeWithJkt(
  context: RunContext,
  authorization: ConformanceAuthorization,
  key: SigningKey,
): Promise<AuthorizationCode> {
  const endpoint = context.endpoint('authorization_endpoint') as string
  const { parameters, verifier, state } = await requestParameters(authorization)
  parameters['dpop_jkt'] = await calculateJwkThumbprint(key.publicJwk)
  const url = `${endpoint}?${new URLSearchParams(parameters)}`
  return { code: codeFrom(await authorization.authorize(url), state), codeVerifier: verifier }
}

/** Pushes an authorization request (RFC 9126) with a DPoP proof of `key` (RFC 9449 §10.1). */
export async function pushAuthorizationRequest(
  context: RunContext,
  authorization: ConformanceAuthorization,
  key: SigningKey,
  build: (builder: import('./proof-builder.js').ProofBuilder) => Promise<string> = (b) => b.valid(),
): Promise<{ response: HttpResponse; state: string; verifier: string }> {
  const endpoint = context.endpoint('pushed_authorization_request_endpoint') as string
  const { parameters, verifier, state } = await requestParameters(authorization)
  const response = await context.sendWithNonce({ htm: 'POST', htu: endpoint }, key, build, (proof) => {
    const request = context.tokenHttpRequest(authorization.client, proof, {
      parameters,
      notes: 'pushed authorization request with a DPoP proof',
    })
    return { ...request, url: endpoint }
  })
  return { response, state, verifier }
}

/** Completes a pushed request through the authorization endpoint and returns the code. */
export async function authorizePushed(
  context: RunContext,
  authorization: ConformanceAuthorization,
  requestUri: string,
  state: string,
): Promise<string> {
  const endpoint = context.endpoint('authorization_endpoint') as string
  const url = `${endpoint}?${new URLSearchParams({ client_id: authorization.client.clientId, request_uri: requestUri })}`
  return codeFrom(await authorization.authorize(url), state)
}

/** Redeems a code at the token endpoint with a proof of `key`. */
export function redeemCode(
  context: RunContext,
  authorization: ConformanceAuthorization,
  code: AuthorizationCode,
  key: SigningKey,
  notes: string,
): Promise<HttpResponse> {
  const parameters = {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: authorization.redirectUri,
    code_verifier: code.codeVerifier,
  }
  return context.sendWithNonce(
    { htm: 'POST', htu: context.tokenEndpoint },
    key,
    (builder) => builder.valid(),
    (proof) => context.tokenHttpRequest(authorization.client, proof, { parameters, notes }),
  )
}
