import { createMemoryReplayStore, KeyCache, type MemoryReplayStore, verifyProof } from '@dpop/core'
import {
  accessTokenHash,
  buildProofPool,
  fakeAccessToken,
  generateBenchKeys,
  type ProofFixture,
  RESOURCE_URL,
} from '../fixtures.js'
import { type BenchCase, measureGroup } from '../measure.js'
import { ratioRow, type SectionResult, valueRow } from '../report.js'
import type { BenchSettings } from '../settings.js'
import { replayKeys } from './replay-store.js'

const request = { method: 'GET', url: RESOURCE_URL, header: () => undefined }
const at = <T>(pool: readonly T[], index: number): T => pool[index % pool.length] as T

/** Section 7: verifyProof ES256 as the replay store fills and as client keys outnumber the key cache. */
export async function runScaling(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = {
    id: 'scaling',
    title: '7. Scaling: verifyProof ES256 as the replay store fills and client keys grow',
    rows: [],
  }
  const accessToken = fakeAccessToken()
  const claims = { htm: 'GET', htu: RESOURCE_URL, ath: accessTokenHash(accessToken) }
  const poolLength = settings.quick ? 2000 : 60_000
  const live = settings.quick ? 100_000 : 1_000_000
  const fewKeys = generateBenchKeys('ES256', 10)
  const manyKeys = generateBenchKeys('ES256', 5000)
  const fewPool = buildProofPool(fewKeys, poolLength, claims)
  const manyPool = buildProofPool(manyKeys, poolLength, claims)
  const prefill = replayKeys(live)
  const expiresAt = Date.now() + 3_600_000

  let store: MemoryReplayStore = createMemoryReplayStore()
  /** A fresh store per round holding `entries` live reservations, so the pool's proofs are all new. */
  const freshStore = async (entries: number) => {
    store = createMemoryReplayStore({ maxEntries: 2_000_000 })
    for (let i = 0; i < entries; i++) await store.reserve(prefill[i] as string, expiresAt)
  }
  const fewCache = new KeyCache()
  const manyCache = new KeyCache()
  const verifyCase = (name: string, pool: ProofFixture[], cache: KeyCache, entries: number): BenchCase => ({
    name,
    setup: () => freshStore(entries),
    run: (i) => verifyProof(at(pool, i).proof, request, { accessToken, replayStore: store, keyCache: cache }),
    maxOps: pool.length,
  })
  const liveText = live.toLocaleString('en-US')
  const names = {
    small: 'verifyProof, 100 live replay entries, 10 keys',
    large: `verifyProof, ${liveText} live replay entries, 10 keys`,
    many: 'verifyProof, 100 live replay entries, 5,000 keys (key cache: 1,000)',
  }
  console.error('[scaling] measuring')
  const results = await measureGroup(
    [
      verifyCase(names.small, fewPool, fewCache, 100),
      verifyCase(names.large, fewPool, fewCache, live),
      verifyCase(names.many, manyPool, manyCache, 100),
    ],
    settings,
  )
  const get = (name: string) => results.get(name)!
  section.rows.push(
    valueRow(get(names.small)),
    ratioRow(get(names.large), get(names.small), undefined, 'ops/s', 'flat means ≈ 1.00×'),
    ratioRow(
      get(names.many),
      get(names.small),
      undefined,
      'ops/s',
      'keys used in turn: every proof misses the LRU key cache and imports its key',
    ),
  )
  return [section]
}
