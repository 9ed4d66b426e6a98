import type { InteractionContext, InteractionResult } from '@dpop/server'
import { describe, expect, it } from 'vitest'
import { createLoginInteraction } from './login-pages.js'

const hook = createLoginInteraction({
  users: [{ username: 'alice', password: 'alice-password', subject: 'alice' }],
})
const resumeUrl = 'http://localhost:4000/authorize?interaction=abc'

function context(
  options: { firstVisit?: boolean; method?: string; cookie?: string; form?: Record<string, string> } = {},
): InteractionContext {
  return {
    interactionId: 'abc',
    authorization: {
      clientId: 'demo-web',
      redirectUri: 'http://localhost:4000/cb',
      redirectUriProvided: true,
      scope: 'api:read',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      pushed: false,
    },
    client: { clientId: 'demo-web', clientName: '<script>alert(1)</script>' },
    request: {
      method: options.method ?? 'GET',
      url: resumeUrl,
      header: (name) => (name === 'cookie' ? options.cookie : undefined),
    },
    form: new URLSearchParams(options.form),
    firstVisit: options.firstVisit ?? false,
    resumeUrl,
  }
}

function page(result: InteractionResult) {
  if (!('response' in result)) throw new Error(`expected a page, got ${JSON.stringify(result)}`)
  return result.response
}

async function startSignIn() {
  const first = page(await hook(context({ firstVisit: true })))
  const setCookie = first.headers['Set-Cookie'] ?? ''
  const csrf = first.body.match(/name="csrf" value="([^"]+)"/)?.[1] ?? ''
  return { first, setCookie, cookie: setCookie.split(';')[0] ?? '', csrf }
}

describe('login and consent pages (the interaction hook)', () => {
  it('binds the pending authorization to the first browser with an HttpOnly, SameSite cookie', async () => {
    const { first, setCookie, csrf } = await startSignIn()
    expect(first.status).toBe(200)
    expect(setCookie).toMatch(
      /^dpop_interaction_[\w-]+=[\w-]+; Path=\/authorize; Max-Age=600; HttpOnly; SameSite=Lax$/,
    )
    expect(csrf).not.toBe('')
    expect(first.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'")
    // The client name is text, never markup.
    expect(first.body).not.toContain('<script>')
    expect(first.body).toContain('&lt;script&gt;')
  })

  it('refuses the resume URL without the cookie, and a form without the CSRF token', async () => {
    const { cookie, csrf } = await startSignIn()
    const login = { csrf, step: 'login', username: 'alice', password: 'alice-password' }
    expect(page(await hook(context({ method: 'POST', form: login }))).status).toBe(403)
    expect(page(await hook(context({ method: 'POST', form: login, cookie: `${cookie}x` }))).status).toBe(403)
    expect(
      page(await hook(context({ method: 'POST', form: { ...login, csrf: 'forged' }, cookie }))).status,
    ).toBe(403)
  })

  it('refuses a wrong password or user, then shows the consent page to alice', async () => {
    const { cookie, csrf } = await startSignIn()
    const post = async (form: Record<string, string>) => hook(context({ method: 'POST', cookie, form }))
    for (const [username, password] of [
      ['alice', 'alice-passwor'],
      ['alice', ''],
      ['bob', 'alice-password'],
    ] as const) {
      const refused = page(await post({ csrf, step: 'login', username, password }))
      expect(refused.status).toBe(401)
      expect(refused.body).toContain('Wrong user name or password')
    }
    const consent = page(await post({ csrf, step: 'login', username: 'alice', password: 'alice-password' }))
    expect(consent.status).toBe(200)
    expect(consent.body).toContain('Allow access?')
    expect(consent.body).toContain('api:read')
  })

  it('completes with the signed-in subject on Allow, access_denied on Deny, and refuses a forged login', async () => {
    const { cookie, csrf } = await startSignIn()
    const consent = page(
      await hook(
        context({
          method: 'POST',
          cookie,
          form: { csrf, step: 'login', username: 'alice', password: 'alice-password' },
        }),
      ),
    )
    const login = consent.body.match(/name="login" value="([^"]+)"/)?.[1] ?? ''
    const decide = (form: Record<string, string>) => hook(context({ method: 'POST', cookie, form }))
    expect(await decide({ csrf, step: 'consent', login, decision: 'allow' })).toEqual({ subject: 'alice' })
    expect(await decide({ csrf, step: 'consent', login, decision: 'deny' })).toEqual({
      error: 'access_denied',
    })
    const forged = `mallory.${login.split('.')[1]}`
    expect(page(await decide({ csrf, step: 'consent', login: forged, decision: 'allow' })).status).toBe(403)
    expect(page(await decide({ csrf, step: 'consent', login: 'alice', decision: 'allow' })).status).toBe(403)
  })
})
