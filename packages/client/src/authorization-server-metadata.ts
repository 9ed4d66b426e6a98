/** Authorization server metadata (RFC 8414 §2), with the members this client reads. */
export interface AuthorizationServerMetadata {
  issuer: string
  authorization_endpoint?: string
  token_endpoint?: string
  pushed_authorization_request_endpoint?: string
  revocation_endpoint?: string
  userinfo_endpoint?: string
  jwks_uri?: string
  scopes_supported?: string[]
  grant_types_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  code_challenge_methods_supported?: string[]
  /** RFC 9449 §5.1 */
  dpop_signing_alg_values_supported?: string[]
  /** RFC 9207 §3 */
  authorization_response_iss_parameter_supported?: boolean
  /** RFC 9126 §5 */
  require_pushed_authorization_requests?: boolean
  [member: string]: unknown
}
