import type { ResourceGuardOptions } from '../resource-guard/create-resource-guard.js'
import type { AllowedOrigins } from './resource-cors-headers.js'

/** The options every framework adapter's guard takes: the guard's, plus where requests come from. */
export interface ResourceAdapterOptions extends ResourceGuardOptions {
  /**
   * Origin and optional path prefix the clients address (RFC 9449 §4.3 step 9), such as
   * `https://api.example.com/v1`; it wins over the request's protocol and host.
   * @default the request's protocol and host, after the framework's own trust-proxy setting
   */
  publicUrl?: string
  /** Browser origins allowed through CORS (preflights and `DPoP-Nonce`/`WWW-Authenticate` exposed). @default no CORS */
  allowedOrigins?: AllowedOrigins
}
