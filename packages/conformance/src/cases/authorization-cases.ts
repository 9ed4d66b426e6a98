import {
  authorizePushed,
  authorizeWithJkt,
  pushAuthorizationRequest,
  redeemCode,
} from '../authorization-flow.js'
import { type ConformanceCase, expectTokenRejection, isSuccess, skip, verdict } from '../conformance-case.js'
import type { RunContext } from '../run-context.js'
import type { ConformanceAuthorization } from '../types.js'

function needsAuthorization(context: RunContext, endpoint: string): ConformanceAuthorization | string {
  if (context.target.authorization === undefined) {
    return 'give target.authorization (client, redirectUri, authorize hook) to run authorization-code cases'
  }
  if (context.endpoint('authorization_endpoint') === undefined)
    return 'the metadata has no authorization_endpoint'
  if (context.endpoint(endpoint) === undefined) return `the metadata has no ${endpoint}`
  return context.target.authorization
}

const codeRejection = ['invalid_grant', 'invalid_dpop_proof']

const dpopJktMismatch: ConformanceCase = {
  id: 'dpop_jkt.mismatch',
  clause: 'RFC 9449 §10',
  family: 'dpop_jkt',
  title: 'code requested with dpop_jkt of one key, redeemed with a proof of another',
  needs: [],
  async run(context) {
    const authorization = needsAuthorization(context, 'authorization_endpoint')
    if (typeof authorization === 'string') return skip(authorization)
    const control = await redeemCode(
      context,
      authorization,
      await authorizeWithJkt(context, authorization, context.key),
      context.key,
      'code with dpop_jkt of the proof key',
    )
    if (!isSuccess(control)) return verdict('fail', control, 'positive control failed')
    const response = await redeemCode(
      context,
      authorization,
      await authorizeWithJkt(context, authorization, context.key),
      context.otherKey,
      'code with dpop_jkt of key A, proof by key B',
    )
    return expectTokenRejection(
      response,
      'bind the code to dpop_jkt and refuse a proof by another key at the token endpoint',
      codeRejection,
    )
  },
}

const parBinding: ConformanceCase = {
  id: 'par.binding',
  clause: 'RFC 9449 §10.1',
  family: 'par',
  title: 'PAR with a proof of one key, code redeemed with a proof of another',
  needs: [],
  async run(context) {
    const authorization = needsAuthorization(context, 'pushed_authorization_request_endpoint')
    if (typeof authorization === 'string') return skip(authorization)
    const codeFor = async () => {
      const pushed = await pushAuthorizationRequest(context, authorization, context.key)
      const requestUri = pushed.response.json?.['request_uri']
      if (!isSuccess(pushed.response) || typeof requestUri !== 'string') return pushed.response
      const code = await authorizePushed(context, authorization, requestUri, pushed.state)
      return { code, codeVerifier: pushed.verifier }
    }
    const controlCode = await codeFor()
    if ('status' in controlCode)
      return verdict('fail', controlCode, 'positive control failed: the PAR was refused')
    const control = await redeemCode(
      context,
      authorization,
      controlCode,
      context.key,
      'code pushed with key A, proof by A',
    )
    if (!isSuccess(control)) return verdict('fail', control, 'positive control failed')
    const code = await codeFor()
    if ('status' in code) return verdict('fail', code, 'positive control failed: the PAR was refused')
    return expectTokenRejection(
      await redeemCode(
        context,
        authorization,
        code,
        context.otherKey,
        'code pushed with key A, proof by key B',
      ),
      'bind the code to the key of the DPoP proof sent to the PAR endpoint',
      codeRejection,
    )
  },
}

const parInvalidProof: ConformanceCase = {
  id: 'par.proof.invalid',
  clause: 'RFC 9449 §10.1, §4.3 step 4',
  family: 'par',
  title: 'PAR with an invalid proof (typ JWT)',
  needs: [],
  async run(context) {
    const authorization = needsAuthorization(context, 'pushed_authorization_request_endpoint')
    if (typeof authorization === 'string') return skip(authorization)
    const { response } = await pushAuthorizationRequest(
      context,
      authorization,
      context.key,
      async (builder) => builder.sign({ ...builder.header(), typ: 'JWT' }, await builder.claims()),
    )
    return expectTokenRejection(
      response,
      'check the DPoP proof sent to the PAR endpoint like at the token endpoint',
    )
  },
}

export function authorizationCases(): ConformanceCase[] {
  return [dpopJktMismatch, parBinding, parInvalidProof]
}
