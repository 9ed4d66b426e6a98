/** What the single-page app learns from `/config.json`: the URLs of the system it runs in. */
export interface SpaConfig {
  issuer: string
  clientId: string
  redirectUri: string
  scope: string
  resources: ReadonlyArray<{ name: string; url: string }>
}
