import type { ReplayStore } from '@dpop/core'
import type { DPoPEventSource, DPoPServerEvent } from './events.js'
import { clock } from './observer.js'

/**
 * The replay store with each reservation timed and reported as a `store.call` event. Only used when an
 * `onEvent` hook is set: without one the store is called directly. A synchronous answer stays synchronous.
 */
export function observeReplayStore(
  store: ReplayStore,
  emit: (event: DPoPServerEvent) => void,
  source: DPoPEventSource,
): ReplayStore {
  const report = (failed: boolean, started: number) =>
    emit({
      type: 'store.call',
      source,
      store: 'replay',
      operation: 'reserve',
      failed,
      durationMs: clock() - started,
    })
  const observed: ReplayStore = {
    async reserve(key, expiresAt, issuedAt) {
      const started = clock()
      try {
        const fresh = await store.reserve(key, expiresAt, issuedAt)
        report(false, started)
        return fresh
      } catch (error) {
        report(true, started)
        throw error
      }
    },
  }
  // A synchronous answer is reported when there is one: `undefined` is "ask reserve", the call then reported.
  const timed =
    <A extends unknown[]>(call: (...args: A) => boolean | undefined) =>
    (...args: A): boolean | undefined => {
      const started = clock()
      try {
        const fresh = call(...args)
        if (fresh !== undefined) report(false, started)
        return fresh
      } catch (error) {
        report(true, started)
        throw error
      }
    }
  const { reserveSync, reserveProofSync } = store
  if (typeof reserveSync === 'function') observed.reserveSync = timed(reserveSync.bind(store))
  if (typeof reserveProofSync === 'function') observed.reserveProofSync = timed(reserveProofSync.bind(store))
  return observed
}
