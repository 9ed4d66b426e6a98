import { DPoPError, type DPoPErrorReason } from '@dpop/core'
import { authorizeErrorResponse } from './authorize-error-response.js'
import { readFormBody, toParameters } from './form-body.js'
import { randomToken, sha256 } from './hash.js'
import { methodNotAllowed } from './responses.js'
import { resolveScope } from './scope.js'
import type { ServerContext } from './server-context.js'
import type { AuthorizationRequestRecord, ClientRecord } from './storage.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse, InteractionHook } from './types.js'
import {
  authorizationClient,
  RedirectableError,
  validateAuthorizationRequest,
} from './validate-authorization-request.js'

/** `request_uri` values handed out by PAR (RFC 9126 §2.2). */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'

/** The query parameter of the URL that resumes a pending authorization. */
export const INTERACTION_PARAMETER = 'interaction'

const invalidRequest = (reason: DPoPErrorReason, description: string) =>
  new DPoPError('invalid_request', reason, { description })

/** A redirect to the client with the response parameters and `iss` (RFC 9207). */
function redirectTo(
  context: ServerContext,
  request: AuthorizationServerRequest,
  redirectUri: string,
  parameters: Record<string, string | undefined>,
): AuthorizationServerResponse {
  const location = new URL(redirectUri)
  for (const [name, value] of Object.entries({ ...parameters, iss: context.config.issuer })) {
    if (value !== undefined) location.searchParams.append(name, value)
  }
  // 303 turns a POST (login form) into a GET of the redirect URI.
  const status = request.method === 'POST' ? 303 : 302
  return { status, headers: { Location: location.href, 'Cache-Control': 'no-store' }, body: '' }
}

function redirectError(
  context: ServerContext,
  request: AuthorizationServerRequest,
  error: RedirectableError,
) {
  return redirectTo(context, request, error.redirectUri, {
    ...error.error.toJSON(),
    state: error.state,
  })
}

function resumeUrl(context: ServerContext, interactionId: string): string {
  const url = new URL(context.config.endpoints.authorization.url)
  url.searchParams.set(INTERACTION_PARAMETER, interactionId)
  return url.href
}

/** The authorization request behind a `request_uri` (RFC 9126 §4): single use, same client. */
async function pushedRequest(context: ServerContext, client: ClientRecord, requestUri: string) {
  if (!requestUri.startsWith(REQUEST_URI_PREFIX))
    throw invalidRequest('request_uri', 'request_uri is invalid or expired')
  const record = await context.storage.consumePushedRequest(requestUri.slice(REQUEST_URI_PREFIX.length))
  if (
    record === undefined ||
    record.expiresAt <= context.config.now() ||
    record.request.clientId !== client.clientId
  ) {
    throw invalidRequest('request_uri', 'request_uri is invalid or expired')
  }
  return record.request
}

async function interact(
  context: ServerContext,
  hook: InteractionHook,
  request: AuthorizationServerRequest,
  client: ClientRecord,
  interactionId: string,
  authorization: AuthorizationRequestRecord,
  firstVisit: boolean,
): Promise<AuthorizationServerResponse> {
  const result = await hook({
    interactionId,
    authorization,
    client: {
      clientId: client.clientId,
      ...(client.clientName === undefined ? {} : { clientName: client.clientName }),
    },
    request,
    form: request.method === 'POST' && !firstVisit ? readFormBody(request.body) : new URLSearchParams(),
    firstVisit,
    resumeUrl: resumeUrl(context, interactionId),
  })
  if (typeof result === 'object' && result !== null && 'response' in result) return result.response
  const isSubject = typeof result === 'object' && result !== null && 'subject' in result
  const isDenial =
    typeof result === 'object' && result !== null && 'error' in result && result.error === 'access_denied'
  if (!isSubject && !isDenial)
    throw new TypeError('interaction must return { subject }, { response } or { error }')
  let scope = authorization.scope
  if (isSubject) {
    if (typeof result.subject !== 'string' || result.subject === '')
      throw new TypeError('interaction: subject must be a non-empty string')
    if (result.scope !== undefined) {
      // The host may narrow the scope (consent), never widen it.
      try {
        scope = resolveScope(result.scope, authorization.scope, authorization.scope)
      } catch (cause) {
        throw new TypeError('interaction: scope must be a subset of the requested scope', { cause })
      }
    }
  }
  // One completion per pending authorization, even if the form is submitted twice.
  const completed = await context.storage.consumeInteraction(interactionId)
  if (completed === undefined)
    throw invalidRequest('interaction', 'this authorization was already completed or expired')
  if (!isSubject) {
    return redirectTo(context, request, authorization.redirectUri, {
      error: 'access_denied',
      state: authorization.state,
    })
  }
  const code = randomToken()
  const now = context.config.now()
  await context.storage.saveCode(await sha256(code), {
    request: authorization,
    subject: result.subject,
    scope,
    authTime: Math.floor(now / 1000),
    expiresAt: now + context.config.codeLifetime * 1000,
  })
  return redirectTo(context, request, authorization.redirectUri, { code, state: authorization.state })
}

/**
 * The authorization endpoint (RFC 6749 §4.1.1, §4.1.2): validates the request (or takes the pushed one),
 * keeps it under an opaque id and hands it to the host's `interaction` hook; the browser comes back with
 * `?interaction=<id>` until the hook returns a subject or a refusal.
 */
export async function handleAuthorize(
  context: ServerContext,
  request: AuthorizationServerRequest,
): Promise<AuthorizationServerResponse> {
  if (request.method !== 'GET' && request.method !== 'POST') return methodNotAllowed('GET, POST')
  const hook = context.config.interaction
  if (hook === undefined) throw new Error('authorization endpoint without interaction hook')
  try {
    const url = new URL(request.url)
    const interactionId = url.searchParams.get(INTERACTION_PARAMETER)
    if (interactionId !== null) {
      const pending = await context.storage.getInteraction(interactionId)
      if (pending === undefined || pending.expiresAt <= context.config.now()) {
        throw invalidRequest('interaction', 'this authorization was already completed or expired')
      }
      const client = await context.getClient(pending.request.clientId)
      if (client === undefined)
        throw new DPoPError('invalid_client', 'client_unknown', { description: 'unknown client' })
      return await interact(context, hook, request, client, interactionId, pending.request, false)
    }

    const parameters = toParameters(request.method === 'GET' ? url.searchParams : readFormBody(request.body))
    let authorization: AuthorizationRequestRecord
    let client: ClientRecord
    const requestUri = parameters.get('request_uri')
    if (requestUri !== undefined) {
      client = await authorizationClient(context, parameters)
      authorization = await pushedRequest(context, client, requestUri)
    } else {
      client = await authorizationClient(context, parameters)
      authorization = await validateAuthorizationRequest(context, parameters, client)
      if (context.config.requirePushedAuthorizationRequests || client.requirePushedAuthorizationRequests) {
        throw new RedirectableError(
          invalidRequest('par_required', 'pushed authorization requests are required'),
          authorization.redirectUri,
          authorization.state,
        )
      }
    }
    const id = randomToken()
    await context.storage.saveInteraction(id, {
      request: authorization,
      expiresAt: context.config.now() + context.config.interactionLifetime * 1000,
    })
    return await interact(context, hook, request, client, id, authorization, true)
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(context, request, error)
    return authorizeErrorResponse(error, request)
  }
}
