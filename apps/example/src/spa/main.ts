import {
  createDPoPHandle,
  createIndexedDBKeyStore,
  createOAuthClient,
  createTokenManager,
  type DPoPHandle,
  type OAuthClient,
  type TokenManager,
  type TokenSet,
} from '@dpop/client'
import { decodeJwt } from 'jose'
import { h, json } from './dom.js'
import { createRecordingFetch, type RecordedExchange } from './recording-fetch.js'
import type { SpaConfig } from './spa-config.js'
import { tokenStorage } from './token-storage.js'

const MAX_EXCHANGES = 30

interface ResourceResult {
  status?: number
  body?: unknown
  error?: string
}

interface AppState {
  config: SpaConfig
  handle: DPoPHandle
  client: OAuthClient
  manager: TokenManager
  exchanges: RecordedExchange[]
  results: Map<string, ResourceResult>
  /** `manual` while the Refresh button's renewal runs; any other renewal is the token manager's own. */
  refreshes: { count: number; last?: string; manual: boolean }
  error?: string | undefined
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const description = (error as { description?: unknown }).description
    return typeof description === 'string' ? `${error.message}: ${description}` : error.message
  }
  return String(error)
}

function tokenClaims(tokens: TokenSet | undefined): Record<string, unknown> | undefined {
  if (tokens === undefined) return undefined
  try {
    return decodeJwt(tokens.accessToken)
  } catch {
    return undefined
  }
}

function render(state: AppState): void {
  const root = document.getElementById('app')
  if (root === null) return
  const { handle, manager } = state
  const tokens = manager.tokens
  const claims = tokenClaims(tokens)
  const jkt = (claims?.['cnf'] as { jkt?: string } | undefined)?.jkt
  const expiresIn =
    tokens?.expiresAt === undefined ? undefined : Math.round((tokens.expiresAt - Date.now()) / 1000)
  const button = (id: string, label: string, action: () => Promise<void>, enabled = true) => {
    const element = h('button', { id, type: 'button' }, label) as HTMLButtonElement
    element.disabled = !enabled
    element.addEventListener('click', () => {
      state.error = undefined
      action()
        .catch((error: unknown) => {
          state.error = errorText(error)
        })
        .finally(() => render(state))
    })
    return element
  }

  root.replaceChildren(
    h(
      'section',
      {},
      h('h2', {}, 'Key (IndexedDB)'),
      h('p', {}, 'Thumbprint (RFC 7638): ', h('code', { id: 'thumbprint' }, handle.thumbprint)),
      h(
        'p',
        { class: 'muted' },
        `${handle.algorithm} · private key extractable: `,
        h('code', { id: 'extractable' }, String(handle.keyPair.privateKey.extractable)),
      ),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Session'),
      h(
        'p',
        {},
        button('sign-in', 'Sign in', () => signIn(state), tokens === undefined),
        button('call-apis', 'Call the three APIs', () => callApis(state), tokens !== undefined),
        button('refresh', 'Refresh', () => refresh(state), tokens?.refreshToken !== undefined),
        button('sign-out', 'Sign out', () => signOut(state), tokens !== undefined),
      ),
      state.error === undefined
        ? undefined
        : h('p', { id: 'error', class: 'fail', role: 'alert' }, state.error),
      tokens === undefined
        ? h('p', { id: 'signed-out' }, 'Not signed in.')
        : h(
            'div',
            { id: 'token' },
            h(
              'p',
              {},
              'Access token bound to ',
              h('code', { id: 'token-jkt' }, jkt ?? '(none)'),
              ' ',
              h(
                'strong',
                { id: 'jkt-match', class: jkt === handle.thumbprint ? 'ok' : 'fail' },
                jkt === handle.thumbprint ? '= this key' : '≠ this key',
              ),
            ),
            h(
              'p',
              { class: 'muted' },
              `sub ${String(claims?.['sub'])} · scope ${tokens.scope ?? String(claims?.['scope'])} · expires in `,
              h('span', { id: 'expires-in' }, expiresIn === undefined ? '?' : `${expiresIn} s`),
              ` (renewed ${state.config.refreshSkew} s before) · refreshes: `,
              h('span', { id: 'refresh-count' }, String(state.refreshes.count)),
              state.refreshes.last === undefined
                ? ''
                : h('span', { id: 'refresh-last' }, ` (last: ${state.refreshes.last})`),
            ),
            json(claims ?? {}, { id: 'token-claims' }),
          ),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Responses'),
      h(
        'div',
        { class: 'grid' },
        ...state.config.resources.map(({ name, url }) => {
          const result = state.results.get(name)
          return h(
            'div',
            { class: 'card', id: `result-${name}`, 'data-status': String(result?.status ?? '') },
            h('strong', {}, name),
            ' ',
            h('code', {}, `GET ${url}`),
            result === undefined
              ? h('p', { class: 'muted' }, 'not called yet')
              : h(
                  'div',
                  {},
                  h(
                    'p',
                    { class: result.status === 200 ? 'ok' : 'fail' },
                    result.error ?? `HTTP ${String(result.status)}`,
                  ),
                  json(result.body ?? null, { class: 'body' }),
                ),
          )
        }),
      ),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Requests and the DPoP proofs they carried (newest first)'),
      ...state.exchanges.map((exchange) =>
        h(
          'details',
          { class: 'exchange' },
          h(
            'summary',
            {},
            h('code', {}, `${exchange.method} ${exchange.url}`),
            ` → ${exchange.status ?? exchange.error ?? '…'}`,
            exchange.nonceChallenge
              ? h(
                  'span',
                  { class: 'challenge' },
                  ' use_dpop_nonce: the expected server nonce challenge (RFC 9449 §8); the next request retries with the nonce',
                )
              : '',
            exchange.proof === undefined ? ' (no proof)' : '',
          ),
          exchange.authorization === undefined
            ? undefined
            : h('p', {}, 'Authorization: ', h('code', {}, exchange.authorization)),
          exchange.proof === undefined ? undefined : json(exchange.proof, { class: 'proof' }),
          exchange.dpopNonce === undefined
            ? undefined
            : h('p', {}, 'DPoP-Nonce: ', h('code', {}, exchange.dpopNonce)),
          json(exchange.body ?? null),
        ),
      ),
    ),
  )
}

