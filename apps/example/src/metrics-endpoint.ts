import type { DPoPEventHandler } from '@dpop/server'
import { openTelemetryEvents } from '@dpop/server/otel'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import type { RequestListener } from './loopback-listener.js'

/** Where each server's metrics are served, in the Prometheus text format. */
export const METRICS_PATH = '/metrics'

export interface MetricsEndpoint {
  /** The `onEvent` hook of the server whose metrics these are. */
  onEvent: DPoPEventHandler
  /** `listener` with `GET /metrics` answered in front of it. */
  serve(listener: RequestListener): RequestListener
  close(): Promise<void>
}

/**
 * One server's metrics: its events turned into OpenTelemetry metrics by `@dpop/server/otel`, read by the
 * OpenTelemetry Prometheus exporter on its own meter provider (so each server shows only its own counters),
 * served on the server's own port instead of the exporter's.
 */
export function createMetricsEndpoint(): MetricsEndpoint {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true })
  const meterProvider = new MeterProvider({ readers: [exporter] })
  return {
    onEvent: openTelemetryEvents({ meterProvider }),
    serve: (listener) => (request, response) => {
      const path = request.url?.split('?')[0]
      if (path === METRICS_PATH && request.method === 'GET')
        exporter.getMetricsRequestHandler(request, response)
      else listener(request, response)
    },
    close: () => meterProvider.shutdown(),
  }
}
