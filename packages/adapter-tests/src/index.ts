export {
  ALLOWED_ORIGIN,
  AUTHORIZATION_SERVER_ISSUER,
  CLIENT_ID,
  RESOURCE,
} from './conformance-fixtures.js'
export { listenOnLoopback } from './listen-on-loopback.js'
export {
  type ConformanceAdapter,
  type ConformanceApp,
  type ConformanceAppOptions,
  type ConformanceLimits,
  runConformanceSuite,
} from './run-conformance-suite.js'
