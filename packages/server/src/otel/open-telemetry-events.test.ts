import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, describe, expect, it } from 'vitest'
import {
  basic,
  json,
  keyPair,
  makeServer,
  proofFor,
  request,
  SECRET,
  TOKEN_URL,
} from '../authorization-server/test-support.js'
import { createResourceGuard } from '../resource-guard/create-resource-guard.js'
import {
  AUDIENCE,
  clientKey,
  request as guardRequest,
  ISSUER,
  mintToken,
  proof,
  rejection,
  signingKey,
} from '../resource-guard/test-helpers.js'
import { openTelemetryEvents } from './index.js'

// The smallest context manager: enough for a span made active around synchronous calls, as the
// HTTP instrumentation of a framework does around a request.
class StackContextManager implements ContextManager {
  private stack: Context[] = []
  active(): Context {
    return this.stack.at(-1) ?? ROOT_CONTEXT
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    active: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    this.stack.push(active)
    try {
      return fn.call(thisArg, ...args)
    } finally {
      this.stack.pop()
    }
  }
  bind<T>(_context: Context, target: T): T {
    return target
  }
  enable(): this {
    return this
  }
  disable(): this {
    this.stack = []
    return this
  }
}

afterAll(() => {
  context.disable()
})

function telemetry() {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] })
  const onEvent = openTelemetryEvents({ meterProvider, tracerProvider })
  /** Every data point of a metric, by its attributes. */
  const points = async (name: string): Promise<DataPoint<unknown>[]> => {
    await reader.forceFlush()
    const exported = metricExporter.getMetrics().at(-1)
    const metric = exported?.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((candidate) => candidate.descriptor.name === name)
    return (metric?.dataPoints ?? []) as DataPoint<unknown>[]
  }
  return { onEvent, points, spans: () => spanExporter.getFinishedSpans(), tracerProvider }
}

const tokenRequest = (dpop: string) =>
  request('POST', TOKEN_URL, {
    headers: { authorization: basic('service', SECRET), dpop },
    body: 'grant_type=client_credentials',
  })

