import type { ResolvedConfig } from './config.js'

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none']

/** The RFC 8414 §2 metadata document, with RFC 9449 §5.1, RFC 9126 §5 and RFC 9207 §3 members. */
export function buildMetadata(config: ResolvedConfig): Record<string, unknown> {
  const { endpoints } = config
  const interactive = config.interaction !== undefined
  return {
    issuer: config.issuer,
    ...(interactive ? { authorization_endpoint: endpoints.authorization.url } : {}),
    token_endpoint: endpoints.token.url,
    jwks_uri: endpoints.jwks.url,
    ...(config.registrationEnabled ? { registration_endpoint: endpoints.registration.url } : {}),
    ...(config.scopesSupported === undefined ? {} : { scopes_supported: [...config.scopesSupported] }),
    response_types_supported: interactive ? ['code'] : [],
    ...(interactive ? { response_modes_supported: ['query'] } : {}),
    grant_types_supported: [...config.enabledGrantTypes],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint: endpoints.introspection.url,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS.filter((method) => method !== 'none'),
    revocation_endpoint: endpoints.revocation.url,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    code_challenge_methods_supported: ['S256'],
    ...(interactive
      ? {
          pushed_authorization_request_endpoint: endpoints.pushedAuthorizationRequest.url,
          require_pushed_authorization_requests: config.requirePushedAuthorizationRequests,
          authorization_response_iss_parameter_supported: true,
        }
      : {}),
    dpop_signing_alg_values_supported: [...config.dpop.algorithms],
  }
}
