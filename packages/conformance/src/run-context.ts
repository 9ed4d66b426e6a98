import { algorithmOfKey, type DPoPAlgorithm, generateKeyPair, parseWWWAuthenticate } from '@dpop/core'
import { exchange, type HttpRequest, type HttpResponse, type HttpTransport } from './http-exchange.js'
import { ProofBuilder, type ProofTarget, type SigningKey, signingKeyOf } from './proof-builder.js'
import type { Side } from './side.js'
import type { ConformanceClient, ConformanceResource, ConformanceTarget, UserTokens } from './types.js'

/** Builds the proof of one attempt; `nonce` is the latest one the server handed out, if any. */
export type ProofFactory = (builder: ProofBuilder) => Promise<string | readonly string[] | undefined>

export interface SendOptions {
  notes?: string
  /** Headers added to (or replacing) the usual ones. */
  headers?: Record<string, string | readonly string[]>
  /** Send the proof as built, without the nonce the server handed out and without a retry. */
  withoutNonce?: boolean
}

export interface ResourceSendOptions extends SendOptions {
  /** @default the token the resource takes */
  accessToken?: string
  /** @default 'DPoP' */
  scheme?: string
  /** The key of the proof builder. @default the key the token is bound to */
  key?: SigningKey
  /** Leave out the Authorization header. */
  withoutAuthorization?: boolean
  /** Another method than the resource's (the proof's htm follows). */
  method?: string
  /** Query parameters added to the URL (the proof's htu ignores them, RFC 9449 §4.3 step 9). */
  query?: Record<string, string>
  /** An `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>
}

/** The token a resource takes and the key it is bound to. */
export interface ResourceCredentials {
  accessToken: string
  key: SigningKey
}

function basicCredentials(client: ConformanceClient): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${btoa(`${encode(client.clientId)}:${encode(client.clientSecret ?? '')}`)}`
}

/** The client authentication of a token-endpoint request (RFC 6749 §2.3.1). */
export function authenticateClient(
  client: ConformanceClient,
  body: URLSearchParams,
  headers: Record<string, string | readonly string[]>,
): void {
  const method = client.authMethod ?? (client.clientSecret === undefined ? 'none' : 'client_secret_basic')
  if (method === 'client_secret_basic') {
    headers['authorization'] = basicCredentials(client)
  } else {
    body.set('client_id', client.clientId)
    if (method === 'client_secret_post') body.set('client_secret', client.clientSecret ?? '')
  }
}

/** Algorithms named by the `algs` parameter of a DPoP challenge (RFC 9449 §7.1). */
function challengeAlgorithms(challenge: string | undefined): readonly string[] | undefined {
  if (challenge === undefined) return undefined
  try {
    const dpop = parseWWWAuthenticate(challenge).find((c) => c.scheme.toLowerCase() === 'dpop')
    const algs = dpop?.params['algs']
    return algs === undefined ? undefined : algs.split(' ').filter((alg) => alg !== '')
  } catch {
    return undefined
  }
}

/** State shared by the cases of one run: endpoints, keys, the controls' tokens, the servers' nonces. */
export class RunContext {
  metadata: Record<string, unknown> | undefined
  tokenEndpoint: string
  /** Whether the token endpoint / each resource asked for a nonce during the controls. */
  readonly nonceDemanded = { token: false, resources: [] as boolean[] }
  /** The access token of the token control, bound to `key`. */
  accessToken: string | undefined
  /** Results of the controls: the token request and each resource. */
  readonly controls = { metadata: false, token: false, resources: [] as boolean[] }
  /** Whether the last `sendWithNonce` was answered `use_dpop_nonce` first. */
  lastChallenged = false
  private readonly nonces = new Map<string, string>()
  private readonly extraKeys = new Map<string, Promise<SigningKey>>()
  private readonly boundTokens = new Map<SigningKey, Promise<string | HttpResponse>>()
  private readonly userTokens = new Map<SigningKey, Promise<ResourceCredentials | string>>()
  private readonly challengeAlgs = new Map<number, Promise<readonly string[] | undefined>>()
  private readonly nonceProbes = new Map<number, Promise<boolean>>()
  private user: Promise<ResourceCredentials & { tokens: UserTokens }> | undefined

  constructor(
    readonly target: ConformanceTarget,
    readonly transport: HttpTransport,
    readonly key: SigningKey,
    readonly otherKey: SigningKey,
  ) {
    this.tokenEndpoint = `${target.issuer.replace(/\/$/, '')}/token`
  }

  resourceAt(index: number): Omit<ConformanceResource, 'staleNonce'> & { method: string } {
    const resource = this.target.resources[index]
    if (resource === undefined) throw new TypeError(`target.resources has no resource #${index}`)
    // Not spread: staleNonce is read only by its case.
    const { url, method = 'GET', tokens } = resource
    return tokens === undefined ? { url, method } : { url, method, tokens }
  }

  get origin(): string {
    return this.target.origin ?? 'https://conformance.invalid'
  }

  /** A key of another algorithm (extractable: the private-jwk cases send it), generated once per run. */
  extraKey(alg: DPoPAlgorithm): Promise<SigningKey> {
    let key = this.extraKeys.get(alg)
    if (key === undefined) {
      key = generateKeyPair(alg, { extractable: true }).then((pair) => signingKeyOf(pair, alg))
      this.extraKeys.set(alg, key)
    }
    return key
  }

  /**
   * A client-credentials token bound to `key`, asked for once per key: the token of a resource case whose
   * proof must be signed by another key than the controls'. The refusing response when there is none.
   */
  tokenFor(key: SigningKey): Promise<string | HttpResponse> {
    let token = this.boundTokens.get(key)
    if (token === undefined) {
      token = this.tokenRequest(
        (builder) => builder.valid(),
        { notes: `DPoP: valid ${key.alg} proof` },
        key,
      ).then((response) => {
        const value = response.json?.['access_token']
        return response.status === 200 && typeof value === 'string' ? value : response
      })
      this.boundTokens.set(key, token)
    }
    return token
  }

  /**
   * The credentials for a proof by `key` at resource `index`: a token bound to it, or why there is none (the
   * resource takes user tokens, or the authorization server issued none for this key).
   */
  async credentialsFor(index: number, key: SigningKey): Promise<ResourceCredentials | string> {
    if (this.resourceAt(index).tokens === 'user') return this.userTokenFor(key)
    const token = await this.tokenFor(key)
    if (typeof token !== 'string') {
      const error = token.received.error === undefined ? '' : ` ${token.received.error}`
      return `the authorization server issued no token bound to a key for ${key.alg} (${token.status}${error})`
    }
    return { accessToken: token, key }
  }

  /** The user's tokens (`target.userTokens`), asked for once per run. */
  userCredentials(): Promise<ResourceCredentials & { tokens: UserTokens }> {
    const userTokens = this.target.userTokens
    if (userTokens === undefined) throw new TypeError('a resource taking user tokens needs target.userTokens')
    this.user ??= userTokens().then(async (tokens) => ({
      tokens,
      accessToken: tokens.accessToken,
      key: await signingKeyOf(tokens.dpopKeyPair, algorithmOfKey(tokens.dpopKeyPair.privateKey)),
    }))
    return this.user
  }

  /** User tokens bound to `key` (asked for once per key), or why there are none. */
  userTokenFor(key: SigningKey): Promise<ResourceCredentials | string> {
    const userTokens = this.target.userTokens
    if (userTokens === undefined) return Promise.resolve('give target.userTokens to run this case')
    let credentials = this.userTokens.get(key)
    if (credentials === undefined) {
      const pair = { publicKey: key.publicKey, privateKey: key.privateKey }
      credentials = userTokens(pair).then(
        (tokens) =>
          tokens.dpopKeyPair.publicKey === key.publicKey
            ? { accessToken: tokens.accessToken, key }
            : 'target.userTokens bound the tokens to another key than the one the kit gave it',
        (error: unknown) =>
          `target.userTokens got no tokens bound to a key for ${key.alg} (${error instanceof Error ? error.message : String(error)})`,
      )
      this.userTokens.set(key, credentials)
    }
    return credentials
  }

  /** The token resource `index` takes and its key (after the controls). */
  async credentialsAt(index: number): Promise<ResourceCredentials> {
    if (this.resourceAt(index).tokens === 'user') return this.userCredentials()
    return { accessToken: this.accessToken ?? '', key: this.key }
  }

  endpoint(name: string): string | undefined {
    const value = this.metadata?.[name]
    return typeof value === 'string' ? value : undefined
  }

  /** The URL a request to `side` goes to. */
  urlOf(side: Side): string {
    return side === 'token' ? this.tokenEndpoint : this.resourceAt(side).url
  }

  /**
   * Whether `side` demands nonces: it asked for one during its control, or it answers a valid proof without
   * nonce with `use_dpop_nonce` (asked once: a resource sharing the authorization server's origin got its
   * nonce in the control and could not ask).
   */
  demandsNonce(side: Side): Promise<boolean> {
    if (side === 'token') return Promise.resolve(this.nonceDemanded.token)
    if (this.nonceDemanded.resources[side] === true) return Promise.resolve(true)
    let demanded = this.nonceProbes.get(side)
    if (demanded === undefined) {
      demanded = this.resourceRequest(side, (builder) => builder.valid(), {
        withoutNonce: true,
        notes: 'DPoP: valid proof without nonce, to learn whether the resource demands one',
      }).then((response) => response.received.error === 'use_dpop_nonce')
      this.nonceProbes.set(side, demanded)
    }
    return demanded
  }

  /**
   * The algorithms `side` advertises: `dpop_signing_alg_values_supported` of the metadata (RFC 9449 §5.1)
   * for the token endpoint, the `algs` of the resource's DPoP challenge to a request without credentials
   * (RFC 9449 §7.1) for a resource. Undefined when it advertises none.
   */
  advertisedAlgorithms(side: Side): Promise<readonly string[] | undefined> {
    if (side === 'token') {
      const value = this.metadata?.['dpop_signing_alg_values_supported']
      return Promise.resolve(
        Array.isArray(value) ? value.filter((alg): alg is string => typeof alg === 'string') : undefined,
      )
    }
    let algs = this.challengeAlgs.get(side)
    if (algs === undefined) {
      const { url, method } = this.resourceAt(side)
      algs = this.send({ method, url, notes: 'no credentials, to read the challenge' }).then((response) =>
        challengeAlgorithms(response.received.challenge),
      )
      this.challengeAlgs.set(side, algs)
    }
    return algs
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    return exchange(this.transport, request)
  }

  nonceFor(url: string): string | undefined {
    return this.nonces.get(new URL(url).origin)
  }

  /** Keeps the latest `DPoP-Nonce` per origin (RFC 9449 §8.2: a server may send a new one on any answer). */
  remember(url: string, response: HttpResponse): void {
    const nonce = response.header('dpop-nonce')
    if (nonce !== undefined && nonce !== '') this.nonces.set(new URL(url).origin, nonce)
  }

  /**
   * Sends `build()` until the server stops asking for a fresh nonce: once again after `use_dpop_nonce`
   * (RFC 9449 §8), so that a case is judged on its own defect, not on a missing nonce.
   */
  async sendWithNonce(
    target: ProofTarget,
    key: SigningKey,
    build: ProofFactory,
    request: (proof: string | readonly string[] | undefined) => HttpRequest,
    withoutNonce = false,
  ): Promise<HttpResponse> {
    let response: HttpResponse | undefined
    this.lastChallenged = false
    for (let attempt = 0; attempt < 2; attempt++) {
      const nonce = withoutNonce ? undefined : this.nonceFor(target.htu)
      const builder = new ProofBuilder(key, nonce === undefined ? target : { ...target, nonce })
      const proof = await build(builder)
      response = await this.send(request(proof))
      this.remember(target.htu, response)
      const retry =
        !withoutNonce && response.received.error === 'use_dpop_nonce' && this.nonceFor(target.htu) !== nonce
      if (!retry) break
      this.lastChallenged = true
    }
    return response as HttpResponse
  }

  /** A client-credentials token request (RFC 6749 §4.4) carrying what `build` makes as `DPoP`. */
  tokenRequest(
    build: ProofFactory,
    options: SendOptions = {},
    key: SigningKey = this.key,
  ): Promise<HttpResponse> {
    return this.sendWithNonce(
      { htm: 'POST', htu: this.tokenEndpoint },
      key,
      build,
      (proof) => this.tokenHttpRequest(this.target.client, proof, options),
      options.withoutNonce,
    )
  }

  tokenHttpRequest(
    client: ConformanceClient,
    proof: string | readonly string[] | undefined,
    options: SendOptions & { parameters?: Record<string, string> },
  ): HttpRequest {
    const body = new URLSearchParams(options.parameters ?? { grant_type: 'client_credentials' })
    if (options.parameters === undefined && this.target.scope !== undefined)
      body.set('scope', this.target.scope)
    const headers: Record<string, string | readonly string[]> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    }
    authenticateClient(client, body, headers)
    if (proof !== undefined) headers['dpop'] = proof
    Object.assign(headers, options.headers)
    const request: HttpRequest = { method: 'POST', url: this.tokenEndpoint, headers, body: body.toString() }
    if (options.notes !== undefined) request.notes = options.notes
    return request
  }

  /** A request to resource `index` with its token and what `build` makes as `DPoP`. */
  async resourceRequest(
    index: number,
    build: ProofFactory,
    options: ResourceSendOptions = {},
  ): Promise<HttpResponse> {
    const { url } = this.resourceAt(index)
    const credentials = await this.credentialsAt(index)
    const accessToken = options.accessToken ?? credentials.accessToken
    const method = options.method ?? this.resourceAt(index).method
    return this.sendWithNonce(
      { htm: method, htu: url, accessToken },
      options.key ?? credentials.key,
      build,
      (proof) => this.resourceHttpRequest(index, proof, { ...options, accessToken }),
      options.withoutNonce,
    )
  }

  resourceHttpRequest(
    index: number,
    proof: string | readonly string[] | undefined,
    options: ResourceSendOptions & { accessToken: string },
  ): HttpRequest {
    const resource = this.resourceAt(index)
    const headers: Record<string, string | readonly string[]> = {}
    if (!options.withoutAuthorization) {
      headers['authorization'] = `${options.scheme ?? 'DPoP'} ${options.accessToken}`
    }
    if (proof !== undefined) headers['dpop'] = proof
    let url = resource.url
    if (options.query !== undefined) {
      const withQuery = new URL(resource.url)
      for (const [name, value] of Object.entries(options.query)) withQuery.searchParams.append(name, value)
      url = withQuery.href
    }
    const request: HttpRequest = { method: options.method ?? resource.method, url, headers }
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      request.body = new URLSearchParams(options.form).toString()
    }
    Object.assign(headers, options.headers)
    if (options.notes !== undefined) request.notes = options.notes
    return request
  }

  /** A request to `side` (token endpoint or resource) with what `build` makes as `DPoP`. */
  async requestAt(side: Side, build: ProofFactory, options: ResourceSendOptions = {}): Promise<HttpResponse> {
    return side === 'token'
      ? this.tokenRequest(build, options, options.key)
      : this.resourceRequest(side, build, options)
  }

  /** The proof target of `side` with the nonce the server handed out last, if any. */
  async proofTargetAt(side: Side, withNonce = true): Promise<{ target: ProofTarget; key: SigningKey }> {
    const url = this.urlOf(side)
    const nonce = withNonce ? this.nonceFor(url) : undefined
    if (side === 'token') {
      return { target: { htm: 'POST', htu: url, ...(nonce === undefined ? {} : { nonce }) }, key: this.key }
    }
    const { accessToken, key } = await this.credentialsAt(side)
    const htm = this.resourceAt(side).method
    return { target: { htm, htu: url, accessToken, ...(nonce === undefined ? {} : { nonce }) }, key }
  }

  /** The HTTP request of `side` carrying `proof` as built (no nonce handling). */
  async httpRequestAt(
    side: Side,
    proof: string | readonly string[] | undefined,
    notes: string,
  ): Promise<HttpRequest> {
    if (side === 'token') return this.tokenHttpRequest(this.target.client, proof, { notes })
    const { accessToken } = await this.credentialsAt(side)
    return this.resourceHttpRequest(side, proof, { accessToken, notes })
  }
}
