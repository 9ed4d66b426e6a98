import {
  calculateAccessTokenHash,
  calculateJwkThumbprint,
  DEFAULT_ALGORITHMS,
  isDPoPError,
  isSupportedAlgorithm,
  SUPPORTED_ALGORITHMS,
  verifyProof,
} from '@dpop/core'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Command } from '../command.js'
import type { CommandIo } from '../command-io.js'
import { explainFailure } from '../explain-failure.js'
import { publicJwkOf } from '../key-file.js'
import { methodOption, secondsOption, urlOption } from '../option-values.js'
import { checkOfReason, PROOF_CHECKS, type ProofCheckName } from '../proof-checks.js'
import { UsageError } from '../usage-error.js'

export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'not_checked'

export interface CheckResult {
  name: ProofCheckName
  status: CheckStatus
  rule: string
  explanation?: string
}

const MARKS: Record<CheckStatus, string> = { passed: '✓', failed: '✗', skipped: '-', not_checked: '·' }

function decode<T>(decoder: () => T): T | undefined {
  try {
    return decoder()
  } catch {
    return undefined
  }
}

async function thumbprintOfHeader(header: Record<string, unknown> | undefined): Promise<string | undefined> {
  const jwk = header?.jwk
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined
  try {
    return await calculateJwkThumbprint(publicJwkOf(jwk as Record<string, unknown>))
  } catch {
    return undefined
  }
}

async function readStdin(stdin: CommandIo['stdin']): Promise<string> {
  if (stdin === undefined) throw new UsageError('PROOF "-" reads standard input, which is not available here')
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stdin)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}

