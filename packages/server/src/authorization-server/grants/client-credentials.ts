import { issueTokens, type TokenResponseBody } from '../issue-tokens.js'
import { resolveScope } from '../scope.js'
import type { ServerContext } from '../server-context.js'
import { accessTokenJkt, type GrantRequest } from './grant-context.js'

/** RFC 6749 §4.4: the client acts for itself (`sub` is its id); no refresh token (§4.4.3). */
export async function clientCredentialsGrant(
  context: ServerContext,
  request: GrantRequest,
): Promise<TokenResponseBody> {
  const { client } = request
  // Like the authorization endpoint: a client without its own scope list is held to scopesSupported.
  const allowed = client.scope ?? context.config.scopesSupported?.join(' ')
  const scope = resolveScope(request.parameters.get('scope'), allowed, client.scope ?? '')
  return issueTokens(context, { client, subject: client.clientId, scope, ...accessTokenJkt(request) })
}
