export {
  ALLOWED_ORIGIN,
  AUTHORIZATION_SERVER_ISSUER,
  CLIENT_ID,
  type ConformanceFixtures,
  createConformanceFixtures,
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
export {
  type FrameworkErrorApp,
  type FrameworkErrorRoutes,
  runFrameworkErrorCases,
} from './run-framework-error-cases.js'
export { type ReceivedResponse, type SentRequest, sendRequest } from './send-request.js'