function hasRequiredClaims(claims: Record<string, unknown> | undefined): boolean {
  return (
    typeof claims?.jti === 'string' &&
    typeof claims.htm === 'string' &&
    typeof claims.htu === 'string' &&
    typeof claims.iat === 'number'
  )
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a DPoP proof offline and explain each check of RFC 9449 §4.3',
  usage: 'dpop verify PROOF --htm METHOD --htu URL [--token AT] [--jkt T] [--max-age S]',
  description: [
    'Decodes PROOF, prints its header and claims, and runs the checks of RFC 9449 §4.3 as a server does,',
    'in the same order: each one is marked ✓ passed, ✗ failed (with why), - skipped (no --token / --jkt),',
    'or · not checked (after the first failure). Exits 0 for a valid proof, 1 for an invalid one.',
    'Offline: replay (a reused "jti") and server nonces are not checked; only the server can.',
  ].join('\n'),
  positionals: [
    { name: 'PROOF', description: 'the DPoP proof JWT (the DPoP header value), or - to read it from stdin' },
  ],
  options: {
    htm: { type: 'string', placeholder: 'METHOD', description: 'method of the request the proof came with' },
    htu: { type: 'string', placeholder: 'URL', description: 'URL of the request the proof came with' },
    token: {
      type: 'string',
      placeholder: 'AT',
      description: 'access token sent with the proof: checks "ath"',
    },
    jkt: { type: 'string', placeholder: 'T', description: "the token's cnf.jkt: checks the key binding" },
    algs: {
      type: 'string',
      placeholder: 'LIST',
      description: `accepted algorithms, comma-separated (default ${DEFAULT_ALGORITHMS.join(',')})`,
    },
    'max-age': {
      type: 'string',
      placeholder: 'S',
      description: 'how old "iat" may be, in seconds (default 300)',
    },
  },
  examples: [
    'dpop verify "$PROOF" --htm POST --htu https://as.example.com/oauth2/token',
    'dpop proof --key key.jwk --htm GET --htu https://api.example.com/ | dpop verify - --htm GET --htu https://api.example.com/',
  ],
  async run({ arguments: args, json, print, io }) {
    const argument = args.positionals[0]
    if (argument === undefined || argument === '') throw new UsageError('missing the PROOF argument')
    // A pasted header line works too: "DPoP: eyJ…".
    const proof = (argument === '-' ? await readStdin(io.stdin) : argument).trim().replace(/^dpop:\s*/i, '')
    const htm = methodOption(args.requireString('htm'))
    const htu = urlOption('htu', args.requireString('htu')).href
    const token = args.string('token')
    const expectedJkt = args.string('jkt')
    const maxAgeOption = args.string('max-age')
    const maxAge = maxAgeOption === undefined ? 300 : secondsOption('max-age', maxAgeOption)
    const algsOption = args.string('algs')
    const algorithms =
      algsOption === undefined ? DEFAULT_ALGORITHMS : algsOption.split(',').map((alg) => alg.trim())
    if (algorithms.length === 0 || !algorithms.every(isSupportedAlgorithm)) {
      throw new UsageError(`--algs takes a comma-separated list of: ${SUPPORTED_ALGORITHMS.join(', ')}`)
    }
    const nowMilliseconds = (io.now ?? Date.now)()

    const header = decode(() => decodeProtectedHeader(proof) as Record<string, unknown>)
    const claims = decode(() => decodeJwt(proof) as Record<string, unknown>)
    const jkt = await thumbprintOfHeader(header)

    let failure: { reason: string; message: string } | undefined
    try {
      await verifyProof(
        proof,
        { method: htm, url: htu, header: () => undefined },
        {
          replayStore: false,
          algorithms,
          maxAge,
          now: () => nowMilliseconds,
          ...(token === undefined ? {} : { accessToken: token }),
          ...(expectedJkt === undefined ? {} : { expectedThumbprint: expectedJkt }),
        },
      )
    } catch (error) {
      if (!isDPoPError(error)) throw error
      failure = { reason: error.reason, message: error.message }
    }

    const failedCheck = failure === undefined ? undefined : checkOfReason(failure.reason)
    const explanation =
      failure === undefined
        ? undefined
        : explainFailure(failure.reason, {
            header,
            claims,
            htm,
            htu,
            expectedAth: token === undefined ? undefined : await calculateAccessTokenHash(token),
            expectedJkt,
            jkt,
            maxAge,
            now: nowMilliseconds / 1000,
            algorithms,
          })
    // Core checks the type of "nonce" after "ath": a "claims" failure with well-typed required claims came
    // after htm, htu, iat and ath had passed.
    const lateClaimsFailure = failure?.reason === 'claims' && hasRequiredClaims(claims)
    let reached = failure === undefined || failedCheck !== undefined
    const checks: CheckResult[] = PROOF_CHECKS.map(({ name, rule }) => {
      if (name === failedCheck) {
        reached = lateClaimsFailure
        return { name, status: 'failed', rule, explanation: explanation as string }
      }
      if (lateClaimsFailure && name === 'signature') reached = false
      if (!reached) return { name, status: 'not_checked', rule }
      if (name === 'ath' && token === undefined)
        return { name, status: 'skipped', rule, explanation: 'no --token given' }
      if (name === 'jkt' && expectedJkt === undefined)
        return { name, status: 'skipped', rule, explanation: 'no --jkt given' }
      return { name, status: 'passed', rule }
    })

    const valid = failure === undefined
    if (json) {
      print(
        JSON.stringify({
          valid,
          header: header ?? null,
          claims: claims ?? null,
          jkt: jkt ?? null,
          checks,
          ...(failure === undefined
            ? {}
            : { error: { reason: failure.reason, message: failure.message, explanation } }),
        }),
      )
      return valid ? 0 : 1
    }
    print('Header:')
    print(header === undefined ? '  (not decodable)' : JSON.stringify(header, null, 2))
    print('Claims:')
    print(claims === undefined ? '  (not decodable)' : JSON.stringify(claims, null, 2))
    if (jkt !== undefined) print(`Key thumbprint (jkt): ${jkt}`)
    print('')
    print('Checks (RFC 9449 §4.3):')
    const width = Math.max(...checks.map((check) => check.name.length))
    for (const check of checks) {
      const label = `${MARKS[check.status]} ${check.name.padEnd(width)}  `
      if (check.status === 'not_checked') print(`${label}not checked`)
      else if (check.status === 'skipped') print(`${label}skipped: ${check.explanation}`)
      else print(`${label}${check.rule}`)
      if (check.status === 'failed') print(`${' '.repeat(label.length)}→ ${check.explanation}`)
    }
    if (failure !== undefined && failedCheck === undefined) print(`✗ ${explanation}`)
    print('Replay ("jti" reuse) and server nonces are not checked offline.')
    print('')
    print(valid ? 'Result: valid proof' : `Result: invalid proof (${failure?.reason})`)
    return valid ? 0 : 1
  },
}
