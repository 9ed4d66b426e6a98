/**
 * A conformance kit for DPoP (RFC 9449) deployments: runs hostile proofs and tokens against your
 * authorization server and resources, and reports what each section of the specification expects.
 *
 * @packageDocumentation
 * @module @dpop/conformance
 */
export { type ConformanceCommandIo, conformanceCommand } from './cli-command.js'
export { formatJUnit } from './format-junit.js'
export { type FormatReportOptions, formatReport, type ReportFormat } from './format-report.js'
export { matchesCaseFilter, runConformance } from './run-conformance.js'
export type {
  ClientAuthenticationMethod,
  ConformanceAuthorization,
  ConformanceClient,
  ConformanceFamily,
  ConformanceOptions,
  ConformanceOutcome,
  ConformanceReport,
  ConformanceResource,
  ConformanceResult,
  ConformanceSummary,
  ConformanceTarget,
  FetchFunction,
  ReceivedSummary,
  SentSummary,
  UserTokens,
} from './types.js'
