import { generateKeyPair } from '@dpop/core'
import { controlCases } from './cases/control-cases.js'
import type { CaseVerdict, ConformanceCase } from './conformance-case.js'
import { conformanceCatalogue } from './conformance-catalogue.js'
import { signingKeyOf } from './proof-builder.js'
import { RunContext } from './run-context.js'
import type {
  ConformanceOptions,
  ConformanceReport,
  ConformanceResult,
  ConformanceSummary,
  ConformanceTarget,
} from './types.js'

/** Whether `id`/`family` is selected by a filter entry: a family name, an exact id or an id prefix. */
export function matchesCaseFilter(
  testCase: Pick<ConformanceCase, 'id' | 'family'>,
  filter: readonly string[],
): boolean {
  return filter.some(
    (entry) =>
      entry === testCase.family ||
      testCase.id === entry ||
      testCase.id.startsWith(entry.endsWith('.') || entry.endsWith(':') ? entry : `${entry}.`) ||
      testCase.id.startsWith(`${entry}:`),
  )
}

function assertTarget(target: ConformanceTarget): void {
  if (typeof target?.issuer !== 'string') throw new TypeError('runConformance: target.issuer is required')
  try {
    new URL(target.issuer)
  } catch {
    throw new TypeError('runConformance: target.issuer must be an absolute URL')
  }
  if (typeof target.client?.clientId !== 'string')
    throw new TypeError('runConformance: target.client.clientId is required')
  if (!Array.isArray(target.resources) || target.resources.length === 0) {
    throw new TypeError('runConformance: target.resources needs at least one { url }')
  }
  if (target.resources.some((resource) => resource.tokens === 'user') && target.userTokens === undefined) {
    throw new TypeError('runConformance: a resource with tokens "user" needs target.userTokens')
  }
}

function describeError(error: unknown, timeout: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeout} ms`
  }
  return `the case could not run: ${error instanceof Error ? error.message : String(error)}`
}

function summarize(results: readonly ConformanceResult[]): ConformanceSummary {
  const count = (outcome: ConformanceResult['outcome']) => results.filter((r) => r.outcome === outcome).length
  return { passed: count('pass'), failed: count('fail'), warned: count('warn'), skipped: count('skip') }
}

/**
 * Runs the conformance catalogue against a DPoP deployment (RFC 9449) over HTTP: positive controls first,
 * then hostile proofs and requests. A case whose control failed fails too, so a server that rejects
 * everything does not pass.
 */
export async function runConformance(
  target: ConformanceTarget,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  assertTarget(target)
  const timeout = options.timeout ?? 10_000
  const transport = { fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)), timeout }
  // Extractable: the private-jwk case sends the private part of the key the control token is bound to.
  const [main, other] = await Promise.all([
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('ES256'),
  ])
  const context = new RunContext(
    target,
    transport,
    await signingKeyOf(main, 'ES256'),
    await signingKeyOf(other, 'ES256'),
  )
  const filter = options.cases
  const selected = conformanceCatalogue(target.resources.length).filter(
    (c) => filter === undefined || matchesCaseFilter(c, filter),
  )
  const results: ConformanceResult[] = []

  const runOne = async (testCase: ConformanceCase) => {
    let outcome: CaseVerdict
    const controlFailed = testCase.needs.some((need) =>
      need === 'token' ? !context.controls.token : context.controls.resources[need] !== true,
    )
    if (controlFailed) {
      outcome = { outcome: 'fail', hint: 'positive control failed' }
    } else {
      try {
        outcome = await testCase.run(context)
      } catch (error) {
        outcome = { outcome: 'fail', hint: describeError(error, timeout) }
      }
    }
    const { id, family, title } = testCase
    const { clause = testCase.clause, ...rest } = outcome
    results.push({ id, clause, family, title, ...rest })
  }

  for (const control of controlCases(target.resources)) await runOne(control)
  for (const testCase of selected) await runOne(testCase)
  return { results, summary: summarize(results) }
}
