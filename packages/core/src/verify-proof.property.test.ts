import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { createProof } from './create-proof.js'
import { isDPoPError } from './dpop-error.js'
import { generateKeyPair } from './generate-key-pair.js'
import { request } from './test-support.js'
import { verifyProof } from './verify-proof.js'

const URL_ = 'https://server.example.com/token'
const post = request('POST', URL_)
let proof: string

beforeAll(async () => {
  proof = await createProof(await generateKeyPair('ES256'), { htm: 'POST', htu: URL_, accessToken: 'token' })
})

// Each verification gets its own store, so the valid proof itself would pass every time.
const verify = (candidate: string) =>
  verifyProof(candidate, post, { accessToken: 'token', replayStore: createMemoryReplayStore() })

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ maxLength: 300 }) }),
)

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function apply(original: string, m: Mutation): string {
  switch (m.kind) {
    case 'replace': {
      const at = m.at % original.length
      return original.slice(0, at) + m.char + original.slice(at + 1)
    }
    case 'insert': {
      const at = m.at % (original.length + 1)
      return original.slice(0, at) + m.char + original.slice(at)
    }
    case 'delete': {
      const at = m.at % original.length
      return original.slice(0, at) + original.slice(at + 1)
    }
    case 'truncate':
      return original.slice(0, m.at % original.length)
    case 'swap': {
      const parts = original.split('.')
      const a = parts[m.a] as string
      parts[m.a] = parts[m.b] as string
      parts[m.b] = a
      return parts.join('.')
    }
    case 'garbage':
      return m.text
  }
}

describe('RFC 9449 §4.3 property: a mutated proof never verifies', () => {
  it('accepts the unmutated proof (control)', async () => {
    await expect(verify(proof)).resolves.toBeDefined()
  })

  it('rejects every mutation with a DPoPError and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const candidate = apply(proof, m)
        fc.pre(candidate !== proof)
        const outcome = await verify(candidate).then(
          () => 'verified',
          (error: unknown) => (isDPoPError(error) ? 'rejected' : `threw ${String(error)}`),
        )
        expect(outcome).toBe('rejected')
      }),
      { numRuns: 1500 },
    )
  })

  it('rejects re-encoded claims that were not signed', async () => {
    const [h, p, s] = proof.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('jti', 'htm', 'htu', 'iat', 'ath', 'extra'),
        fc.jsonValue(),
        async (name, value) => {
          fc.pre(JSON.stringify(claims[name]) !== JSON.stringify(value))
          const forged = Buffer.from(JSON.stringify({ ...claims, [name]: value })).toString('base64url')
          const outcome = await verify(`${h}.${forged}.${s}`).then(
            () => 'verified',
            (error: unknown) => (isDPoPError(error) ? 'rejected' : `threw ${String(error)}`),
          )
          expect(outcome).toBe('rejected')
        },
      ),
      { numRuns: 500 },
    )
  })
})
