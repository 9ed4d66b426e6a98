/**
 * An OAuth 2.0 authorization server that issues DPoP-bound tokens (RFC 9449), and a resource guard that
 * checks them, independent of any web framework.
 *
 * @packageDocumentation
 * @module @dpop/server
 */
// The error model is core's; re-exported so a server needs one import.
export { DPoPError, type DPoPErrorCode, type DPoPHttpRequest, isDPoPError } from '@dpop/core'
export * from './authorization-server/index.js'
export * from './fetch/index.js'
export * from './observability/index.js'
export * from './resource-guard/index.js'
