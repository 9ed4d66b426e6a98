/** What the single-page app learns from `/config.json`: the URLs of the system it runs in. */
export interface SpaConfig {
  issuer: string
  clientId: string
  redirectUri: string
  scope: string
  /** Seconds before expiry at which the token manager renews the access token. */
  refreshSkew: number
  resources: ReadonlyArray<{ name: string; url: string }>
}
