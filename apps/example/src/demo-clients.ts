import { createHash } from 'node:crypto'
import type { ClientConfig, ClientRecord } from '@dpop/server'

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

/**
 * `demo-web` as a stored client record. Its documented secret, `demo-web-secret`, has 15 characters and
 * the server's static configuration requires at least 16, so it is stored as a registered client would be
 * (the secret's SHA-256, as `ClientRecord` documents).
 */
export function demoWebClientRecord({ issuer }: DemoClientUrls): ClientRecord {
  return {
    clientId: DEMO_WEB.clientId,
    clientSecretHash: createHash('sha256').update(DEMO_WEB.clientSecret).digest('base64url'),
    tokenEndpointAuthMethod: 'client_secret_post',
    clientName: 'Demo web application',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [`${issuer}/cb`, LOCAL_WEB_CALLBACK],
    tokenBinding: 'dpop',
    scope: `${API_SCOPE} profile`,
    allowedOrigins: [],
  }
}

/** The statically configured clients, with redirect URIs and origins on the ports actually in use. */
export function demoClients({ spaOrigin }: DemoClientUrls): ClientConfig[] {
  return [
    {
      ...DEMO_SERVICE,
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientName: 'Demo service (client credentials)',
      grantTypes: ['client_credentials'],
      tokenBinding: 'dpop',
      scope: API_SCOPE,
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
