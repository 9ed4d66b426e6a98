import { type DPoPError, isDPoPError, type VerifiedProof } from '@dpop/core'
import type { DPoPEventSource } from './events.js'
import { clock, type Observer } from './observer.js'
import { proofAlg } from './proof-alg.js'

/** What the caller already knows about the request, from trusted sources: for events only. */
export interface ProofSubject {
  readonly clientId?: string | undefined
  /** The thumbprint the proof must match (a token's `cnf.jkt`, a code's `dpop_jkt`). */
  readonly thumbprint?: string | undefined
}

/**
 * Runs `verify` (a `verifyProof` call) and reports its outcome: `proof.accepted` or `proof.refused`, and
 * `nonce.challenged`, `replay.detected`, `store.unavailable` when they apply; a failing replay store is
 * logged. The result or error of `verify` is returned or rethrown unchanged.
 */
export async function observeProof(
  observer: Observer,
  source: DPoPEventSource,
  proof: string | readonly string[] | undefined,
  subject: ProofSubject,
  verify: () => Promise<VerifiedProof>,
): Promise<VerifiedProof> {
  const { emit } = observer
  const started = emit === undefined ? 0 : clock()
  try {
    const verified = await verify()
    emit?.({
      type: 'proof.accepted',
      source,
      alg: verified.header.alg,
      thumbprint: verified.thumbprint,
      ...clientIdOf(subject),
      durationMs: clock() - started,
    })
    return verified
  } catch (error) {
    if (isDPoPError(error)) reportRefusal(observer, source, proof, subject, error, started)
    throw error
  }
}

function clientIdOf(subject: ProofSubject): { clientId?: string } {
  return subject.clientId === undefined ? {} : { clientId: subject.clientId }
}

function reportRefusal(
  observer: Observer,
  source: DPoPEventSource,
  proof: string | readonly string[] | undefined,
  subject: ProofSubject,
  error: DPoPError,
  started: number,
): void {
  const { emit, logger } = observer
  const { code, reason } = error
  if (reason === 'replay_store_unavailable') {
    logger.error(
      { source, store: 'replay', err: error.cause },
      'DPoP replay store unavailable: proofs are refused',
    )
    emit?.({ type: 'store.unavailable', source, store: 'replay', operation: 'reserve' })
  } else if (reason === 'replay_store_full') {
    logger.warn(
      { source, store: 'replay' },
      'DPoP replay store full: new proofs are refused until entries expire',
    )
  }
  if (emit === undefined) return
  const durationMs = clock() - started
  const alg = proofAlg(proof)
  const known = {
    ...(alg === undefined ? {} : { alg }),
    ...(subject.thumbprint === undefined ? {} : { thumbprint: subject.thumbprint }),
    ...clientIdOf(subject),
  }
  emit({ type: 'proof.refused', source, code, reason, ...known, durationMs })
  if (code === 'use_dpop_nonce') emit({ type: 'nonce.challenged', source, reason, ...clientIdOf(subject) })
  if (reason === 'replay') emit({ type: 'replay.detected', source, ...known })
}
