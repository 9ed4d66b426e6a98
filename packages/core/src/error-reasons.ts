/** One entry of the reason catalogue: where the rule comes from and what failed, in words for operators. */
export interface DPoPErrorReasonEntry {
  /** The specification section the check rests on. */
  readonly reference: string
  /** What failed, in one sentence. */
  readonly meaning: string
}

// The catalogue itself; exported below under a Record type, so its reference lists the reasons once (as the
// union DPoPErrorReason) rather than as 125 undocumented object members.
const REASONS = {
  // RFC 9449 §4.3: checking a DPoP proof, in the order of its steps.
  missing: { reference: 'RFC 9449 §4.3 step 1', meaning: 'no DPoP proof was sent' },
  header_multiple: {
    reference: 'RFC 9449 §4.3 step 1, RFC 9110 §5.3',
    meaning: 'a header that must appear once (DPoP, Authorization, Host) came more than once',
  },
  too_large: {
    reference: 'RFC 9449 §4.3 step 2',
    meaning: 'the proof is longer than the verifier accepts',
  },
  malformed: {
    reference: 'RFC 9449 §4.3 step 2, RFC 7515 §7.1',
    meaning: 'the proof is not a compact JWS of canonical base64url segments with a JSON header and payload',
  },
  claims: {
    reference: 'RFC 9449 §4.3 step 3, §4.2',
    meaning: 'a required claim (htm, htu, iat) is missing or of the wrong type, or nonce is not a string',
  },
  jti: {
    reference: 'RFC 9449 §4.2, §11.1',
    meaning: 'jti is missing, empty, or longer than the verifier accepts',
  },
  jwk_missing: { reference: 'RFC 9449 §4.3 step 3, §4.2', meaning: 'the proof header carries no jwk' },
  typ: { reference: 'RFC 9449 §4.3 step 4', meaning: 'the proof header typ is not dpop+jwt' },
  alg: {
    reference: 'RFC 9449 §4.3 step 5, §5.1',
    meaning: 'alg is none, symmetric, unknown, or not accepted by this server or client',
  },
  crit: {
    reference: 'RFC 7515 §4.1.11',
    meaning: 'the proof header lists critical extensions the verifier does not understand',
  },
  jwk_symmetric: { reference: 'RFC 9449 §4.3 step 5', meaning: 'the proof key is a symmetric (oct) key' },
  jwk_mismatch: {
    reference: 'RFC 9449 §4.3 step 6, RFC 9864 §2',
    meaning: 'the proof key does not fit alg (key type, curve, use or alg member)',
  },
  jwk_weak: { reference: 'RFC 7518 §3.3', meaning: 'the proof key is an RSA key shorter than 2048 bits' },
  jwk_invalid: {
    reference: 'RFC 9449 §4.3 step 6, RFC 7518 §6',
    meaning: 'the proof key is malformed (wrong coordinate length, not a usable key)',
  },
  jwk_private: {
    reference: 'RFC 9449 §4.3 step 7',
    meaning: 'the proof header jwk contains private key members',
  },
  signature: {
    reference: 'RFC 9449 §4.3 step 6',
    meaning: 'the proof signature does not verify with its jwk',
  },
  htm: { reference: 'RFC 9449 §4.3 step 8', meaning: 'htm is not the method of the request' },
  htu: {
    reference: 'RFC 9449 §4.3 step 9',
    meaning: 'htu is not the URL of the request (compared without query and fragment, after normalization)',
  },
  nonce_missing: {
    reference: 'RFC 9449 §8, §9',
    meaning: 'the server requires a nonce and the proof has none',
  },
  nonce_stale: {
    reference: 'RFC 9449 §8.2',
    meaning: 'the proof carries a nonce of this server that has expired',
  },
  nonce_invalid: {
    reference: 'RFC 9449 §8, §9',
    meaning: 'the proof carries a nonce this server did not issue (another server’s, or forged)',
  },
  iat_too_old: {
    reference: 'RFC 9449 §4.3 step 11, §11.1',
    meaning: 'iat lies further in the past than the proof time frame',
  },
  iat_in_future: {
    reference: 'RFC 9449 §4.3 step 11',
    meaning: 'iat lies further in the future than the clock tolerance',
  },
  ath: {
    reference: 'RFC 9449 §4.3 step 12, §4.2',
    meaning: 'ath is missing or is not the hash of the access token presented',
  },
  jkt_mismatch: {
    reference: 'RFC 9449 §4.3 step 12, §6.1, §10',
    meaning: 'the proof key is not the key the token, code or dpop_jkt is bound to',
  },
  replay: { reference: 'RFC 9449 §11.1', meaning: 'this proof (its jti for this key) was already used' },
  replay_store_unavailable: {
    reference: 'RFC 9449 §11.1',
    meaning: 'the replay store could not be reached, so the proof is refused (fail closed)',
  },
  replay_store_full: {
    reference: 'RFC 9449 §11.1',
    meaning: 'the in-memory replay store holds as many live proofs as it may, so new ones are refused',
  },
  replay_store_reset: {
    reference: 'RFC 9449 §11.1',
    meaning:
      'the replay store lost what it remembered (restart, flush, failover) after this proof was issued, so the proof is refused (fail closed): send a new one',
  },

  // RFC 6750 and RFC 9449 §7: the resource server.
  missing_credentials: {
    reference: 'RFC 6750 §3.1, RFC 9449 §7.1',
    meaning: 'the request carries no access token (a challenge without an error code)',
  },
  authorization_malformed: {
    reference: 'RFC 9449 §7.1, RFC 6750 §2.1',
    meaning: 'the Authorization header is not one scheme followed by one token68 credential',
  },
  token_in_query: {
    reference: 'RFC 6750 §2.3, RFC 9449 §7',
    meaning: 'an access token was sent in the URI query (alone or beside the Authorization header)',
  },
  token_in_body: {
    reference: 'RFC 6750 §2.2, RFC 9449 §7',
    meaning: 'an access token was sent in a form body (alone or beside the Authorization header)',
  },
  bearer_not_allowed: {
    reference: 'RFC 9449 §7.2',
    meaning: 'the token came with the Bearer scheme where only DPoP is accepted',
  },
  token_bound: {
    reference: 'RFC 9449 §7.2',
    meaning: 'a DPoP-bound token (cnf.jkt) was sent as a Bearer token',
  },
  token_not_bound: {
    reference: 'RFC 9449 §7.1',
    meaning: 'a token without cnf.jkt was sent with the DPoP scheme',
  },
  token_invalid: { reference: 'RFC 6750 §3.1', meaning: 'the access token is not valid' },
  token_malformed: { reference: 'RFC 9068 §4', meaning: 'the access token is not a well-formed JWT' },
  token_signature: {
    reference: 'RFC 9068 §4',
    meaning: 'the access token signature does not verify with the issuer keys',
  },
  token_alg: { reference: 'RFC 9068 §4', meaning: 'the access token alg is not accepted' },
  token_type: { reference: 'RFC 9068 §2.1', meaning: 'the access token typ is not at+jwt' },
  token_claims: { reference: 'RFC 9068 §4', meaning: 'a registered claim of the access token is invalid' },
  token_expired: { reference: 'RFC 6750 §3.1, RFC 9068 §4', meaning: 'the access token has expired' },
  token_not_yet_valid: { reference: 'RFC 9068 §4', meaning: 'the access token nbf lies in the future' },
  token_issuer: { reference: 'RFC 9068 §4', meaning: 'the access token iss is not an accepted issuer' },
  token_audience: {
    reference: 'RFC 9068 §4',
    meaning: 'the access token aud does not name this resource',
  },
  token_inactive: {
    reference: 'RFC 7662 §2.2',
    meaning: 'introspection answered active: false (expired, revoked or unknown)',
  },
  cnf_invalid: { reference: 'RFC 7800 §3.1, RFC 9449 §6', meaning: 'the token cnf claim is malformed' },
  cnf_unsupported: {
    reference: 'RFC 7800 §3.1',
    meaning: 'the token is bound by a confirmation method other than jkt (mTLS, …) this guard cannot check',
  },
  scope: {
    reference: 'RFC 6750 §3.1, RFC 6749 §3.3',
    meaning: 'the token lacks a required scope, or a requested scope is not allowed',
  },
  jwks_unavailable: {
    reference: 'RFC 9068 §4',
    meaning: 'the issuer key set could not be fetched, so tokens cannot be verified',
  },
  introspection_unreachable: {
    reference: 'RFC 7662 §2.1',
    meaning: 'the introspection endpoint could not be reached',
  },
  introspection_failed: {
    reference: 'RFC 7662 §2.3',
    meaning: 'the introspection endpoint answered an error',
  },
  introspection_malformed: {
    reference: 'RFC 7662 §2.2',
    meaning: 'the introspection response is not a JSON object with a boolean active',
  },
  www_authenticate_malformed: {
    reference: 'RFC 9110 §11.6.1',
    meaning: 'a WWW-Authenticate header could not be parsed',
  },
  host_missing: {
    reference: 'RFC 9112 §3.2',
    meaning: 'the request has no Host header and no public URL is set',
  },
  host_multiple: {
    reference: 'RFC 9112 §3.2',
    meaning: 'the request has more than one Host header line and no public URL is set',
  },
  host_malformed: {
    reference: 'RFC 9112 §3.2, RFC 3986 §3.2.2',
    meaning: 'the Host header is not a valid host',
  },
  protocol_malformed: {
    reference: 'RFC 7239 §5.4',
    meaning: 'a trusted forwarded protocol is neither http nor https',
  },
  path_malformed: { reference: 'RFC 9112 §3.2', meaning: 'the request target is not an origin-form path' },

  // RFC 6749, 7636, 9126, 7009, 7662, 7591: the authorization server.
  content_type: {
    reference: 'RFC 6749 §3.2',
    meaning: 'the request body is not application/x-www-form-urlencoded',
  },
  body_malformed: { reference: 'RFC 6749 §3.2', meaning: 'the form body could not be parsed' },
  duplicate_parameter: {
    reference: 'RFC 6749 §3.1, §3.2',
    meaning: 'a request parameter was sent more than once',
  },
  parameter_too_large: {
    reference: 'RFC 6749 §3.2',
    meaning: 'a request parameter or body is larger than accepted',
  },
  grant_type_missing: { reference: 'RFC 6749 §4.1.3', meaning: 'the token request names no grant_type' },
  grant_type: { reference: 'RFC 6749 §5.2', meaning: 'the grant_type is not supported by this server' },
  grant_type_not_allowed: {
    reference: 'RFC 6749 §5.2',
    meaning: 'the client is not registered for this grant_type',
  },
  client_id_missing: { reference: 'RFC 6749 §2.3, §3.1', meaning: 'the request names no client' },
  client_unknown: { reference: 'RFC 6749 §5.2', meaning: 'no client has this client_id' },
  client_id_mismatch: {
    reference: 'RFC 6749 §2.3.1',
    meaning: 'the client_id parameter names another client than the one that authenticated',
  },
  client_mismatch: {
    reference: 'RFC 6749 §4.1.3, §6',
    meaning: 'the code, refresh token or request was issued to another client',
  },
  client_secret: { reference: 'RFC 6749 §2.3.1', meaning: 'the client secret is wrong' },
  auth_method: {
    reference: 'RFC 7591 §2',
    meaning: 'the client authenticated with a method it is not registered for',
  },
  authorization_scheme: {
    reference: 'RFC 6749 §2.3.1',
    meaning: 'client authentication used an Authorization scheme other than Basic',
  },
  basic_malformed: {
    reference: 'RFC 6749 §2.3.1, RFC 7617 §2',
    meaning: 'the Basic credentials are not well-formed (base64, form-encoded id and secret)',
  },
  multiple_client_authentication: {
    reference: 'RFC 6749 §2.3',
    meaning: 'the client used more than one authentication method in one request',
  },
  public_client: {
    reference: 'RFC 6749 §2.1',
    meaning: 'a public client tried a grant or endpoint that needs a confidential client',
  },
  code_missing: { reference: 'RFC 6749 §4.1.3', meaning: 'the token request carries no code' },
  code_invalid: { reference: 'RFC 6749 §4.1.3', meaning: 'the code is unknown or was already used' },
  code_expired: { reference: 'RFC 6749 §4.1.2', meaning: 'the code has expired' },
  code_verifier: {
    reference: 'RFC 7636 §4.6',
    meaning: 'code_verifier is missing or does not match the code_challenge',
  },
  pkce_missing: {
    reference: 'RFC 7636 §4.4.1, RFC 9700 §2.1.1',
    meaning: 'the authorization request has no code_challenge',
  },
  pkce_method: { reference: 'RFC 7636 §4.3', meaning: 'code_challenge_method is not S256' },
  pkce_malformed: { reference: 'RFC 7636 §4.2', meaning: 'code_challenge is not 43 base64url characters' },
  pkce: {
    reference: 'RFC 7636 §4.4.1',
    meaning: 'the PKCE parameters of the authorization request are invalid',
  },
  redirect_uri_missing: {
    reference: 'RFC 6749 §3.1.2.3',
    meaning: 'no redirect_uri was sent where one is required',
  },
  redirect_uri: {
    reference: 'RFC 6749 §3.1.2.3, §4.1.3',
    meaning: 'redirect_uri is not registered for the client, or differs from the authorization request',
  },
  response_type_missing: {
    reference: 'RFC 6749 §3.1.1',
    meaning: 'the authorization request has no response_type',
  },
  response_type: { reference: 'RFC 6749 §3.1.1', meaning: 'response_type is not code' },
  response_mode: {
    reference: 'OAuth 2.0 Multiple Response Type Encoding Practices §2.1',
    meaning: 'response_mode is not supported',
  },
  request_object: { reference: 'RFC 9101 §6.3', meaning: 'request objects are not supported' },
  request_uri: {
    reference: 'RFC 9126 §4',
    meaning: 'request_uri is unknown, expired, already used or issued to another client',
  },
  par_required: {
    reference: 'RFC 9126 §5, §6',
    meaning: 'the client must push its authorization request first (PAR)',
  },
  interaction: { reference: 'RFC 6749 §4.1.2.1', meaning: 'the login/consent step failed or was cancelled' },
  dpop_jkt: { reference: 'RFC 9449 §10', meaning: 'dpop_jkt is not a base64url SHA-256 thumbprint' },
  dpop_jkt_missing: {
    reference: 'RFC 9449 §10',
    meaning: 'the client must bind its code to a key (dpop_jkt or a DPoP proof at PAR)',
  },
  dpop_proof_missing: {
    reference: 'RFC 9449 §5, §7.1',
    meaning: 'this client or grant needs a DPoP proof and the request has none',
  },
  refresh_token_missing: {
    reference: 'RFC 6749 §6',
    meaning: 'the refresh request carries no refresh_token',
  },
  refresh_token_invalid: { reference: 'RFC 6749 §6', meaning: 'the refresh token is unknown' },
  refresh_token_expired: { reference: 'RFC 6749 §6', meaning: 'the refresh token has expired' },
  refresh_token_revoked: {
    reference: 'RFC 7009 §2, RFC 9700 §4.14',
    meaning: 'the refresh token or its grant was revoked',
  },
  refresh_token_reused: {
    reference: 'RFC 9700 §4.14.2, RFC 6749 §10.4',
    meaning: 'a rotated refresh token was used again: the whole grant is revoked',
  },
  token_missing: { reference: 'RFC 7009 §2.1, RFC 7662 §2.1', meaning: 'the request names no token' },
  token_client_mismatch: {
    reference: 'RFC 7009 §2.1',
    meaning: 'the token was issued to another client',
  },
  json: { reference: 'RFC 7591 §3.1', meaning: 'the registration request is not a JSON object' },
  client_name: { reference: 'RFC 7591 §2', meaning: 'client_name is not a string of acceptable length' },
  redirect_uris: { reference: 'RFC 7591 §2', meaning: 'redirect_uris is not an array of acceptable URIs' },
  grant_types: {
    reference: 'RFC 7591 §2.1',
    meaning: 'grant_types lists a grant this server does not offer',
  },
  response_types: { reference: 'RFC 7591 §2.1', meaning: 'response_types does not fit the grant types' },
  token_endpoint_auth_method: {
    reference: 'RFC 7591 §2',
    meaning: 'token_endpoint_auth_method is not supported',
  },
  jwks: { reference: 'RFC 7591 §2', meaning: 'jwks is not a usable key set' },
  jwks_uri: { reference: 'RFC 7591 §2', meaning: 'jwks_uri is not an https URL' },
  dpop_bound_access_tokens: {
    reference: 'RFC 9449 §5.2',
    meaning: 'dpop_bound_access_tokens is not a boolean',
  },
  storage_unavailable: {
    reference: 'RFC 6749 §5.2',
    meaning: 'the server storage could not be reached (temporarily_unavailable, fail closed)',
  },
  redis_unavailable: {
    reference: 'RFC 6749 §5.2',
    meaning: 'Redis could not be reached in time, so the request is refused (fail closed)',
  },
  internal: { reference: 'RFC 6749 §5.2', meaning: 'an unexpected error inside the server (server_error)' },

  // The client (@dpop/client).
  nonce_retry_exhausted: {
    reference: 'RFC 9449 §8, §9',
    meaning: 'the server asked for a new nonce again after the client retried once with a fresh one',
  },
  nonce_unreadable: {
    reference: 'RFC 9449 §8, §9',
    meaning: 'the server asked for a nonce but sent no DPoP-Nonce header the client can read (CORS expose)',
  },
  body_not_replayable: {
    reference: 'RFC 9449 §8',
    meaning: 'the request must be sent again with a new proof, but its streamed body cannot be replayed',
  },
  error_response: {
    reference: 'RFC 6749 §5.2, RFC 6750 §3',
    meaning: 'the server answered with an OAuth error: `error` holds its code',
  },
  invalid_response: {
    reference: 'RFC 6749 §5.1',
    meaning: 'the server response is not what the protocol defines (not JSON, a member missing or mistyped)',
  },
  invalid_metadata: {
    reference: 'RFC 8414 §3.2, §3.3',
    meaning: 'the authorization server metadata is unusable or lacks a needed endpoint',
  },
  issuer_mismatch: {
    reference: 'RFC 8414 §3.3, RFC 9207 §2.4',
    meaning: 'the metadata or authorization response names another issuer',
  },
  state_mismatch: { reference: 'RFC 6749 §10.12', meaning: 'the authorization response state differs' },
  unexpected_token_type: {
    reference: 'RFC 9449 §5',
    meaning: 'the server issued a Bearer token where a DPoP-bound token was requested',
  },
  unsupported_dpop_algorithm: {
    reference: 'RFC 9449 §5.1',
    meaning: 'the server lists no DPoP algorithm the client key can sign with',
  },
} as const satisfies Record<string, DPoPErrorReasonEntry>

/**
 * A machine reason of the catalogue {@link DPoP_ERROR_REASONS}.
 * @useDeclaredType
 */
export type DPoPErrorReason = keyof typeof REASONS

/**
 * Every machine reason the toolkit gives a failure (`DPoPError.reason`, `OAuthError.reason`), with the
 * section it rests on. The same reason names the same failure in the client, the authorization server and
 * the resource guards, in errors, events and metrics alike. `docs/error-reasons.md` in the repository lists
 * them as a table.
 */
export const DPoP_ERROR_REASONS: Readonly<Record<DPoPErrorReason, DPoPErrorReasonEntry>> = REASONS

/** True when `value` is a reason of the catalogue. */
export function isDPoPErrorReason(value: unknown): value is DPoPErrorReason {
  return typeof value === 'string' && Object.hasOwn(DPoP_ERROR_REASONS, value)
}
