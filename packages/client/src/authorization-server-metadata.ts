/** Authorization server metadata (RFC 8414 §2), with the members this client reads. */
export interface AuthorizationServerMetadata {
  /** The issuer identifier: an https URL that must equal the one discovered (RFC 8414 §3.3). */
  issuer: string
  /** URL of the authorization endpoint (RFC 6749 §3.1). */
  authorization_endpoint?: string
  /** URL of the token endpoint (RFC 6749 §3.2). */
  token_endpoint?: string
  /** URL of the pushed authorization request endpoint (RFC 9126 §5). */
  pushed_authorization_request_endpoint?: string
  /** URL of the revocation endpoint (RFC 7009 §2). */
  revocation_endpoint?: string
  /** URL of the OpenID Connect UserInfo endpoint. */
  userinfo_endpoint?: string
  /** URL of the server's JSON Web Key Set, with the keys that sign its tokens. */
  jwks_uri?: string
  /** Scopes the server supports. */
  scopes_supported?: string[]
  /** Grant types the server supports. @defaultValue `["authorization_code", "implicit"]` when absent (RFC 8414 §2) */
  grant_types_supported?: string[]
  /** Client authentication methods of the token endpoint: `client_secret_basic`, `private_key_jwt`, … */
  token_endpoint_auth_methods_supported?: string[]
  /** PKCE code challenge methods the server supports (RFC 7636 §4.3); this client uses `S256`. */
  code_challenge_methods_supported?: string[]

  /** RFC 9449 §5.1 */
  dpop_signing_alg_values_supported?: string[]
  /** RFC 9207 §3 */
  authorization_response_iss_parameter_supported?: boolean
  /** RFC 9126 §5 */
  require_pushed_authorization_requests?: boolean
  [member: string]: unknown
}
