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
