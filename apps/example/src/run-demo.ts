import {
  createDPoPFetch,
  createDPoPHandle,
  createOAuthClient,
  type FetchFunction,
  type TokenSet,
} from '@dpop/client'
import { parseWWWAuthenticate } from '@dpop/core'
import { decodeJwt } from 'jose'
import { API_SCOPE, DEMO_SERVICE } from './demo-clients.js'
import { formatExchange, shortJson } from './format-exchange.js'
import { createTracingFetch, type TracedExchange } from './tracing-fetch.js'

export interface RunDemoOptions {
  /** The authorization server's issuer. */
  issuer: string
  /** The protected resources (`/api/me` of each server), by name. */
  resources: ReadonlyArray<{ name: string; url: string }>
  /** Where each finished step is printed, line by line. @default nothing is printed */
  print?: (text: string) => void
  /** @default globalThis.fetch */
  fetch?: FetchFunction
}

export interface DemoStep {
  title: string
  /** What should happen, in a few words. */
  expected: string
  ok: boolean
  /** What happened instead, when not ok. */
  problem?: string
  exchanges: TracedExchange[]
}

/** The `error` parameter of the response's DPoP (or Bearer) challenge. */
function challengeError(exchange: TracedExchange | undefined): string | undefined {
  const header = exchange?.responseHeaders.get('www-authenticate')
  if (header === null || header === undefined) return undefined
  try {
    return parseWWWAuthenticate(header).find((challenge) => challenge.params['error'] !== undefined)?.params[
      'error'
    ]
  } catch {
    return 'unparsable WWW-Authenticate'
  }
}

/** undefined when the exchange answered `status` (and one of `errors` in its challenge or body), else what differs. */
function expectAnswer(
  exchange: TracedExchange | undefined,
  status: number,
  ...errors: string[]
): string | undefined {
  if (exchange === undefined) return 'no request was sent'
  const bodyError = (exchange.body as { error?: unknown } | null)?.error
  const actualError = challengeError(exchange) ?? (typeof bodyError === 'string' ? bodyError : undefined)
  if (exchange.status !== status) return `answered ${exchange.status} ${actualError ?? ''}`.trim()
  if (errors.length > 0 && (actualError === undefined || !errors.includes(actualError))) {
    return `answered ${status} with error ${String(actualError)}`
  }
  return undefined
}

/** One line for each term of a proof or token, printed under the step where it first appears. */
const TERMS: ReadonlyArray<[term: string, appears: (exchange: TracedExchange) => boolean, meaning: string]> =
  [
    ['htm', (exchange) => proofClaims(exchange) !== undefined, 'the HTTP method the proof was made for'],
    [
      'htu',
      (exchange) => proofClaims(exchange) !== undefined,
      'the URL (without query) the proof was made for',
    ],
    [
      'iat',
      (exchange) => proofClaims(exchange) !== undefined,
      'when the proof was made; servers accept it for a short time only',
    ],
    [
      'jti',
      (exchange) => proofClaims(exchange) !== undefined,
      'a unique id: a server remembers it and refuses the same proof twice',
    ],
    [
      'cnf.jkt',
      (exchange) =>
        JSON.stringify(exchange.body ?? '').includes('"jkt"') ||
        JSON.stringify(exchange.body ?? '').includes('access_token'),
      "the thumbprint of the client's key, written into the token: only that key's proofs go with it",
    ],
    [
      'ath',
      (exchange) => proofClaims(exchange)?.['ath'] !== undefined,
      'the hash of the access token, binding the proof to that one token',
    ],
    [
      'nonce',
      (exchange) => exchange.responseHeaders.get('dpop-nonce') !== null,
      'a value the server hands out (DPoP-Nonce) for the next proofs to carry, proving they are fresh',
    ],
  ]

function proofClaims(exchange: TracedExchange): Record<string, unknown> | undefined {
  const proof = exchange.requestHeaders.get('dpop')
  if (proof === null) return undefined
  try {
    return decodeJwt(proof)
  } catch {
    return undefined
  }
}

export function formatStep(index: number, step: DemoStep, explained: Set<string> = new Set()): string {
  const mark = step.ok ? '✔' : '✘'
  const lines = [`${mark} ${index}. ${step.title}`, `  expected: ${step.expected}`]
  for (const exchange of step.exchanges) lines.push(...formatExchange(exchange))
  for (const [term, appears, meaning] of TERMS) {
    if (explained.has(term) || !step.exchanges.some(appears)) continue
    explained.add(term)
    lines.push(`  ℹ ${term}: ${meaning}`)
  }
  if (!step.ok) lines.push(`  ✘ ${step.problem ?? 'failed'}`)
  return `${lines.join('\n')}\n`
}

