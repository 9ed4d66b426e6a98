/**
 * OpenTelemetry metrics and spans for `@dpop/server`: `openTelemetryEvents()` is an `onEvent` hook. Needs the
 * optional peer dependency `@opentelemetry/api`.
 *
 * @packageDocumentation
 * @module @dpop/server/otel
 */
export { type OpenTelemetryEventsOptions, openTelemetryEvents } from './open-telemetry-events.js'
