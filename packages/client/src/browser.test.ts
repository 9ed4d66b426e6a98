import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireProgram } from '../../../test-prerequisites.js'
import { type OAuthTestServer, startOAuthTestServer } from '../test/oauth-test-server.js'
import type * as Client from './index.js'

declare global {
  // The IIFE bundle's global on the test page.
  var DPoPClient: typeof Client
}

const CHROMIUM = '/usr/bin/chromium' as const
let page: Server
let pageOrigin = ''
let authorizationServer: OAuthTestServer
let context: BrowserContext
let userDataDir = ''

beforeAll(async () => {
  requireProgram(CHROMIUM)
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'DPoPClient',
    platform: 'browser',
    target: 'es2022',
    // @dpop/core from its sources, as the tests resolve it: no build needed first.
    conditions: ['@dpop/source'],
    write: false,
  })
  const script = bundle.outputFiles[0]?.text ?? ''
  page = createServer((request, response) => {
    if (request.url === '/client.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script)
    } else {
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><script src="/client.js"></script>')
    }
  })
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
  // Another port is another origin: every call from the page is a CORS request.
  authorizationServer = await startOAuthTestServer({
    requireNonce: true,
    headers: {
      'Access-Control-Allow-Origin': pageOrigin,
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
      'Access-Control-Expose-Headers': 'DPoP-Nonce, WWW-Authenticate, Date',
    },
  })
  userDataDir = await mkdtemp(join(tmpdir(), 'dpop-chromium-'))
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 30_000)

afterAll(async () => {
  await context?.close()
  await authorizationServer?.close()
  await new Promise((resolve) => page?.close(resolve))
  if (userDataDir !== '') await rm(userDataDir, { recursive: true, force: true })
})

describe('in Chromium', () => {
  it('keeps a non-extractable key in IndexedDB across a reload and gets a DPoP token cross-origin with a nonce retry', async () => {
    const tab = await context.newPage()
    await tab.goto(pageOrigin)
    const created = await tab.evaluate(async () => {
      const handle = await DPoPClient.createDPoPHandle({
        keyStore: DPoPClient.createIndexedDBKeyStore('dpop-test'),
      })
      const exported = await crypto.subtle.exportKey('jwk', handle.keyPair.privateKey).then(
        () => true,
        () => false,
      )
      return { thumbprint: handle.thumbprint, extractable: handle.keyPair.privateKey.extractable, exported }
    })
    expect(created).toEqual({
      thumbprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      extractable: false,
      exported: false,
    })

    await tab.reload()
    const result = await tab.evaluate(async (issuer) => {
      const handle = await DPoPClient.createDPoPHandle({
        keyStore: DPoPClient.createIndexedDBKeyStore('dpop-test'),
      })
      const client = DPoPClient.createOAuthClient(handle, { issuer, clientId: 'spa' })
      const tokens = await client.clientCredentials({ scope: 'read' })
      return {
        thumbprint: handle.thumbprint,
        tokenType: tokens.tokenType,
        nonceRemembered: handle.nonceFor(`${issuer}/token`) !== undefined,
      }
    }, authorizationServer.url)
    expect(result).toEqual({ thumbprint: created.thumbprint, tokenType: 'DPoP', nonceRemembered: true })

    const tokenCalls = authorizationServer.requests.filter((request) => request.url.endsWith('/token'))
    expect(tokenCalls.map((request) => request.failure)).toEqual(['nonce_missing', undefined])
    // The server verified the proof's signature: the reloaded page holds the same private key.
    expect(tokenCalls[1]?.proof?.thumbprint).toBe(created.thumbprint)
    expect(tokenCalls[1]?.headers.origin).toBe(pageOrigin)
    await tab.close()
  }, 30_000)

  it('says why when a cross-origin server does not expose DPoP-Nonce', async () => {
    const hidden = await startOAuthTestServer({
      requireNonce: true,
      headers: {
        'Access-Control-Allow-Origin': pageOrigin,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
      },
    })
    try {
      const tab = await context.newPage()
      await tab.goto(pageOrigin)
      const reason = await tab.evaluate(async (issuer) => {
        const handle = await DPoPClient.createDPoPHandle()
        const client = DPoPClient.createOAuthClient(handle, { issuer, clientId: 'spa' })
        return client.clientCredentials().then(
          () => 'succeeded',
          (error: { reason?: string; message: string }) => `${error.reason}: ${error.message}`,
        )
      }, hidden.url)
      expect(reason).toMatch(/^nonce_unreadable: .*Access-Control-Expose-Headers/)
      expect(hidden.requests.filter((request) => request.url.endsWith('/token'))).toHaveLength(1)
      await tab.close()
    } finally {
      await hidden.close()
    }
  }, 30_000)
})
