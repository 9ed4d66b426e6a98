// A/B, same process, interleaved rounds: guard.authenticate of the server before the observability change vs after
// (no onEvent, no logger), and the token endpoint likewise. Same @dpop/core for both.
import { createProof, generateKeyPair, calculateJwkThumbprint } from '@dpop/core'
import { exportJWK, SignJWT, generateKeyPair as joseKeyPair } from 'jose'
import * as base from './index.js'
import * as next from '../dist/index.js'

const ROUNDS = Number(process.env.ROUNDS ?? 12)
const PER_ROUND = Number(process.env.PER_ROUND ?? 1500)
const URL_ = 'https://api.example.com/items'
const ISSUER = 'https://as.example.com'
const { privateKey, publicKey } = await joseKeyPair('ES256')
const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256', use: 'sig' }
const client = await generateKeyPair('ES256')
const jkt = await calculateJwkThumbprint(await exportJWK(client.publicKey))
const now = Math.floor(Date.now() / 1000)
const token = await new SignJWT({ client_id: 'c', cnf: { jkt }, scope: 'read' })
  .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
  .setIssuer(ISSUER).setAudience('https://api.example.com').setSubject('u').setJti('j')
  .setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey)

async function pool(n, htm, htu, accessToken) {
  const proofs = []
  for (let i = 0; i < n; i++) proofs.push(await createProof(client, { htm, htu, ...(accessToken ? { accessToken } : {}) }))
  return proofs
}

const variants = {
  base: (m) => m === 'guard' ? base.createResourceGuard({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: 'https://api.example.com' }) : base,
  next: (m) => m === 'guard' ? next.createResourceGuard({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: 'https://api.example.com' }) : next,
}

async function guardRound(mod, proofs) {
  const guard = mod.createResourceGuard({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: 'https://api.example.com' })
  const started = performance.now()
  for (const dpop of proofs) {
    await guard.authenticate(mod.createNeutralRequest('GET', URL_, { authorization: `DPoP ${token}`, dpop }))
  }
  return proofs.length / ((performance.now() - started) / 1000)
}

const TOKEN_URL = `${ISSUER}/token`
const SECRET = 'a-very-long-client-secret'
async function tokenRound(mod, proofs) {
  const server = mod.createAuthorizationServer({
    issuer: ISSUER,
    clients: [{ clientId: 'svc', clientSecret: SECRET, grantTypes: ['client_credentials'] }],
  })
  const auth = `Basic ${btoa(`svc:${SECRET}`)}`
  const header = (name) => ({ authorization: auth, dpop: current, 'content-type': 'application/x-www-form-urlencoded' })[name]
  let current
  await server.jwks()
  const started = performance.now()
  for (const dpop of proofs) {
    current = dpop
    const response = await server.handle({ method: 'POST', url: TOKEN_URL, header, body: 'grant_type=client_credentials' })
    if (response.status !== 200) throw new Error(response.body)
  }
  return proofs.length / ((performance.now() - started) / 1000)
}

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
for (const [name, round, htm, htu, at] of [
  ['guard.authenticate (guarded route, JWT + proof, claims cached)', guardRound, 'GET', URL_, token],
  ['token endpoint (client_credentials + DPoP, JWT issued)', tokenRound, 'POST', TOKEN_URL, undefined],
]) {
  const results = { base: [], next: [] }
  await round(base, await pool(300, htm, htu, at)) // warm-up
  await round(next, await pool(300, htm, htu, at))
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['base', 'next'] : ['next', 'base']
    for (const v of order) {
      const proofs = await pool(PER_ROUND, htm, htu, at)
      results[v].push(await round(v === 'base' ? base : next, proofs))
    }
  }
  const b = median(results.base), n = median(results.next)
  const ratios = results.next.map((value, i) => value / results.base[i])
  console.log(`${name}: before ${b.toFixed(0)} ops/s, after ${n.toFixed(0)} ops/s, ratio of medians ${(n / b).toFixed(3)}, median paired ratio ${median(ratios).toFixed(3)} (${ROUNDS} rounds x ${PER_ROUND})`)
}
