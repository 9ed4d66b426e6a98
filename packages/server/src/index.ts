// The error model is core's; re-exported so a server needs one import.
export { DPoPError, type DPoPErrorCode, type DPoPHttpRequest, isDPoPError } from '@dpop/core'
export * from './authorization-server/index.js'
export * from './fetch/index.js'
export * from './resource-guard/index.js'
