import type { DPoPEventHandler, DPoPServerEvent } from './events.js'
import { type DPoPLogger, resolveLogger } from './logger.js'

/** What the request path needs to report: both absent when nothing listens, so it does no extra work. */
export interface Observer {
  /** Delivers an event to `onEvent`, safely; `undefined` when there is no hook (build no event then). */
  readonly emit: ((event: DPoPServerEvent) => void) | undefined
  readonly logger: DPoPLogger
}

/** Checks the `onEvent` and `logger` options; `undefined` when neither is set. */
export function resolveObserver(
  onEvent: unknown,
  logger: unknown,
  fail: (message: string) => never,
): Observer | undefined {
  if (onEvent !== undefined && typeof onEvent !== 'function') fail('onEvent must be a function')
  const resolvedLogger = resolveLogger(logger, fail)
  if (onEvent === undefined && logger === undefined) return undefined
  return {
    emit: onEvent === undefined ? undefined : safeEmit(onEvent as DPoPEventHandler, resolvedLogger),
    logger: resolvedLogger,
  }
}

// A hook that throws or rejects must not change the answer of the request that emitted the event.
function safeEmit(onEvent: DPoPEventHandler, logger: DPoPLogger): (event: DPoPServerEvent) => void {
  const report = (error: unknown, event: DPoPServerEvent) =>
    logger.error({ err: error, event: event.type }, 'DPoP onEvent hook failed')
  return (event) => {
    try {
      const result = onEvent(event)
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        ;(result as Promise<void>).then(undefined, (error: unknown) => report(error, event))
      }
    } catch (error) {
      report(error, event)
    }
  }
}

/** A timestamp for durations: read only when someone listens. */
export const clock = (): number => performance.now()
