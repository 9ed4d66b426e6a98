import { type DPoPAlgorithm, generateKeyPair } from '@dpop/core'
import { exchange, type HttpRequest, type HttpResponse, type HttpTransport } from './http-exchange.js'
import { ProofBuilder, type ProofTarget, type SigningKey, signingKeyOf } from './proof-builder.js'
import type { ConformanceClient, ConformanceResource, ConformanceTarget } from './types.js'

/** Builds the proof of one attempt; `nonce` is the latest one the server handed out, if any. */
export type ProofFactory = (builder: ProofBuilder) => Promise<string | readonly string[] | undefined>

export interface SendOptions {
  notes?: string
  /** Headers added to (or replacing) the usual ones. */
  headers?: Record<string, string | readonly string[]>
}

export interface ResourceSendOptions extends SendOptions {
  /** @default the control access token */
  accessToken?: string
  /** @default 'DPoP' */
  scheme?: string
  /** The key of the proof builder. @default the main key */
  key?: SigningKey
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

/** State shared by the cases of one run: endpoints, keys, the controls' token, the server's nonces. */
export class RunContext {
  metadata: Record<string, unknown> | undefined
  tokenEndpoint: string
  /** Whether the token endpoint / first resource asked for a nonce during the controls. */
  readonly nonceDemanded = { token: false, resource: false }
  /** The access token of the token control, bound to `key`. */
  accessToken: string | undefined
  /** Results of the controls: the token request and each resource. */
  readonly controls = { metadata: false, token: false, resources: [] as boolean[] }
  /** Whether the last `sendWithNonce` was answered `use_dpop_nonce` first. */
  lastChallenged = false
  private readonly nonces = new Map<string, string>()
  private readonly extraKeys = new Map<string, Promise<SigningKey>>()

  constructor(
    readonly target: ConformanceTarget,
    readonly transport: HttpTransport,
    readonly key: SigningKey,
    readonly otherKey: SigningKey,
  ) {
    this.tokenEndpoint = `${target.issuer.replace(/\/$/, '')}/token`
  }

  get resource(): ConformanceResource & { method: string } {
    const first = this.target.resources[0]
    if (first === undefined) throw new TypeError('target.resources needs at least one resource')
    return { ...first, method: first.method ?? 'GET' }
  }

  get origin(): string {
    return this.target.origin ?? 'https://conformance.invalid'
  }

  /** A key of another algorithm, generated once per run. */
  extraKey(alg: DPoPAlgorithm): Promise<SigningKey> {
    let key = this.extraKeys.get(alg)
    if (key === undefined) {
      key = generateKeyPair(alg).then((pair) => signingKeyOf(pair, alg))
      this.extraKeys.set(alg, key)
    }
    return key
  }

  endpoint(name: string): string | undefined {
    const value = this.metadata?.[name]
    return typeof value === 'string' ? value : undefined
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
  ): Promise<HttpResponse> {
    let response: HttpResponse | undefined
    this.lastChallenged = false
    for (let attempt = 0; attempt < 2; attempt++) {
      const nonce = this.nonceFor(target.htu)
      const builder = new ProofBuilder(key, nonce === undefined ? target : { ...target, nonce })
      const proof = await build(builder)
      response = await this.send(request(proof))
      const previous = nonce
      this.remember(target.htu, response)
      const retry = response.received.error === 'use_dpop_nonce' && this.nonceFor(target.htu) !== previous
      if (!retry) break
      this.lastChallenged = true
    }
    return response as HttpResponse
  }

  /** A client-credentials token request (RFC 6749 §4.4) carrying what `build` makes as `DPoP`. */
  tokenRequest(build: ProofFactory, options: SendOptions = {}): Promise<HttpResponse> {
    return this.sendWithNonce({ htm: 'POST', htu: this.tokenEndpoint }, this.key, build, (proof) =>
      this.tokenHttpRequest(this.target.client, proof, options),
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

  /** A request to the first resource with the control token and what `build` makes as `DPoP`. */
  resourceRequest(build: ProofFactory, options: ResourceSendOptions = {}): Promise<HttpResponse> {
    const { url, method } = this.resource
    const accessToken = options.accessToken ?? this.accessToken ?? ''
    return this.sendWithNonce(
      { htm: method, htu: url, accessToken },
      options.key ?? this.key,
      build,
      (proof) => this.resourceHttpRequest(proof, { ...options, accessToken }),
    )
  }

  resourceHttpRequest(
    proof: string | readonly string[] | undefined,
    options: ResourceSendOptions & { resource?: ConformanceResource },
  ): HttpRequest {
    const resource = options.resource ?? this.resource
    const headers: Record<string, string | readonly string[]> = {
      authorization: `${options.scheme ?? 'DPoP'} ${options.accessToken ?? this.accessToken ?? ''}`,
    }
    if (proof !== undefined) headers['dpop'] = proof
    Object.assign(headers, options.headers)
    const request: HttpRequest = { method: resource.method ?? 'GET', url: resource.url, headers }
    if (options.notes !== undefined) request.notes = options.notes
    return request
  }
}
