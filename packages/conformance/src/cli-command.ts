import { parseArgs } from 'node:util'
import { formatReport, type ReportFormat } from './format-report.js'
import { runConformance } from './run-conformance.js'
import type {
  ClientAuthenticationMethod,
  ConformanceOptions,
  ConformanceTarget,
  FetchFunction,
} from './types.js'

/** Where {@link conformanceCommand} writes, and the fetch it sends requests with. */
export interface ConformanceCommandIo {
  /** Writes the report. */
  stdout(text: string): void
  /** Writes usage errors. */
  stderr(text: string): void
  /** The fetch to send requests with. @default globalThis.fetch */
  fetch?: FetchFunction
}

const USAGE = `Usage: dpop conformance --issuer URL --client-id ID [--client-secret SECRET] --resource URL [--resource URL ...]
                        [--resource-method METHOD] [--auth-method client_secret_basic|client_secret_post|none]
                        [--scope SCOPE] [--origin ORIGIN] [--stale-nonce NONCE] [--cases ID,FAMILY,...]
                        [--timeout MS] [--format text|json|junit] [--json] [--fail-on fail|warn]

Runs hostile DPoP (RFC 9449) proofs against your authorization server and every resource; each verdict
(pass, fail, warn, skip) names the RFC section it rests on. --format junit writes JUnit XML for CI,
--json is --format json; --stale-nonce is a nonce the authorization server issued long ago.
Exit code: 0 when no case fails (or warns, with --fail-on warn), 1 when one does, 2 on a usage error.
`

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit']

const AUTH_METHODS: readonly ClientAuthenticationMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
]

function usageError(io: ConformanceCommandIo, message: string): number {
  io.stderr(`dpop conformance: ${message}\n\n${USAGE}`)
  return 2
}

/** The `dpop conformance` subcommand: `argv` are the arguments after `conformance`. */
export async function conformanceCommand(argv: string[], io: ConformanceCommandIo): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  function parse() {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        issuer: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'auth-method': { type: 'string' },
        resource: { type: 'string', multiple: true },
        'resource-method': { type: 'string' },
        scope: { type: 'string' },
        origin: { type: 'string' },
        cases: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        'stale-nonce': { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        'fail-on': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  }
  try {
    values = parse().values
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : 'invalid arguments')
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  if (values.issuer === undefined) return usageError(io, '--issuer is required')
  if (values['client-id'] === undefined) return usageError(io, '--client-id is required')
  if (values.resource === undefined || values.resource.length === 0)
    return usageError(io, '--resource is required')
  for (const url of [values.issuer, ...values.resource]) {
    if (!URL.canParse(url)) return usageError(io, 'issuer and resources must be absolute URLs')
  }
  const authMethod = values['auth-method']
  if (authMethod !== undefined && !AUTH_METHODS.includes(authMethod as ClientAuthenticationMethod)) {
    return usageError(io, `--auth-method must be one of ${AUTH_METHODS.join(', ')}`)
  }
  const format = (values.format ?? (values.json ? 'json' : 'text')) as ReportFormat
  if (!FORMATS.includes(format)) return usageError(io, `--format must be one of ${FORMATS.join(', ')}`)
  if (values.json && values.format !== undefined && values.format !== 'json') {
    return usageError(io, '--json and --format disagree')
  }
  const failOn = values['fail-on'] ?? 'fail'
  if (failOn !== 'fail' && failOn !== 'warn') return usageError(io, '--fail-on must be fail or warn')
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    return usageError(io, '--timeout must be a positive number of milliseconds')
  }

  const method = values['resource-method']
  const target: ConformanceTarget = {
    issuer: values.issuer,
    client: {
      clientId: values['client-id'],
      ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
      ...(authMethod === undefined ? {} : { authMethod: authMethod as ClientAuthenticationMethod }),
    },
    resources: values.resource.map((url) => (method === undefined ? { url } : { url, method })),
    ...(values.scope === undefined ? {} : { scope: values.scope }),
    ...(values.origin === undefined ? {} : { origin: values.origin }),
    ...(values['stale-nonce'] === undefined ? {} : { staleNonce: values['stale-nonce'] }),
  }
  const options: ConformanceOptions = {}
  if (values.cases !== undefined) {
    options.cases = values.cases
      .flatMap((list) => list.split(','))
      .map((entry) => entry.trim())
      .filter(Boolean)
  }
  if (timeout !== undefined) options.timeout = timeout
  if (io.fetch !== undefined) options.fetch = io.fetch

  const report = await runConformance(target, options)
  io.stdout(formatReport(report, { format }))
  const { failed, warned } = report.summary
  return failed > 0 || (failOn === 'warn' && warned > 0) ? 1 : 0
}
