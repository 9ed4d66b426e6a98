import { DPoPError } from '@dpop/core'
import { describe, expect, it } from 'vitest'
import { authorizeErrorResponse, prefersHtml } from './authorize-error-response.js'
import { ISSUER, makeServer, pkce, REDIRECT_URI, request } from './test-support.js'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const accepting = (accept?: string) =>
  request('GET', `${ISSUER}/authorize`, accept === undefined ? {} : { headers: { accept } })

describe('RFC 6749 §4.1.2.1 an authorization error that cannot be redirected', () => {
  it('is HTML for a browser and JSON for an API client, chosen by Accept', () => {
    expect(prefersHtml(accepting(BROWSER_ACCEPT))).toBe(true)
    expect(prefersHtml(accepting('text/html'))).toBe(true)
    for (const accept of [
      undefined,
      '*/*',
      'application/json',
      'text/html;q=0.5, application/json',
      'text/html;q=0',
    ]) {
      expect(prefersHtml(accepting(accept))).toBe(false)
    }
  })

  it('shows a browser a sentence and the error code, escaped, not framable, varying by Accept', () => {
    const error = new DPoPError('invalid_request', 'redirect_uri', {
      description: 'redirect_uri <b>is</b> not registered',
    })
    const page = authorizeErrorResponse(error, accepting(BROWSER_ACCEPT))
    expect(page.status).toBe(400)
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8')
    expect(page.headers['Vary']).toBe('Accept')
    expect(page.headers['X-Frame-Options']).toBe('DENY')
    expect(page.body).toContain('cannot safely send you back')
    expect(page.body).toContain(
      '<code>invalid_request</code>: redirect_uri &lt;b&gt;is&lt;/b&gt; not registered',
    )
    expect(page.body).not.toContain('<b>')
  })

  it('gives API clients the RFC 6749 error object', () => {
    const error = new DPoPError('invalid_client', 'client_unknown', { description: 'unknown client' })
    const response = authorizeErrorResponse(error, accepting('application/json'))
    expect(response.status).toBe(400)
    expect(response.headers['Content-Type']).toBe('application/json')
    expect(response.headers['Vary']).toBe('Accept')
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_client',
      error_description: 'unknown client',
    })
  })

  it('tells a browser that an already completed or expired sign-in must start again', () => {
    const error = new DPoPError('invalid_request', 'interaction', {
      description: 'this authorization was already completed or expired',
    })
    expect(authorizeErrorResponse(error, accepting(BROWSER_ACCEPT)).body).toContain('start again')
  })

  it('reveals nothing of an internal error', () => {
    const page = authorizeErrorResponse(new Error('secret detail'), accepting(BROWSER_ACCEPT))
    expect(page.status).toBe(500)
    expect(page.body).toContain('<code>server_error</code>')
    expect(page.body).not.toContain('secret detail')
  })

  it('is what the authorization endpoint answers a browser for an unregistered redirect_uri', async () => {
    const { server } = makeServer()
    const { challenge } = await pkce()
    const url = new URL(`${ISSUER}/authorize`)
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: `${REDIRECT_URI}/elsewhere`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(name, value)
    const page = await server.handle(request('GET', url.href, { headers: { accept: BROWSER_ACCEPT } }))
    expect(page?.status).toBe(400)
    expect(page?.headers['Location']).toBeUndefined()
    expect(page?.headers['Content-Type']).toBe('text/html; charset=utf-8')
    expect(page?.body).toContain('<code>invalid_request</code>')
    const json = await server.handle(request('GET', url.href, { headers: { accept: 'application/json' } }))
    expect(JSON.parse(json?.body ?? '')).toMatchObject({ error: 'invalid_request' })
  })
})
