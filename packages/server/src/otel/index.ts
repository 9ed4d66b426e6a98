export { type OpenTelemetryEventsOptions, openTelemetryEvents } from './open-telemetry-events.js'
