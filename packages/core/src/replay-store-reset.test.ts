import { describe, expect, it } from 'vitest'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { createProof } from './create-proof.js'
import { isDPoPError } from './dpop-error.js'
import { generateKeyPair } from './generate-key-pair.js'
import { request } from './test-support.js'
import { verifyProof } from './verify-proof.js'

const URL_ = 'https://server.example.com/token'
const post = request('POST', URL_)
const START = 1_700_000_000_500
const isReset = (error: unknown) =>
  isDPoPError(error) &&
  error.reason === 'replay_store_reset' &&
  error.code === 'temporarily_unavailable' &&
  error.status === 503

describe('RFC 9449 §11.1: a replay store that forgot refuses the proofs it may have accepted', () => {
  it('verifyProof passes iat, and a restarted process refuses the proofs of its previous life (503, not accepted)', async () => {
    const key = await generateKeyPair('ES256')
    const before = await createProof(key, { htm: 'POST', htu: URL_, iat: Math.floor(START / 1000) - 10 })
    const now = () => START
    // The process that accepted it, then the one that replaced it: the new store does not know the proof.
    await verifyProof(before, post, { now, replayStore: createMemoryReplayStore({ now }) })
    const restarted = createMemoryReplayStore({ now, refuseProofsIssuedBeforeStart: true })
    expect(
      isReset(await verifyProof(before, post, { now, replayStore: restarted }).catch((e: unknown) => e)),
    ).toBe(true)
    // A proof made since (here: in the very second the store started) is accepted, once.
    const after = await createProof(key, { htm: 'POST', htu: URL_, iat: Math.floor(START / 1000) })
    await verifyProof(after, post, { now, replayStore: restarted })
    await expect(verifyProof(after, post, { now, replayStore: restarted })).rejects.toMatchObject({
      reason: 'replay',
    })
  })

  it('refuses in reserve and reserveSync alike, and by default leaves iat alone', async () => {
    const store = createMemoryReplayStore({ now: () => START, refuseProofsIssuedBeforeStart: true })
    expect(isReset(await store.reserve('k', START + 1000, START - 1500).catch((e: unknown) => e))).toBe(true)
    let thrown: unknown
    try {
      store.reserveSync('k', START + 1000, Number.NaN)
    } catch (error) {
      thrown = error
    }
    expect(isReset(thrown)).toBe(true)
    expect(store.size).toBe(0)
    expect(await store.reserve('k', START + 1000)).toBe(true) // no iat: nothing to compare
    const plain = createMemoryReplayStore({ now: () => START })
    expect(await plain.reserve('k', START + 1000, 0)).toBe(true)
  })
})
