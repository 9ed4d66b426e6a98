import type { ClientConfig } from '@dpop/server'

/** The credentials of the pre-registered clients, as documented in the README. */
export const DEMO_SERVICE = { clientId: 'demo-service', clientSecret: 'demo-service-secret' } as const
export const DEMO_WEB = { clientId: 'demo-web', clientSecret: 'demo-web-secret' } as const
export const DEMO_SPA = { clientId: 'demo-spa' } as const

/** The scope each resource server requires. */
export const API_SCOPE = 'api:read'

/** Redirect URIs on 127.0.0.1:8787, for trying the flows with your own local client. */
export const LOCAL_WEB_CALLBACK = 'http://127.0.0.1:8787/callback'
export const LOCAL_SPA_CALLBACK = 'http://127.0.0.1:8787/spa-callback'

export interface DemoClientUrls {
  /** The authorization server's issuer (`http://localhost:4000`). */
  issuer: string
  /** The single-page app's origin (`http://localhost:4004`). */
  spaOrigin: string
}

/** The statically configured clients, with redirect URIs and origins on the ports actually in use. */
export function demoClients({ issuer, spaOrigin }: DemoClientUrls): ClientConfig[] {
  return [
    {
      // Confidential clients authenticate with client_secret_basic or client_secret_post (the default).
      ...DEMO_SERVICE,
      clientName: 'Demo service (client credentials)',
      grantTypes: ['client_credentials'],
      tokenBinding: 'dpop',
      scope: API_SCOPE,
    },
    {
      ...DEMO_WEB,
      clientName: 'Demo web application',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [`${issuer}/cb`, LOCAL_WEB_CALLBACK],
      // DPoP-bound whenever a proof is sent (RFC 9449 §5); the resource servers accept only DPoP.
      tokenBinding: 'allowed',
      scope: `${API_SCOPE} profile`,
    },
    {
      ...DEMO_SPA,
      clientName: 'Demo single-page app',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [`${spaOrigin}/callback`, LOCAL_SPA_CALLBACK],
      allowedOrigins: [spaOrigin],
      tokenBinding: 'dpop',
      scope: `${API_SCOPE} profile`,
      // The browser app meets the nonce dance of RFC 9449 §8 at the token endpoint; its fetch answers it.
      nonce: 'always',
    },
  ]
}
