import { randomBytes } from 'node:crypto'
import { createProof, type DPoPKeyPair, generateKeyPair, verifyProof } from '@dpop/core'
import { generateProof } from 'dpop'
import { type BenchAlgorithm, base64url, generateBenchKey, nodeSign, RESOURCE_URL } from '../fixtures.js'
import { measureGroup } from '../measure.js'
import { ratioRow, type SectionResult } from '../report.js'
import type { BenchSettings } from '../settings.js'

const request = { method: 'GET', url: RESOURCE_URL, header: () => undefined }

/** Whether core's createProof accepts this pair, checked by verifying what it made. */
async function accepts(pair: unknown): Promise<boolean> {
  try {
    const proof = await createProof(pair as DPoPKeyPair, { htm: 'GET', htu: RESOURCE_URL })
    await verifyProof(proof, request, { replayStore: false })
    return true
  } catch {
    return false
  }
}

/** Section 3: proof creation against a hand-built node:crypto proof and the `dpop` package. */
export async function runCreateProof(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = { id: 'create-proof', title: '3. createProof (@dpop/core)', rows: [] }
  for (const alg of ['ES256', 'EdDSA'] as BenchAlgorithm[]) {
    const key = generateBenchKey(alg)
    // Same key material, three forms: KeyObject, and a non-extractable CryptoKey imported from it.
    const keyObjectPair = { privateKey: key.privateKey, publicKey: key.publicKey }
    const webAlgorithm = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' }
    const importedPair: DPoPKeyPair = {
      privateKey: await crypto.subtle.importKey(
        'pkcs8',
        key.privateKey.export({ format: 'der', type: 'pkcs8' }),
        webAlgorithm,
        false,
        ['sign'],
      ),
      publicKey: await crypto.subtle.importKey('jwk', key.jwk, webAlgorithm, true, ['verify']),
    }
    const takesKeyObject = await accepts(keyObjectPair)
    const sameKeyPair = (takesKeyObject ? keyObjectPair : importedPair) as DPoPKeyPair
    const generatedPair = await generateKeyPair(alg)
    const names = {
      hand: `hand-built node:crypto.sign proof ${alg} (floor)`,
      sameKey: `createProof ${alg}, ${takesKeyObject ? 'KeyObject' : 'CryptoKey imported from the KeyObject'}`,
      webCrypto: `createProof ${alg}, non-extractable Web Crypto key`,
      dpop: `dpop generateProof ${alg}`,
    }
    console.error(`[create-proof] ${alg}`)
    const results = await measureGroup(
      [
        {
          name: names.hand,
          run: () => {
            const header = base64url(JSON.stringify({ typ: 'dpop+jwt', alg, jwk: key.jwk }))
            const payload = base64url(
              JSON.stringify({
                jti: randomBytes(16).toString('hex'),
                htm: 'GET',
                htu: RESOURCE_URL,
                iat: Math.floor(Date.now() / 1000),
              }),
            )
            const input = `${header}.${payload}`
            return `${input}.${nodeSign(key, Buffer.from(input)).toString('base64url')}`
          },
        },
        { name: names.sameKey, run: () => createProof(sameKeyPair, { htm: 'GET', htu: RESOURCE_URL }) },
        { name: names.webCrypto, run: () => createProof(generatedPair, { htm: 'GET', htu: RESOURCE_URL }) },
        { name: names.dpop, run: () => generateProof(generatedPair, RESOURCE_URL, 'GET') },
      ],
      settings,
    )
    const get = (name: string) => results.get(name)!
    section.rows.push(
      ratioRow(
        get(names.sameKey),
        get(names.hand),
        0.85,
        'ops/s',
        takesKeyObject
          ? undefined
          : 'createProof takes CryptoKey pairs only: measured with the same key imported',
      ),
      ratioRow(get(names.webCrypto), get(names.dpop), 1.3),
      ratioRow(get(names.dpop), get(names.hand)),
    )
  }
  return [section]
}
