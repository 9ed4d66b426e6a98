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

export function createInstruments(meter: Meter): DPoPInstruments {
  return {
    proofs: meter.createCounter('dpop.proofs', {
      description: 'DPoP proofs verified, by outcome, reason and alg',
      unit: '{proof}',
    }),
    proofDuration: duration(
      meter,
      'dpop.proof.duration',
      'Time to verify a DPoP proof, replay reservation included',
    ),
    nonceChallenges: meter.createCounter('dpop.nonce.challenges', {
      description: 'Requests answered use_dpop_nonce with a fresh nonce',
      unit: '{challenge}',
    }),
    replays: meter.createCounter('dpop.replays', {
      description: 'DPoP proofs refused as replays',
      unit: '{proof}',
    }),
    tokensIssued: meter.createCounter('dpop.tokens.issued', {
      description: 'Token responses issued, by grant type and token type',
      unit: '{token}',
    }),
    refreshRotations: meter.createCounter('dpop.refresh.rotations', {
      description: 'Refresh tokens rotated',
      unit: '{token}',
    }),
    refreshReuses: meter.createCounter('dpop.refresh.reuses', {
      description: 'Rotated refresh tokens presented again (their grant is revoked)',
      unit: '{token}',
    }),
    grantsRevoked: meter.createCounter('dpop.grants.revoked', {
      description: 'Grants revoked with all their tokens, by cause',
      unit: '{grant}',
    }),
    introspections: meter.createCounter('dpop.introspections', {
      description: 'Token introspection requests, by answer',
      unit: '{request}',
    }),
    storeDuration: duration(meter, 'dpop.store.duration', 'Duration of storage and replay store calls'),
    storeUnavailable: meter.createCounter('dpop.store.unavailable', {
      description: 'Store calls that failed, answered 503',
      unit: '{call}',
    }),
    tokenRequestDuration: duration(
      meter,
      'dpop.token.request.duration',
      'Duration of token endpoint requests',
    ),
    guardDuration: duration(meter, 'dpop.guard.duration', 'Duration of resource guard authentication'),
  }
}
