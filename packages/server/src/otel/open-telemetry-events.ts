import {
  type Attributes,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api'
import type { DPoPEventHandler, DPoPServerEvent } from '../observability/events.js'
import { createInstruments, type DPoPInstruments } from './instruments.js'

/** Where `openTelemetryEvents` records; both default to the providers registered globally. */
export interface OpenTelemetryEventsOptions {
  /** Where the counters and histograms go. @default the global provider (`metrics.setGlobalMeterProvider`) */
  meterProvider?: MeterProvider
  /** Where the spans go. @default the global provider (`trace.setGlobalTracerProvider`) */
  tracerProvider?: TracerProvider
}

const SCOPE = '@dpop/server'

/**
 * An `onEvent` hook for `createAuthorizationServer` and `createResourceGuard` that records OpenTelemetry metrics and
 * spans. Counters: `dpop.proofs` (by `dpop.outcome`, `dpop.reason`, `dpop.alg`), `dpop.tokens.issued` (by
 * `oauth.grant_type`, `dpop.token_type`), `dpop.nonce.challenges`, `dpop.replays`, `dpop.refresh.rotations`,
 * `dpop.refresh.reuses`, `dpop.grants.revoked`, `dpop.introspections`, `dpop.store.unavailable`. Histograms, in
 * seconds: `dpop.proof.duration`, `dpop.store.duration`, `dpop.token.request.duration`, `dpop.guard.duration`.
 * Spans: `dpop.token_endpoint`, `dpop.guard.authenticate` and `dpop.store.<operation>`, children of the span active
 * when the event is emitted (the HTTP server span of your instrumentation), with the HTTP semantic convention
 * attributes (`http.request.method`, `http.route`, `http.response.status_code`, `error.type`); proof outcomes, replays
 * and nonce challenges are also added as span events to that active span. Without a registered SDK the
 * OpenTelemetry API records nothing.
 */
export function openTelemetryEvents(options: OpenTelemetryEventsOptions = {}): DPoPEventHandler {
  const meter = (options.meterProvider ?? metrics).getMeter(SCOPE)
  const tracer = (options.tracerProvider ?? trace).getTracer(SCOPE)
  const instruments = createInstruments(meter)
  const span = (name: string, durationMs: number, attributes: Attributes): Span => {
    const end = performance.timeOrigin + performance.now()
    return tracer.startSpan(
      name,
      { kind: SpanKind.INTERNAL, startTime: end - durationMs, attributes },
      context.active(),
    )
  }
  return (event) => record(event, instruments, span)
}

type StartSpan = (name: string, durationMs: number, attributes: Attributes) => Span

// The span started `durationMs` ago and ends now, when its event arrives.
function finish(span: Span, failed: boolean): void {
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}

// Members that are absent are left out of the attributes, never recorded as "undefined".
function defined(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const result: Attributes = {}
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) result[name] = value
  return result
}

function activeSpanEvent(name: string, attributes: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes)
}

function record(event: DPoPServerEvent, instruments: DPoPInstruments, startSpan: StartSpan): void {
  const source = event.source
  switch (event.type) {
    case 'proof.accepted':
    case 'proof.refused': {
      const outcome = event.type === 'proof.accepted' ? 'accepted' : 'refused'
      const attributes = defined({
        'dpop.source': source,
        'dpop.outcome': outcome,
        'dpop.alg': event.alg,
        ...(event.type === 'proof.refused' ? { 'dpop.reason': event.reason, 'error.type': event.code } : {}),
      })
      instruments.proofs.add(1, attributes)
      instruments.proofDuration.record(
        event.durationMs / 1000,
        defined({
          'dpop.source': source,
          'dpop.outcome': outcome,
          'dpop.alg': event.alg,
        }),
      )
      activeSpanEvent(`dpop.proof.${outcome}`, defined({ ...attributes, 'dpop.jkt': event.thumbprint }))
      return
    }
    case 'replay.detected':
      instruments.replays.add(1, { 'dpop.source': source })
      activeSpanEvent('dpop.replay', defined({ 'dpop.source': source, 'dpop.jkt': event.thumbprint }))
      return
    case 'nonce.challenged':
      instruments.nonceChallenges.add(1, { 'dpop.source': source, 'dpop.reason': event.reason })
      activeSpanEvent('dpop.nonce.challenged', { 'dpop.reason': event.reason })
      return
    case 'token.issued':
      instruments.tokensIssued.add(1, {
        'oauth.grant_type': event.grantType,
        'dpop.token_type': event.tokenType,
      })
      return
    case 'refresh.rotated':
      instruments.refreshRotations.add(1)
      return
    case 'refresh.reused':
      instruments.refreshReuses.add(1)
      return
    case 'grant.revoked':
      instruments.grantsRevoked.add(1, { 'dpop.revocation.cause': event.cause })
      return
    case 'introspection':
      instruments.introspections.add(1, { 'dpop.introspection.active': event.active })
      return
    case 'store.unavailable':
      instruments.storeUnavailable.add(1, {
        'dpop.source': source,
        'dpop.store': event.store,
        'db.operation.name': event.operation,
      })
      return
    case 'store.call': {
      const attributes = defined({
        'dpop.source': source,
        'dpop.store': event.store,
        'db.operation.name': event.operation,
        'error.type': event.failed ? '_OTHER' : undefined,
      })
      instruments.storeDuration.record(event.durationMs / 1000, attributes)
      finish(startSpan(`dpop.store.${event.operation}`, event.durationMs, attributes), event.failed)
      return
    }
    case 'token.request': {
      const attributes = defined({
        'http.request.method': event.method,
        'http.route': event.route,
        'http.response.status_code': event.status,
        'oauth.grant_type': event.grantType,
        'error.type': event.error,
      })
      instruments.tokenRequestDuration.record(event.durationMs / 1000, attributes)
      const span = startSpan('dpop.token_endpoint', event.durationMs, {
        ...attributes,
        ...defined({ 'dpop.reason': event.reason, 'oauth.client_id': event.clientId }),
      })
      // HTTP server semantic conventions: only a 5xx marks the span as failed.
      finish(span, event.status >= 500)
      return
    }
    case 'guard.authenticate': {
      const attributes = defined({
        'http.request.method': event.method,
        'http.response.status_code': event.status,
        'dpop.scheme': event.scheme,
        'error.type': event.error,
      })
      instruments.guardDuration.record(
        event.durationMs / 1000,
        defined({ ...attributes, 'dpop.reason': event.reason }),
      )
      const span = startSpan('dpop.guard.authenticate', event.durationMs, {
        ...attributes,
        ...defined({
          'dpop.reason': event.reason,
          'oauth.client_id': event.clientId,
          'dpop.jkt': event.thumbprint,
        }),
      })
      finish(span, event.status >= 500)
      return
    }
  }
}
