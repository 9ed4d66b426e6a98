// Where verifyProof spends its time: `pnpm --filter bench run bench:profile ES256` (or EdDSA, RS256, PS256;
// `--new-key`: a new key for every proof, so each one misses the key cache). Profiles only the verification
// loop (proofs are signed before the profiler starts) and prints the functions with the most self time.
import { Session } from 'node:inspector/promises'
import { createMemoryReplayStore, KeyCache, verifyProof } from '@dpop/core'
import {
  ALGORITHMS,
  accessTokenHash,
  type BenchAlgorithm,
  buildProofPool,
  fakeAccessToken,
  generateBenchKey,
  generateBenchKeys,
  RESOURCE_URL,
} from './fixtures.js'

const alg = (process.argv[2] ?? 'ES256') as BenchAlgorithm
if (!ALGORITHMS.includes(alg)) throw new TypeError(`algorithm: one of ${ALGORITHMS.join(', ')}`)
const newKeys = process.argv.includes('--new-key')
const accessToken = fakeAccessToken()
const size = newKeys ? 8000 : 20_000
const keys = newKeys ? generateBenchKeys(alg, size) : [generateBenchKey(alg)]
const pool = buildProofPool(keys, size, {
  htm: 'GET',
  htu: RESOURCE_URL,
  ath: accessTokenHash(accessToken),
})
const request = { method: 'GET', url: RESOURCE_URL, header: () => undefined }
const options = { accessToken, replayStore: createMemoryReplayStore(), keyCache: new KeyCache() }
const warm = newKeys ? 1000 : 2000
for (const { proof } of pool.slice(0, warm)) await verifyProof(proof, request, options)

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.start')
const start = performance.now()
for (const { proof } of pool.slice(warm)) await verifyProof(proof, request, options)
const elapsed = performance.now() - start
const { profile } = await session.post('Profiler.stop')

const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const selfTime = new Map<string, number>()
profile.samples?.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
  const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`
  selfTime.set(name, (selfTime.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0))
})
const total = [...selfTime.values()].reduce((sum, time) => sum + time, 0)
console.log(
  `verifyProof ${alg}${newKeys ? ', new key every time' : ''}: ${((pool.length - warm) / (elapsed / 1000)).toFixed(0)} ops/s`,
)
for (const [name, time] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
}
