import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSystem, type DemoSystem } from './create-system.js'
import { counterChanges, metricsUrl, parseCounters, scrapeCounters } from './demo-counters.js'
import { runDemo } from './run-demo.js'

let system: DemoSystem

beforeAll(async () => {
  system = await createSystem({ ports: { authorizationServer: 0, express: 0, koa: 0, fastify: 0, spa: 0 } })
})

afterAll(async () => {
  await system?.close()
})

describe('GET /metrics on the authorization server and each API', () => {
  it('serves the Prometheus text format, and the walk-through moves the counters it should', async () => {
    const servers = [system.urls.issuer, ...Object.values(system.urls.resources)]
    const before = await Promise.all(servers.map((url) => scrapeCounters(url)))
    const steps = await runDemo({
      issuer: system.urls.issuer,
      resources: Object.entries(system.urls.resources).map(([name, url]) => ({ name, url })),
    })
    expect(steps.every((step) => step.ok)).toBe(true)

    const response = await fetch(metricsUrl(system.urls.issuer))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const authorization = counterChanges(before[0] ?? new Map(), parseCounters(await response.text()))
    expect(authorization).toContainEqual([
      'dpop_tokens_issued_total{oauth_grant_type="client_credentials",dpop_token_type="DPoP"}',
      1,
    ])
    expect(authorization).toContainEqual([
      'dpop_proofs_total{dpop_source="authorization-server",dpop_outcome="refused",dpop_reason="missing",error_type="invalid_dpop_proof"}',
      1,
    ])

    const express = counterChanges(
      before[1] ?? new Map(),
      (await scrapeCounters(system.urls.resources.express)) ?? new Map(),
    )
    expect(express).toContainEqual(['dpop_replays_total{dpop_source="resource-guard"}', 1])
    // The routes behind the guard are untouched: /api/me still answers 401 without a token.
    expect((await fetch(system.urls.resources.koa)).status).toBe(401)
  })
})
