import type { HttpResponse } from './http-exchange.js'
import { authenticateClient, type RunContext } from './run-context.js'

/**
 * Introspects `token` (RFC 7662) as `target.client`; a string says why it cannot be: no endpoint, a public
 * client, or a client the server does not let introspect.
 */
export async function introspect(
  context: RunContext,
  token: string,
  notes: string,
): Promise<HttpResponse | string> {
  const endpoint = context.endpoint('introspection_endpoint')
  if (endpoint === undefined) return 'the metadata has no introspection_endpoint'
  const client = context.target.client
  if (client.clientSecret === undefined) return 'introspection needs a confidential client'
  const body = new URLSearchParams({ token })
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  authenticateClient(client, body, headers)
  const response = await context.send({
    method: 'POST',
    url: endpoint,
    headers,
    body: body.toString(),
    notes,
  })
  if (response.status === 401 || response.status === 403)
    return 'the client is not allowed to introspect tokens'
  return response
}