describe('openTelemetryEvents: metrics and spans with the OpenTelemetry SDK', () => {
  it('counts proofs, tokens and replays at the token endpoint, times them, and spans the endpoint and the store', async () => {
    const { onEvent, points, spans } = telemetry()
    const { server, time } = makeServer({ onEvent })
    const dpop = await proofFor(await keyPair(), TOKEN_URL, time.seconds())
    expect(json(await server.handle(tokenRequest(dpop))).token_type).toBe('DPoP')
    expect(json(await server.handle(tokenRequest(dpop))).error).toBe('invalid_dpop_proof')

    expect(await points('dpop.proofs')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          attributes: {
            'dpop.source': 'authorization-server',
            'dpop.outcome': 'accepted',
            'dpop.alg': 'ES256',
          },
          value: 1,
        }),
        expect.objectContaining({
          attributes: {
            'dpop.source': 'authorization-server',
            'dpop.outcome': 'refused',
            'dpop.alg': 'ES256',
            'dpop.reason': 'replay',
            'error.type': 'invalid_dpop_proof',
          },
          value: 1,
        }),
      ]),
    )
    expect(await points('dpop.tokens.issued')).toEqual([
      expect.objectContaining({
        attributes: { 'oauth.grant_type': 'client_credentials', 'dpop.token_type': 'DPoP' },
        value: 1,
      }),
    ])
    expect(await points('dpop.replays')).toEqual([expect.objectContaining({ value: 1 })])
    const durations = await points('dpop.proof.duration')
    expect(durations.map((point) => (point.value as { count: number }).count).reduce((a, b) => a + b)).toBe(2)
    expect((await points('dpop.store.duration')).length).toBeGreaterThan(0)

    const endpointSpans = spans().filter((span) => span.name === 'dpop.token_endpoint')
    expect(endpointSpans.map((span) => span.attributes)).toEqual([
      expect.objectContaining({
        'http.request.method': 'POST',
        'http.route': '/token',
        'http.response.status_code': 200,
        'oauth.grant_type': 'client_credentials',
      }),
      expect.objectContaining({
        'http.response.status_code': 400,
        'error.type': 'invalid_dpop_proof',
        'dpop.reason': 'replay',
      }),
    ])
    // A 4xx is the client's error: the span's status stays unset (HTTP server semantic conventions).
    expect(endpointSpans.map((span) => span.status.code)).toEqual([0, 0])
    expect(spans().filter((span) => span.name === 'dpop.store.reserve')).toHaveLength(2)
  })

  it('counts nonce challenges, and spans guard.authenticate; a failing store is an error span', async () => {
    const { onEvent, points, spans } = telemetry()
    const asKey = await signingKey('as-1')
    const alice = await clientKey()
    const NOW = 1_760_000_000_000
    const guard = createResourceGuard({
      jwks: { keys: [asKey.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      onEvent,
      nonce: 'always',
    })
    const token = await mintToken(asKey, { jkt: alice.jkt, now: NOW })
    const first = await rejection(
      guard.authenticate(
        guardRequest({
          Authorization: `DPoP ${token}`,
          DPoP: await proof(alice, { accessToken: token, now: NOW }),
        }),
      ),
    )
    expect(first.code).toBe('use_dpop_nonce')
    const dpop = await proof(alice, { accessToken: token, now: NOW, nonce: first.nonce as string })
    await guard.authenticate(guardRequest({ Authorization: `DPoP ${token}`, DPoP: dpop }))
    expect(await points('dpop.nonce.challenges')).toEqual([
      expect.objectContaining({
        attributes: { 'dpop.source': 'resource-guard', 'dpop.reason': 'nonce_missing' },
        value: 1,
      }),
    ])
    expect(
      spans()
        .filter((span) => span.name === 'dpop.guard.authenticate')
        .map((span) => span.attributes),
    ).toEqual([
      expect.objectContaining({
        'http.request.method': 'GET',
        'http.response.status_code': 401,
        'error.type': 'use_dpop_nonce',
      }),
      expect.objectContaining({
        'http.response.status_code': 200,
        'dpop.scheme': 'DPoP',
        'dpop.jkt': alice.jkt,
      }),
    ])

    const down = createResourceGuard({
      jwks: { keys: [asKey.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      onEvent,
      replayStore: { reserve: () => Promise.reject(new Error('down')) },
    })
    const again = await proof(alice, { accessToken: token, now: NOW })
    expect(
      (await rejection(down.authenticate(guardRequest({ Authorization: `DPoP ${token}`, DPoP: again }))))
        .status,
    ).toBe(503)
    expect(await points('dpop.store.unavailable')).toEqual([
      expect.objectContaining({
        attributes: {
          'dpop.source': 'resource-guard',
          'dpop.store': 'replay',
          'db.operation.name': 'reserve',
        },
        value: 1,
      }),
    ])
    const failedStore = spans().filter((span) => span.name === 'dpop.store.reserve' && span.status.code === 2)
    expect(failedStore).toHaveLength(1)
    const guardSpans = spans().filter((span) => span.name === 'dpop.guard.authenticate')
    expect(guardSpans.at(-1)?.status.code).toBe(2)
  })

  it('records spans as children of the active span, and proof outcomes as its span events', () => {
    context.setGlobalContextManager(new StackContextManager())
    const { onEvent, spans, tracerProvider } = telemetry()
    const request = tracerProvider.getTracer('http').startSpan('GET /api/me')
    context.with(trace.setSpan(ROOT_CONTEXT, request), () => {
      void onEvent({
        type: 'store.call',
        source: 'resource-guard',
        store: 'replay',
        operation: 'reserve',
        failed: false,
        durationMs: 2,
      })
      void onEvent({
        type: 'proof.refused',
        source: 'resource-guard',
        code: 'invalid_dpop_proof',
        reason: 'htu',
        alg: 'ES256',
        durationMs: 1,
      })
    })
    request.end()
    const store = spans().find((span) => span.name === 'dpop.store.reserve')
    expect(store?.parentSpanContext?.spanId).toBe(request.spanContext().spanId)
    // Recorded when the event came, started its duration before.
    expect(store?.duration[0] === 0 && store.duration[1] >= 1_000_000).toBe(true)
    const parent = spans().find((span) => span.name === 'GET /api/me')
    expect(parent?.events.map((event) => [event.name, event.attributes?.['dpop.reason']])).toEqual([
      ['dpop.proof.refused', 'htu'],
    ])
  })
})