/**
 * The scripted walk-through: a DPoP-bound token by client credentials (@dpop/client), the three resource
 * servers accepting it, and the attacks DPoP stops: a replayed proof, a stolen token used with another
 * key, a bound token sent as Bearer. Every step says whether the system behaved as RFC 9449 requires.
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoStep[]> {
  const exchanges: TracedExchange[] = []
  const tracingFetch = createTracingFetch((exchange) => exchanges.push(exchange), options.fetch)
  const steps: DemoStep[] = []
  const explained = new Set<string>()
  const step = async (title: string, expected: string, run: () => Promise<string | undefined>) => {
    exchanges.length = 0
    let problem: string | undefined
    try {
      problem = await run()
    } catch (error) {
      problem = `failed: ${error instanceof Error ? error.message : String(error)}`
    }
    const result: DemoStep = {
      title,
      expected,
      ok: problem === undefined,
      ...(problem === undefined ? {} : { problem }),
      exchanges: [...exchanges],
    }
    steps.push(result)
    options.print?.(formatStep(steps.length, result, explained))
  }

  const handle = await createDPoPHandle()
  const client = createOAuthClient(handle, {
    issuer: options.issuer,
    ...DEMO_SERVICE,
    clientAuthentication: 'client_secret_basic',
    fetch: tracingFetch,
  })
  const dpopFetch = createDPoPFetch(handle, { fetch: tracingFetch })
  let tokens: TokenSet | undefined

  await step(
    `Client credentials with DPoP as ${DEMO_SERVICE.clientId} (key ${handle.thumbprint})`,
    '200, token_type DPoP, token cnf.jkt = our key thumbprint',
    async () => {
      tokens = await client.clientCredentials({ scope: API_SCOPE })
      const jkt = (decodeJwt(tokens.accessToken)['cnf'] as { jkt?: string } | undefined)?.jkt
      if (tokens.tokenType !== 'DPoP') return `token_type is ${tokens.tokenType}`
      return jkt === handle.thumbprint ? undefined : `cnf.jkt is ${String(jkt)}`
    },
  )
  const accessToken = tokens?.accessToken
  if (accessToken === undefined) return steps

  for (const resource of options.resources) {
    await step(`GET ${resource.name} with the token and a fresh proof`, '200 with our jkt', async () => {
      const response = await dpopFetch(resource.url, { headers: { Authorization: `DPoP ${accessToken}` } })
      const problem = expectAnswer(exchanges.at(-1), 200)
      if (problem !== undefined) return problem
      const body = (await response.json()) as { jkt?: string }
      return body.jkt === handle.thumbprint ? undefined : `jkt is ${shortJson(body.jkt)}`
    })
  }

  const [first, second, third] = options.resources
  if (first !== undefined) {
    await step(
      `Replay: the same proof sent twice to ${first.name}`,
      'first 200, then 401 invalid_dpop_proof (jti already used)',
      async () => {
        const proof = await handle.createProof({ method: 'GET', url: first.url, accessToken })
        const headers = { Authorization: `DPoP ${accessToken}`, DPoP: proof }
        await tracingFetch(first.url, { headers })
        await tracingFetch(first.url, { headers })
        return expectAnswer(exchanges[0], 200) ?? expectAnswer(exchanges[1], 401, 'invalid_dpop_proof')
      },
    )
  }
  const stolenTarget = second ?? first
  if (stolenTarget !== undefined) {
    await step(
      `Stolen token: an attacker's own key signs the proof, at ${stolenTarget.name}`,
      '401 invalid_token or invalid_dpop_proof (the proof key is not the one in cnf.jkt)',
      async () => {
        const attacker = await createDPoPHandle()
        const attackerFetch = createDPoPFetch(attacker, { fetch: tracingFetch })
        await attackerFetch(stolenTarget.url, { headers: { Authorization: `DPoP ${accessToken}` } })
        return expectAnswer(exchanges.at(-1), 401, 'invalid_token', 'invalid_dpop_proof')
      },
    )
  }
  const bearerTarget = third ?? first
  if (bearerTarget !== undefined) {
    await step(
      `The bound token sent as Bearer (no proof) to ${bearerTarget.name}`,
      '401 invalid_token (a DPoP-bound token is not a bearer token)',
      async () => {
        await tracingFetch(bearerTarget.url, { headers: { Authorization: `Bearer ${accessToken}` } })
        return expectAnswer(exchanges.at(-1), 401, 'invalid_token')
      },
    )
  }

  await step(
    `Token request by ${DEMO_SERVICE.clientId} without a DPoP proof`,
    '400 invalid_dpop_proof (this client’s tokens must be DPoP-bound)',
    async () => {
      const tokenEndpoint = (await client.metadata()).token_endpoint ?? `${options.issuer}/token`
      const basic = btoa(`${DEMO_SERVICE.clientId}:${DEMO_SERVICE.clientSecret}`)
      await tracingFetch(tokenEndpoint, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: API_SCOPE }).toString(),
      })
      return expectAnswer(exchanges.at(-1), 400, 'invalid_dpop_proof')
    },
  )

  await step(
    `Introspection of the token by ${DEMO_SERVICE.clientId}`,
    '200, active, token_type DPoP, cnf.jkt = our key thumbprint',
    async () => {
      const endpoint = (await client.metadata()).introspection_endpoint
      if (typeof endpoint !== 'string') return 'the server advertises no introspection_endpoint'
      const basic = btoa(`${DEMO_SERVICE.clientId}:${DEMO_SERVICE.clientSecret}`)
      await tracingFetch(endpoint, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: accessToken }).toString(),
      })
      const exchange = exchanges.at(-1)
      const body = exchange?.body as
        | { active?: boolean; token_type?: string; cnf?: { jkt?: string } }
        | undefined
      const problem = expectAnswer(exchange, 200)
      if (problem !== undefined) return problem
      if (body?.active !== true || body.token_type !== 'DPoP' || body.cnf?.jkt !== handle.thumbprint) {
        return `answered ${shortJson(body)}`
      }
      return undefined
    },
  )
  return steps
}
