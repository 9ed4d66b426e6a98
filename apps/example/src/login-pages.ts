import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { InteractionContext, InteractionHook, InteractionResult } from '@dpop/server'
import { escapeHtml, htmlPage } from './html.js'

/** A user who can sign in on the login page. */
export interface DemoUser {
  username: string
  password: string
  /** The `sub` of the tokens issued after this user signs in. */
  subject: string
}

export interface LoginInteractionOptions {
  users: readonly DemoUser[]
  /**
   * Key of the HMACs that bind a pending authorization to the browser that started it, protect its forms
   * against CSRF and carry the signed-in user from the login step to the consent step (no server state,
   * so several instances sharing the secret agree). @default 32 random bytes
   */
  secret?: Uint8Array
  /** Seconds the binding cookie lives; match the server's `interactionLifetime`. @default 600 */
  cookieMaxAge?: number
}

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  'api:read': 'read your data through the demo APIs',
  profile: 'know your user name',
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Constant-time string comparison: hashing first makes the lengths equal and leaks nothing. */
export function safeEqual(actual: string | undefined, expected: string): boolean {
  return timingSafeEqual(sha256(actual ?? ''), sha256(expected)) && actual !== undefined
}

function cookieValue(header: string | readonly string[] | undefined, name: string): string | undefined {
  const joined = typeof header === 'string' ? header : (header ?? []).join('; ')
  for (const part of joined.split(';')) {
    const index = part.indexOf('=')
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

/**
 * The `interaction` hook of the demo authorization server: a login page (password checked in constant time)
 * then a consent page. The first visit sets a cookie bound to the pending authorization: the resume URL
 * alone, opened in another browser, cannot complete it. Every form carries a CSRF token.
 */
export function createLoginInteraction(options: LoginInteractionOptions): InteractionHook {
  const secret = options.secret ?? randomBytes(32)
  const maxAge = options.cookieMaxAge ?? 600
  const mac = (purpose: string, ...parts: string[]) =>
    createHmac('sha256', secret)
      .update([purpose, ...parts].join('\n'))
      .digest('base64url')

  const findUser = (username: string, password: string): DemoUser | undefined => {
    let found: DemoUser | undefined
    for (const user of options.users) {
      // Both comparisons always run, for every user: the time taken does not tell which part was wrong.
      const matches = Number(safeEqual(username, user.username)) & Number(safeEqual(password, user.password))
      if (matches === 1) found = user
    }
    return found
  }

  const header = (context: InteractionContext) => {
    const name = context.client.clientName ?? context.client.clientId
    return `<p class="muted">Authorization server of the DPoP example · client <strong>${escapeHtml(name)}</strong></p>`
  }

  const loginPage = (context: InteractionContext, error?: string, headers: Record<string, string> = {}) =>
    htmlPage(
      error === undefined ? 200 : 401,
      'Sign in',
      `${header(context)}<h1>Sign in</h1>
      ${error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
      <form method="post" action="${escapeHtml(context.resumeUrl)}">
        <input type="hidden" name="csrf" value="${mac('csrf', context.interactionId)}">
        <input type="hidden" name="step" value="login">
        <label>User name <input type="text" name="username" autocomplete="username" required autofocus></label>
        <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">Demo account: <code>alice</code> / <code>alice-password</code></p>`,
      headers,
    )

  const consentPage = (context: InteractionContext, user: DemoUser) => {
    const { authorization } = context
    const scopes = authorization.scope === '' ? [] : authorization.scope.split(' ')
    const items = scopes
      .map(
        (scope) =>
          `<li><code>${escapeHtml(scope)}</code> ${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? '')}</li>`,
      )
      .join('')
    const binding =
      authorization.dpopJkt === undefined
        ? '<p>The tokens will be bound to the DPoP key of the client’s first token request.</p>'
        : `<p>The tokens will be bound to the key with thumbprint <code>${escapeHtml(authorization.dpopJkt)}</code>.</p>`
    return htmlPage(
      200,
      'Allow access?',
      `${header(context)}<h1>Allow access?</h1>
      <p>Signed in as <strong>${escapeHtml(user.username)}</strong>. The client
      <code>${escapeHtml(context.client.clientId)}</code> asks to:</p>
      <ul>${items || '<li>use no particular scope</li>'}</ul>
      ${binding}
      <p class="muted">You will return to <code>${escapeHtml(new URL(authorization.redirectUri).origin)}</code>.</p>
      <form method="post" action="${escapeHtml(context.resumeUrl)}">
        <input type="hidden" name="csrf" value="${mac('csrf', context.interactionId)}">
        <input type="hidden" name="step" value="consent">
        <input type="hidden" name="login" value="${escapeHtml(user.subject)}.${mac('login', context.interactionId, user.subject)}">
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny">Deny</button>
      </form>`,
    )
  }

  const refuse = (message: string): InteractionResult => ({
    response: htmlPage(403, 'Cannot continue', `<h1>Cannot continue</h1><p>${escapeHtml(message)}</p>`),
  })

  return (context) => {
    const { interactionId, form } = context
    // The cookie name comes from the id, so parallel sign-ins in one browser keep their own cookies.
    const cookieName = `dpop_interaction_${mac('name', interactionId).slice(0, 16)}`
    const binding = mac('bind', interactionId)
    if (context.firstVisit) {
      const path = new URL(context.resumeUrl).pathname
      const cookie = `${cookieName}=${binding}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`
      return { response: loginPage(context, undefined, { 'Set-Cookie': cookie }) }
    }
    if (!safeEqual(cookieValue(context.request.header('cookie'), cookieName), binding)) {
      return refuse('This sign-in was started in another browser, or its cookie expired. Start again.')
    }
    if (context.request.method !== 'POST') return { response: loginPage(context) }
    if (!safeEqual(form.get('csrf') ?? undefined, mac('csrf', interactionId))) {
      return refuse('The form could not be verified. Start again.')
    }
    if (form.get('step') === 'login') {
      const user = findUser(form.get('username') ?? '', form.get('password') ?? '')
      if (user === undefined) return { response: loginPage(context, 'Wrong user name or password.') }
      return { response: consentPage(context, user) }
    }
    if (form.get('step') === 'consent') {
      const login = form.get('login') ?? ''
      const subject = login.slice(0, login.lastIndexOf('.'))
      if (
        login.lastIndexOf('.') <= 0 ||
        !safeEqual(login, `${subject}.${mac('login', interactionId, subject)}`)
      ) {
        return refuse('The sign-in could not be verified. Start again.')
      }
      return form.get('decision') === 'allow' ? { subject } : { error: 'access_denied' }
    }
    return { response: loginPage(context) }
  }
}
