import { type NonceRequirement, type VerifiedProof, type VerifyProofOptions, verifyProof } from '@dpop/core'
import { observeProof } from '../observability/observe-proof.js'
import type { Endpoint } from './config.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './storage.js'
import type { AuthorizationServerRequest } from './types.js'

export interface CheckProofOptions {
  /** Reject a request without a proof (`invalid_dpop_proof`, reason `missing`). */
  required: boolean
  /** The thumbprint the proof's key must have (`dpop_jkt` at PAR, RFC 9449 §10.1). */
  expectedThumbprint?: string
}

function nonceRequirement(context: ServerContext, client: ClientRecord): NonceRequirement | undefined {
  const policy = client.nonce ?? context.config.dpop.nonce
  if (policy === 'off') return undefined
  const { nonceSource: source, nonceServer: server } = context.config.dpop
  if (policy === 'always') return { source, server, required: true }
  return { source, server, required: (request) => policy(client, request) }
}

/**
 * Verifies the `DPoP` header of a request to the token or PAR endpoint (RFC 9449 §4.3, §5, §8), with the
 * client's algorithms and nonce policy. `htu` is compared with the endpoint's configured URL, which is the
 * URL the client was told to use (metadata), whatever a proxy in front rewrote. A proof that is present is
 * always verified: an invalid one is never downgraded to Bearer.
 */
export async function checkProof(
  context: ServerContext,
  request: AuthorizationServerRequest,
  endpoint: Endpoint,
  client: ClientRecord,
  options: CheckProofOptions,
): Promise<VerifiedProof | undefined> {
  const header = request.header('dpop')
  if (header === undefined && !options.required) return undefined
  const { dpop, now } = context.config
  const algorithms =
    client.allowedDPoPAlgorithms === undefined
      ? dpop.algorithms
      : dpop.algorithms.filter((alg) => client.allowedDPoPAlgorithms?.includes(alg))
  const nonce = nonceRequirement(context, client)
  const target = { method: request.method, url: endpoint.url, header: (name: string) => request.header(name) }
  const verifyOptions: VerifyProofOptions = {
    algorithms,
    maxAge: dpop.proofTimeFrame,
    clockTolerance: dpop.clockTolerance,
    replayStore: context.replayStore,
    context: 'token',
    now,
    ...(nonce === undefined ? {} : { nonce }),
    ...(options.expectedThumbprint === undefined ? {} : { expectedThumbprint: options.expectedThumbprint }),
  }
  const { observer } = context.config
  if (observer === undefined) return verifyProof(header, target, verifyOptions)
  return observeProof(
    observer,
    'authorization-server',
    header,
    { clientId: client.clientId, thumbprint: options.expectedThumbprint },
    () => verifyProof(header, target, verifyOptions),
  )
}
