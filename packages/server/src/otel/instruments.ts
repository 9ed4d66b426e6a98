import type { Counter, Histogram, Meter } from '@opentelemetry/api'

// Buckets for durations in seconds, from a memory store's microseconds to a slow remote store's seconds.
const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

/** The metrics `openTelemetryEvents` records, created once per hook. */
export interface DPoPInstruments {
  readonly proofs: Counter
  readonly proofDuration: Histogram
  readonly nonceChallenges: Counter
  readonly replays: Counter
  readonly tokensIssued: Counter
  readonly refreshRotations: Counter
  readonly refreshReuses: Counter
  readonly grantsRevoked: Counter
  readonly introspections: Counter
  readonly storeDuration: Histogram
  readonly storeUnavailable: Counter
  readonly tokenRequestDuration: Histogram
  readonly guardDuration: Histogram
}

const duration = (meter: Meter, name: string, description: string): Histogram =>
  meter.createHistogram(name, {
    description,
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })

const counter = (meter: Meter, name: string, description: string, unit: string): Counter =>
  meter.createCounter(name, { description, unit })

export function createInstruments(meter: Meter): DPoPInstruments {
  return {
    proofs: counter(meter, 'dpop.proofs', 'DPoP proofs verified, by outcome, reason and alg', '{proof}'),
    proofDuration: duration(
      meter,
      'dpop.proof.duration',
      'Time to verify a DPoP proof, replay reservation included',
    ),
    nonceChallenges: counter(
      meter,
      'dpop.nonce.challenges',
      'Requests answered use_dpop_nonce with a fresh nonce',
      '{challenge}',
    ),
    replays: counter(meter, 'dpop.replays', 'DPoP proofs refused as replays', '{proof}'),
    tokensIssued: counter(
      meter,
      'dpop.tokens.issued',
      'Token responses issued, by grant type and token type',
      '{token}',
    ),
    refreshRotations: counter(meter, 'dpop.refresh.rotations', 'Refresh tokens rotated', '{token}'),
    refreshReuses: counter(
      meter,
      'dpop.refresh.reuses',
      'Rotated refresh tokens presented again (their grant is revoked)',
      '{token}',
    ),
    grantsRevoked: counter(
      meter,
      'dpop.grants.revoked',
      'Grants revoked with all their tokens, by cause',
      '{grant}',
    ),
    introspections: counter(
      meter,
      'dpop.introspections',
      'Token introspection requests, by answer',
      '{request}',
    ),
    storeDuration: duration(meter, 'dpop.store.duration', 'Duration of storage and replay store calls'),
    storeUnavailable: counter(
      meter,
      'dpop.store.unavailable',
      'Store calls that failed, answered 503',
      '{call}',
    ),
    tokenRequestDuration: duration(
      meter,
      'dpop.token.request.duration',
      'Duration of token endpoint requests',
    ),
    guardDuration: duration(meter, 'dpop.guard.duration', 'Duration of resource guard authentication'),
  }
}
