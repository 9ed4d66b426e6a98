/** How the client authenticates at the token, PAR and revocation endpoints (RFC 6749 §2.3, RFC 7591 §2). */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

export interface ClientCredentials {
  clientId: string
  clientSecret?: string
  method: ClientAuthenticationMethod
}

// RFC 6749 §2.3.1 and Appendix B: id and secret are form-urlencoded before they are joined and base64-encoded.
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/** Adds the client's credentials to a request's body or headers. */
export function authenticateClient(client: ClientCredentials, body: URLSearchParams, headers: Headers): void {
  switch (client.method) {
    case 'client_secret_basic': {
      const credentials = `${formEncode(client.clientId)}:${formEncode(client.clientSecret ?? '')}`
      headers.set('Authorization', `Basic ${btoa(credentials)}`)
      return
    }
    case 'client_secret_post':
      body.set('client_id', client.clientId)
      body.set('client_secret', client.clientSecret ?? '')
      return
    case 'none':
      body.set('client_id', client.clientId)
      return
  }
}
