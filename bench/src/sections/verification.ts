import {
  createMemoryReplayStore,
  type DPoPHttpRequest,
  KeyCache,
  type ReplayStore,
  verifyProof,
} from '@dpop/core'
import { EmbeddedJWK, importJWK, jwtVerify } from 'jose'
import {
  accessTokenHash,
  type BenchAlgorithm,
  buildProofPool,
  fakeAccessToken,
  generateBenchKey,
  generateBenchKeys,
  nodeVerifier,
  type ProofFixture,
  RESOURCE_URL,
  VERIFICATION_ALGORITHMS,
  webCryptoAlgorithm,
} from '../fixtures.js'
import { type BenchCase, measureGroup } from '../measure.js'
import { ratioRow, type SectionResult, valueRow } from '../report.js'
import type { BenchSettings } from '../settings.js'

const request: DPoPHttpRequest = { method: 'GET', url: RESOURCE_URL, header: () => undefined }

/** Proofs a pool holds: RSA signing is slow, so its pools are smaller (rounds may end with the pool). */
function poolSize(alg: BenchAlgorithm, settings: BenchSettings): number {
  if (settings.quick) return 2000
  return isFast(alg) ? 60_000 : 15_000
}

// Signing and verifying cost about the same for these: big pools, the verifyProof bar, a new-key row.
const isFast = (alg: BenchAlgorithm) => alg === 'ES256' || alg === 'EdDSA' || alg === 'Ed25519'

const at = <T>(pool: readonly T[], index: number): T => pool[index % pool.length] as T

/** A never-seen key (import, thumbprint and verification) against a warm one (issue 20). */
const NEW_KEY_BAR = 0.55

/**
 * Sections 1 and 2: the floor (node:crypto, Web Crypto), jose as authorization servers commonly use it,
 * and core's verifyProof with every check, measured side by side per algorithm.
 */
export async function runVerification(settings: BenchSettings): Promise<SectionResult[]> {
  const floor: SectionResult = {
    id: 'floor',
    title: '1. Signature verification floor and jose',
    rows: [],
  }
  const core: SectionResult = {
    id: 'verify-proof',
    title: '2. verifyProof (@dpop/core): every RFC 9449 §4.3 check, ath, replay reservation',
    rows: [],
  }
  const accessToken = fakeAccessToken()
  const ath = accessTokenHash(accessToken)
  for (const alg of VERIFICATION_ALGORITHMS) {
    const key = generateBenchKey(alg)
    const pool: ProofFixture[] = buildProofPool([key], poolSize(alg, settings), {
      htm: 'GET',
      htu: RESOURCE_URL,
      ath,
    })
    const nodeVerify = nodeVerifier(key)
    const webAlgorithm = webCryptoAlgorithm(alg)
    // jose has no Ed448 (and Node's Web Crypto Ed448 is experimental): Ed448 has the floor and verifyProof rows.
    const ed448 = alg === 'Ed448'
    const webKey = ed448
      ? undefined
      : await crypto.subtle.importKey('jwk', key.jwk, webAlgorithm.import, false, ['verify'])
    const joseKey = ed448 ? undefined : await importJWK(key.jwk, alg)
    const check = (valid: boolean) => {
      if (!valid) throw new Error(`${alg}: signature did not verify`)
    }
    let store: ReplayStore = createMemoryReplayStore()
    const keyCache = new KeyCache()
    const names = {
      floor: `node:crypto.verify ${alg} (floor)`,
      subtle: `crypto.subtle.verify ${alg}`,
      joseNaive: `jose jwtVerify + EmbeddedJWK ${alg} (naive)`,
      joseCached: `jose jwtVerify, cached key ${alg}`,
      warm: `verifyProof ${alg}, warm key`,
      cold: `verifyProof ${alg}, new key every time`,
    }
    const comparisons: BenchCase[] = ed448
      ? []
      : [
          {
            name: names.subtle,
            run: async (i) => {
              const { signingInput, signature } = at(pool, i)
              check(
                await crypto.subtle.verify(
                  webAlgorithm.verify,
                  webKey as CryptoKey,
                  signature as Uint8Array<ArrayBuffer>,
                  signingInput as Uint8Array<ArrayBuffer>,
                ),
              )
            },
          },
          {
            name: names.joseNaive,
            run: (i) => jwtVerify(at(pool, i).proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [alg] }),
          },
          {
            name: names.joseCached,
            run: (i) =>
              jwtVerify(at(pool, i).proof, joseKey as CryptoKey, { typ: 'dpop+jwt', algorithms: [alg] }),
          },
        ]
    const cases: BenchCase[] = [
      {
        name: names.floor,
        run: (i) => {
          const { signingInput, signature } = at(pool, i)
          check(nodeVerify(signingInput, signature))
        },
      },
      ...comparisons,
      {
        name: names.warm,
        // A fresh store per round, large enough for the pool: every proof is new to it.
        setup: () => {
          store = createMemoryReplayStore({ maxEntries: 2_000_000 })
        },
        run: (i) => verifyProof(at(pool, i).proof, request, { accessToken, replayStore: store, keyCache }),
        maxOps: pool.length,
      },
    ]
    let coldPool: ProofFixture[] = []
    if (isFast(alg) || ed448) {
      // One key per proof: more keys than the key cache holds, so every verification imports its key.
      const coldKeys = generateBenchKeys(alg, settings.quick ? 1500 : 12_000)
      coldPool = buildProofPool(coldKeys, coldKeys.length, { htm: 'GET', htu: RESOURCE_URL, ath })
      const coldCache = new KeyCache()
      cases.push({
        name: names.cold,
        setup: () => {
          store = createMemoryReplayStore({ maxEntries: 2_000_000 })
        },
        run: (i) =>
          verifyProof(at(coldPool, i).proof, request, {
            accessToken,
            replayStore: store,
            keyCache: coldCache,
          }),
        maxOps: coldPool.length,
      })
    }
    console.error(`[verification] ${alg}: measuring ${cases.length} cases`)
    const results = await measureGroup(cases, settings)
    const get = (name: string) => results.get(name)!
    const bounded = (name: string, size: number) =>
      get(name).fewestOps >= size ? `a round ended with its pool of ${size} proofs` : undefined
    floor.rows.push(valueRow(get(names.floor)))
    if (!ed448) {
      floor.rows.push(
        ratioRow(get(names.subtle), get(names.floor)),
        ratioRow(get(names.joseNaive), get(names.floor)),
        ratioRow(get(names.joseCached), get(names.floor)),
      )
    }
    core.rows.push(
      ratioRow(
        get(names.warm),
        get(names.floor),
        isFast(alg) ? 0.75 : undefined,
        'ops/s',
        bounded(names.warm, pool.length),
      ),
    )
    if (!ed448) core.rows.push(ratioRow(get(names.warm), get(names.joseNaive), 3))
    if (results.has(names.cold)) {
      core.rows.push(
        ratioRow(
          get(names.cold),
          get(names.warm),
          alg === 'ES256' || alg === 'EdDSA' ? NEW_KEY_BAR : undefined,
          'ops/s',
          bounded(names.cold, coldPool.length),
        ),
      )
      if (!ed448) core.rows.push(ratioRow(get(names.cold), get(names.joseNaive)))
    }
  }
  return [floor, core]
}