async function signIn(state: AppState): Promise<void> {
  const request = await state.client.buildAuthorizationUrl({ scope: state.config.scope })
  tokenStorage.savePending({
    state: request.state,
    codeVerifier: request.codeVerifier,
    redirectUri: request.redirectUri,
  })
  window.location.assign(request.url.href)
}

async function callApis(state: AppState): Promise<void> {
  await Promise.all(
    state.config.resources.map(async ({ name, url }) => {
      try {
        const response = await state.manager.fetch(url)
        const text = await response.text()
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {}
        state.results.set(name, { status: response.status, body })
      } catch (error) {
        state.results.set(name, { error: errorText(error) })
      }
    }),
  )
}

async function refresh(state: AppState): Promise<void> {
  state.refreshes.manual = true
  try {
    await state.manager.renew()
  } finally {
    state.refreshes.manual = false
  }
}

async function signOut(state: AppState): Promise<void> {
  const refreshToken = state.manager.tokens?.refreshToken
  state.manager.setTokens(undefined)
  tokenStorage.save(undefined)
  state.results.clear()
  if (refreshToken !== undefined) await state.client.revoke(refreshToken, { tokenTypeHint: 'refresh_token' })
}

async function completeSignIn(state: AppState): Promise<void> {
  const pending = tokenStorage.takePending()
  window.history.replaceState(null, '', '/')
  if (pending === undefined) throw new Error('no sign-in was pending in this tab')
  if (new URL(callbackUrl).searchParams.get('error') === 'access_denied') {
    throw new Error(
      'You chose Deny on the consent page, so the app received no token. Sign in again to allow access.',
    )
  }
  const tokens = await state.client.exchangeAuthorizationCode(callbackUrl, pending)
  state.manager.setTokens(tokens)
  tokenStorage.save(tokens)
}

// The callback URL is read once, before replaceState hides the code from the address bar.
const callbackUrl = window.location.href

async function main(): Promise<void> {
  const originElement = document.getElementById('origin')
  if (originElement !== null) originElement.textContent = window.location.origin
  const config = (await (await fetch('/config.json')).json()) as SpaConfig
  // The key pair outlives reloads in IndexedDB; its private key cannot be exported, only used.
  const handle = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('dpop-example') })
  let state: AppState | undefined
  const client = createOAuthClient(handle, {
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    fetch: createRecordingFetch((exchange) => {
      if (state === undefined) return
      state.exchanges.unshift(exchange)
      state.exchanges.length = Math.min(state.exchanges.length, MAX_EXCHANGES)
    }),
  })
  const initialTokens = tokenStorage.load()
  let renewing = false
  const manager = createTokenManager(client, {
    ...(initialTokens === undefined ? {} : { tokens: initialTokens }),
    refreshSkew: config.refreshSkew,
    onTokens(tokens) {
      tokenStorage.save(tokens)
      if (state === undefined) return
      state.refreshes.count += 1
      state.refreshes.last = `${state.refreshes.manual ? 'manual' : 'automatic'} at ${new Date().toLocaleTimeString()}`
    },
  })
  state = {
    config,
    handle,
    client,
    manager,
    exchanges: [],
    results: new Map(),
    refreshes: { count: 0, manual: false },
  }
  if (window.location.pathname === '/callback') {
    try {
      await completeSignIn(state)
    } catch (error) {
      state.error = errorText(error)
    }
  }
  render(state)
  const current = state
  // Automatic refresh: the token manager renews when the token is within refreshSkew of expiry.
  window.setInterval(() => {
    const expiresAt = current.manager.tokens?.expiresAt
    if (expiresAt !== undefined && expiresAt - current.config.refreshSkew * 1000 <= Date.now() && !renewing) {
      renewing = true
      current.manager
        .getTokens()
        .catch((error: unknown) => {
          // No retry every second: the session is over (refresh token revoked or expired).
          current.manager.setTokens(undefined)
          tokenStorage.save(undefined)
          current.error = `automatic refresh failed, sign in again: ${errorText(error)}`
        })
        .finally(() => {
          renewing = false
          render(current)
        })
    } else {
      const element = document.getElementById('expires-in')
      if (element !== null && expiresAt !== undefined)
        element.textContent = `${Math.round((expiresAt - Date.now()) / 1000)} s`
    }
  }, 1000)
}

main().catch((error: unknown) => {
  const root = document.getElementById('app')
  if (root !== null)
    root.replaceChildren(h('p', { id: 'error', class: 'fail' }, `Failed to start: ${errorText(error)}`))
})
