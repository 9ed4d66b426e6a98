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
  const { reserveSync } = store
  if (typeof reserveSync === 'function') {
    observed.reserveSync = (key, expiresAt, issuedAt) => {
      const started = clock()
      try {
        const fresh = reserveSync.call(store, key, expiresAt, issuedAt)
        // `undefined` is "ask reserve": that call is the one reported.
        if (fresh !== undefined) report(false, started)
        return fresh
      } catch (error) {
        report(true, started)
        throw error
      }
    }
  }
  return observed
}
