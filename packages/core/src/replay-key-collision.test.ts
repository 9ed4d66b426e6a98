import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { calculateJwkThumbprint } from './calculate-jwk-thumbprint.js'
import { createMemoryReplayStore } from './create-memory-replay-store.js'
import { createProof } from './create-proof.js'
import { generateKeyPair } from './generate-key-pair.js'
import { publicJwkOf, request } from './test-support.js'
import { verifyProof } from './verify-proof.js'

const URL_ = 'https://server.example.com/token'
const post = request('POST', URL_)

/** The `jti` that, in the attacker's proof, lands on the victim's replay slot if keys were `jti ⊕ thumbprint`. */
function collidingJti(victimJti: string, victimThumbprint: string, attackerThumbprint: string): string {
  const bytes = base64url.decode(victimJti)
  const victim = base64url.decode(victimThumbprint)
  const attacker = base64url.decode(attackerThumbprint)
  for (let i = 0; i < 16; i++)
    bytes[i] = (bytes[i] as number) ^ (victim[i] as number) ^ (attacker[i] as number)
  return base64url.encode(bytes)
}

describe('RFC 9449 §11.1: a proof of one key never takes the replay slot of a proof of another key', () => {
  it("an attacker who learns a victim's unused jti cannot get the victim's proof refused as a replay", async () => {
    const victim = await generateKeyPair('ES256')
    const attacker = await generateKeyPair('ES256')
    const victimThumbprint = await calculateJwkThumbprint(await publicJwkOf(victim.publicKey))
    const attackerThumbprint = await calculateJwkThumbprint(await publicJwkOf(attacker.publicKey))
    const replayStore = createMemoryReplayStore()
    const victimJti = base64url.encode(crypto.getRandomValues(new Uint8Array(16)))
    const chosen = collidingJti(victimJti, victimThumbprint, attackerThumbprint)

    const attackerProof = await createProof(attacker, { htm: 'POST', htu: URL_, jti: chosen })
    await verifyProof(attackerProof, post, { replayStore })
    const victimProof = await createProof(victim, { htm: 'POST', htu: URL_, jti: victimJti })
    const verified = await verifyProof(victimProof, post, { replayStore })
    expect(verified.thumbprint).toBe(victimThumbprint)
    await expect(verifyProof(victimProof, post, { replayStore })).rejects.toMatchObject({ reason: 'replay' })
  })
})
