import { parseArgs } from 'node:util'
import { formatReport } from './format-report.js'
import { runConformance } from './run-conformance.js'
import type {
  ClientAuthenticationMethod,
  ConformanceOptions,
  ConformanceTarget,
  FetchFunction,
} from './types.js'

export interface ConformanceCommandIo {
  stdout(text: string): void
  stderr(text: string): void
  /** @default globalThis.fetch */
  fetch?: FetchFunction
}

const USAGE = `Usage: dpop conformance --issuer URL --client-id ID [--client-secret SECRET] --resource URL [--resource URL ...]
                        [--resource-method METHOD] [--auth-method client_secret_basic|client_secret_post|none]
                        [--scope SCOPE] [--origin ORIGIN] [--cases ID,FAMILY,...] [--timeout MS] [--json]

Runs hostile DPoP (RFC 9449) proofs against your authorization server and the first resource.
Exit code: 0 when no case fails, 1 when one fails, 2 on a usage error.
`

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
        json: { type: 'boolean' },
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
  io.stdout(formatReport(report, { json: values.json ?? false }))
  return report.summary.failed > 0 ? 1 : 0
}
