// ../../../../tmp/observe-base/packages/server/src/index.ts
import { DPoPError as DPoPError24, isDPoPError as isDPoPError9 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/config.ts
import {
  assertAlgorithms,
  createMemoryReplayStore,
  createNonceSource,
  DEFAULT_ALGORITHMS
} from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/hash.ts
import { encodeBase64url, sha256Base64url } from "@dpop/core";
async function sha256(text) {
  return sha256Base64url(text);
}
function randomToken(bytes = 32) {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/memory-storage.ts
var ExpiringMap = class {
  #entries = /* @__PURE__ */ new Map();
  #now;
  constructor(now) {
    this.#now = now;
  }
  get(key) {
    const value = this.#entries.get(key);
    if (value === void 0) return void 0;
    if (value.expiresAt !== void 0 && value.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return void 0;
    }
    return value;
  }
  set(key, value) {
    this.#sweep();
    this.#entries.set(key, value);
  }
  take(key) {
    const value = this.get(key);
    this.#entries.delete(key);
    return value;
  }
  // A few expired entries per write keeps memory bounded by the live set without a timer.
  #sweep() {
    let budget = 4;
    const now = this.#now();
    for (const [key, value] of this.#entries) {
      if (budget-- <= 0) return;
      if (value.expiresAt !== void 0 && value.expiresAt <= now) this.#entries.delete(key);
    }
  }
};
var clone = (value) => structuredClone(value);
function createMemoryStorage(options = {}) {
  const now = options.now ?? Date.now;
  const clients = new ExpiringMap(now);
  const codes = new ExpiringMap(now);
  const redemptions = new ExpiringMap(now);
  const pushed = new ExpiringMap(now);
  const interactions = new ExpiringMap(now);
  const refreshTokens = new ExpiringMap(now);
  const revokedGrants = new ExpiringMap(now);
  const grantEnds = new ExpiringMap(now);
  const revokeUntil = (grantId, expiresAt) => {
    const until = Math.max(expiresAt, grantEnds.get(grantId)?.expiresAt ?? 0);
    const current = revokedGrants.get(grantId)?.expiresAt ?? 0;
    if (until > current) revokedGrants.set(grantId, { expiresAt: until });
  };
  const accessTokens = new ExpiringMap(now);
  const revokedAccessTokens = new ExpiringMap(now);
  return {
    async getClient(clientId) {
      const record = clients.get(clientId);
      return record === void 0 ? void 0 : clone(record);
    },
    async saveClient(record) {
      clients.set(record.clientId, clone(record));
    },
    async saveCode(codeHash, record) {
      codes.set(codeHash, clone(record));
    },
    async consumeCode(codeHash) {
      return codes.take(codeHash);
    },
    async saveCodeRedemption(codeHash, record) {
      redemptions.set(codeHash, clone(record));
    },
    async consumeCodeRedemption(codeHash) {
      return redemptions.take(codeHash);
    },
    async savePushedRequest(id, record) {
      pushed.set(id, clone(record));
    },
    async consumePushedRequest(id) {
      return pushed.take(id);
    },
    async saveInteraction(id, record) {
      interactions.set(id, clone(record));
    },
    async getInteraction(id) {
      const record = interactions.get(id);
      return record === void 0 ? void 0 : clone(record);
    },
    async consumeInteraction(id) {
      return interactions.take(id);
    },
    async saveRefreshToken(tokenHash, record) {
      const { grantId, expiresAt } = record;
      if (expiresAt > (grantEnds.get(grantId)?.expiresAt ?? 0)) grantEnds.set(grantId, { expiresAt });
      if (revokedGrants.get(grantId) !== void 0) revokeUntil(grantId, expiresAt);
      refreshTokens.set(tokenHash, { record: clone(record), used: false, expiresAt: record.expiresAt });
    },
    async getRefreshToken(tokenHash) {
      const entry = refreshTokens.get(tokenHash);
      if (entry === void 0) return void 0;
      const status = revokedGrants.get(entry.record.grantId) ? "revoked" : entry.used ? "used" : "active";
      return { record: clone(entry.record), status };
    },
    async rotateRefreshToken(tokenHash) {
      const entry = refreshTokens.get(tokenHash);
      if (entry === void 0) return void 0;
      if (revokedGrants.get(entry.record.grantId)) return { record: clone(entry.record), status: "revoked" };
      if (entry.used) return { record: clone(entry.record), status: "reused" };
      entry.used = true;
      return { record: clone(entry.record), status: "rotated" };
    },
    async revokeGrant(grantId, expiresAt) {
      revokeUntil(grantId, expiresAt);
    },
    async isGrantRevoked(grantId) {
      return revokedGrants.get(grantId) !== void 0;
    },
    async saveAccessToken(tokenHash, record) {
      accessTokens.set(tokenHash, clone(record));
    },
    async getAccessToken(tokenHash) {
      const record = accessTokens.get(tokenHash);
      return record === void 0 ? void 0 : clone(record);
    },
    async revokeAccessToken(jti, expiresAt) {
      revokedAccessTokens.set(jti, { expiresAt });
    },
    async isAccessTokenRevoked(jti) {
      return revokedAccessTokens.get(jti) !== void 0;
    }
  };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/redirect-uri.ts
var LOOPBACK = /* @__PURE__ */ new Set(["localhost", "127.0.0.1", "[::1]"]);
function isRedirectUriAllowed(uri) {
  if (typeof uri !== "string" || uri.includes("#") || /[\s\x00-\x1f\x7f]/.test(uri) || uri.length > 2048)
    return false;
  let url;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === "https:" || url.protocol === "http:" && LOOPBACK.has(url.hostname);
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/config.ts
var GRANT_TYPES = ["authorization_code", "client_credentials", "refresh_token"];
var AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"];
var LOOPBACK2 = /* @__PURE__ */ new Set(["localhost", "127.0.0.1", "[::1]"]);
var SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
function fail(message) {
  throw new TypeError(`createAuthorizationServer: ${message}`);
}
function seconds(value, fallback, name) {
  if (value === void 0) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    fail(`${name} must be a positive number of seconds`);
  }
  return value;
}
function resolveIssuer(issuer) {
  if (typeof issuer !== "string") fail("issuer is required (an https URL)");
  let url;
  try {
    url = new URL(issuer);
  } catch {
    fail("issuer must be an absolute URL");
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK2.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) fail("issuer must use https (http only on a loopback host)");
  if (url.search !== "" || url.hash !== "" || issuer.includes("?") || issuer.includes("#")) {
    fail("issuer must have no query or fragment (RFC 8414 \xA72)");
  }
  if (url.username !== "" || url.password !== "") fail("issuer must have no user information");
  return url;
}
function isScope(scope) {
  return scope === "" || scope.split(" ").every((token) => SCOPE_TOKEN.test(token));
}
function resolveClient(client, serverAlgorithms, hasInteraction) {
  const where = `clients["${String(client?.clientId)}"]`;
  if (typeof client?.clientId !== "string" || client.clientId === "")
    fail("every client needs a clientId string");
  if (client.clientSecret !== void 0 && (typeof client.clientSecret !== "string" || client.clientSecret.length < 12)) {
    fail(`${where}.clientSecret must be a string of at least 12 characters`);
  }
  const secretMethods = client.secretAuthMethods ?? (client.tokenEndpointAuthMethod === void 0 ? ["client_secret_basic", "client_secret_post"] : void 0);
  if (secretMethods !== void 0 && (!Array.isArray(secretMethods) || secretMethods.length === 0 || secretMethods.some((entry) => entry !== "client_secret_basic" && entry !== "client_secret_post"))) {
    fail(`${where}.secretAuthMethods must list 'client_secret_basic' and/or 'client_secret_post'`);
  }
  const method = client.tokenEndpointAuthMethod ?? (client.clientSecret === void 0 ? "none" : secretMethods?.[0] ?? "client_secret_basic");
  if (!AUTH_METHODS.includes(method))
    fail(`${where}.tokenEndpointAuthMethod must be one of ${AUTH_METHODS.join(", ")}`);
  if (method === "none" && client.clientSecret !== void 0) {
    fail(`${where}: a client with a clientSecret cannot use tokenEndpointAuthMethod 'none'`);
  }
  if (method !== "none" && client.clientSecret === void 0)
    fail(`${where}.clientSecret is required for ${method}`);
  if (client.secretAuthMethods !== void 0 && client.clientSecret === void 0)
    fail(`${where}.secretAuthMethods needs a clientSecret`);
  if (method !== "none" && secretMethods !== void 0 && !secretMethods.includes(method)) {
    fail(`${where}.tokenEndpointAuthMethod must be one of its secretAuthMethods`);
  }
  const redirectUris = [...client.redirectUris ?? []];
  for (const uri of redirectUris) {
    if (!isRedirectUriAllowed(uri)) {
      fail(`${where}.redirectUris: each must be absolute, without fragment, https (or http on loopback)`);
    }
  }
  const grantTypes = [
    ...client.grantTypes ?? (redirectUris.length > 0 ? ["authorization_code", "refresh_token"] : ["client_credentials"])
  ];
  for (const grant of grantTypes) {
    if (!GRANT_TYPES.includes(grant)) fail(`${where}.grantTypes may only hold ${GRANT_TYPES.join(", ")}`);
  }
  if (grantTypes.includes("client_credentials") && method === "none") {
    fail(`${where}: client_credentials needs a confidential client (RFC 6749 \xA74.4)`);
  }
  if (grantTypes.includes("authorization_code")) {
    if (redirectUris.length === 0) fail(`${where}.redirectUris is required for authorization_code`);
    if (!hasInteraction) fail(`${where} uses authorization_code: configure the interaction hook`);
  }
  if (client.scope !== void 0 && (typeof client.scope !== "string" || !isScope(client.scope))) {
    fail(`${where}.scope must be a space-separated list of scope tokens`);
  }
  let tokenBinding = client.tokenBinding ?? "allowed";
  if (!["dpop", "allowed", "none"].includes(tokenBinding))
    fail(`${where}.tokenBinding must be 'dpop', 'allowed' or 'none'`);
  if (client.dpopBoundAccessTokens === true) {
    if (client.tokenBinding !== void 0 && client.tokenBinding !== "dpop") {
      fail(`${where}: dpopBoundAccessTokens: true contradicts tokenBinding '${tokenBinding}'`);
    }
    tokenBinding = "dpop";
  }
  let allowedDPoPAlgorithms;
  if (client.allowedDPoPAlgorithms !== void 0) {
    allowedDPoPAlgorithms = assertAlgorithms(client.allowedDPoPAlgorithms, `${where}.allowedDPoPAlgorithms`);
    if (!allowedDPoPAlgorithms.some((alg) => serverAlgorithms.includes(alg))) {
      fail(`${where}.allowedDPoPAlgorithms shares no algorithm with dpop.algorithms`);
    }
  }
  const allowedOrigins = [...client.allowedOrigins ?? []];
  for (const origin of allowedOrigins) {
    let parsed;
    try {
      parsed = new URL(origin);
    } catch {
    }
    if (parsed === void 0 || parsed.origin !== origin) {
      fail(`${where}.allowedOrigins: each must be an origin such as https://app.example (no path or slash)`);
    }
  }
  if (client.nonce !== void 0 && client.nonce !== "off" && client.nonce !== "always") {
    fail(`${where}.nonce must be 'off' or 'always'`);
  }
  if (client.accessTokenFormat !== void 0 && !["jwt", "opaque"].includes(client.accessTokenFormat)) {
    fail(`${where}.accessTokenFormat must be 'jwt' or 'opaque'`);
  }
  const record = {
    clientId: client.clientId,
    tokenEndpointAuthMethod: method,
    ...method === "none" || secretMethods === void 0 ? {} : { acceptedAuthMethods: [...secretMethods] },
    redirectUris,
    grantTypes,
    tokenBinding,
    allowedOrigins,
    ...client.scope === void 0 ? {} : { scope: client.scope },
    ...allowedDPoPAlgorithms === void 0 ? {} : { allowedDPoPAlgorithms },
    ...client.nonce === void 0 ? {} : { nonce: client.nonce },
    ...client.requirePushedAuthorizationRequests === void 0 ? {} : { requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests },
    ...client.accessTokenFormat === void 0 ? {} : { accessTokenFormat: client.accessTokenFormat },
    ...client.clientName === void 0 ? {} : { clientName: client.clientName }
  };
  return client.clientSecret === void 0 ? { record } : { record, secret: client.clientSecret };
}
function resolveConfig(config) {
  if (typeof config !== "object" || config === null) fail("a configuration object is required");
  const issuerUrl = resolveIssuer(config.issuer);
  const issuerPath = issuerUrl.pathname === "/" ? "" : issuerUrl.pathname.replace(/\/$/, "");
  const defaults = {
    metadata: `/.well-known/oauth-authorization-server${issuerPath}`,
    jwks: `${issuerPath}/jwks`,
    authorization: `${issuerPath}/authorize`,
    pushedAuthorizationRequest: `${issuerPath}/par`,
    token: `${issuerPath}/token`,
    introspection: `${issuerPath}/introspect`,
    revocation: `${issuerPath}/revoke`,
    registration: `${issuerPath}/register`
  };
  const paths = { ...defaults, ...config.paths };
  const seen = /* @__PURE__ */ new Set();
  const endpoints = {};
  for (const [name, path] of Object.entries(paths)) {
    if (typeof path !== "string" || !path.startsWith("/") || path.includes("?") || path.includes("#")) {
      fail(`paths.${name} must be an absolute path such as ${defaults[name]}`);
    }
    if (seen.has(path)) fail(`paths.${name} duplicates another endpoint's path`);
    seen.add(path);
    endpoints[name] = { path, url: `${issuerUrl.origin}${path}` };
  }
  const dpop = config.dpop ?? {};
  const algorithms = dpop.algorithms === void 0 ? DEFAULT_ALGORITHMS : assertAlgorithms(dpop.algorithms, "dpop.algorithms");
  const proofTimeFrame = seconds(dpop.proofTimeFrame, 300, "dpop.proofTimeFrame");
  const clockTolerance = dpop.clockTolerance ?? 5;
  if (typeof clockTolerance !== "number" || !Number.isFinite(clockTolerance) || clockTolerance < 0) {
    fail("dpop.clockTolerance must be a number of seconds \u2265 0");
  }
  const jtiCacheTime = seconds(dpop.jtiCacheTime, proofTimeFrame + clockTolerance, "dpop.jtiCacheTime");
  if (jtiCacheTime < proofTimeFrame + clockTolerance) {
    fail(
      "dpop.jtiCacheTime must be at least proofTimeFrame + clockTolerance, or replayed proofs would be accepted"
    );
  }
  const nonce = dpop.nonce ?? "off";
  if (nonce !== "off" && nonce !== "always" && typeof nonce !== "function") {
    fail("dpop.nonce must be 'off', 'always' or a function (client, request) => boolean");
  }
  const now = config.now ?? Date.now;
  if (typeof now !== "function") fail("now must be a function returning epoch milliseconds");
  const nonceSource = dpop.nonceSource ?? createNonceSource({ secrets: [{ id: "as", secret: randomToken(32) }], now });
  const hasInteraction = config.interaction !== void 0;
  if (hasInteraction && typeof config.interaction !== "function") fail("interaction must be a function");
  const staticClients = /* @__PURE__ */ new Map();
  for (const client of config.clients ?? []) {
    const resolved = resolveClient(client, algorithms, hasInteraction);
    if (staticClients.has(resolved.record.clientId))
      fail(`clients: clientId "${resolved.record.clientId}" appears twice`);
    staticClients.set(resolved.record.clientId, resolved);
  }
  if (config.signingKeys !== void 0 && (!Array.isArray(config.signingKeys) || config.signingKeys.length === 0)) {
    fail("signingKeys must be a non-empty array (or omitted to generate one ES256 key)");
  }
  for (const key of config.signingKeys ?? []) {
    const isPair = typeof key === "object" && key !== null && "privateKey" in key;
    if (!isPair && (typeof key?.kty !== "string" || typeof key.d !== "string")) {
      fail('signingKeys: each must be a private JWK (with "d") or { privateKey, publicKey } CryptoKeys');
    }
  }
  if (config.audience !== void 0 && (typeof config.audience !== "string" || config.audience === "")) {
    fail("audience must be a non-empty string");
  }
  if (config.scopesSupported !== void 0 && !config.scopesSupported.every((scope) => SCOPE_TOKEN.test(scope))) {
    fail("scopesSupported must hold scope tokens (no spaces)");
  }
  const accessTokenFormat = config.accessTokenFormat ?? "jwt";
  if (accessTokenFormat !== "jwt" && accessTokenFormat !== "opaque")
    fail("accessTokenFormat must be 'jwt' or 'opaque'");
  const storage = config.storage ?? createMemoryStorage({ now });
  const replayStore = config.replayStore ?? createMemoryReplayStore({ now });
  if (typeof replayStore?.reserve !== "function") fail("replayStore must implement reserve(key, expiresAt)");
  if (typeof storage?.consumeCode !== "function") fail("storage must implement the Storage interface");
  return {
    issuer: config.issuer,
    endpoints,
    staticClients,
    signingKeys: config.signingKeys ?? [],
    audience: config.audience ?? config.issuer,
    scopesSupported: config.scopesSupported,
    dpop: {
      proofTimeFrame,
      clockTolerance,
      jtiCacheTime,
      algorithms,
      nonce,
      nonceSource,
      nonceServer: `authorization-server ${config.issuer}`
    },
    replayStore,
    storage,
    accessTokenLifetime: seconds(config.accessTokenLifetime, 3600, "accessTokenLifetime"),
    refreshTokenLifetime: seconds(config.refreshTokenLifetime, 1209600, "refreshTokenLifetime"),
    codeLifetime: seconds(config.codeLifetime, 60, "codeLifetime"),
    parLifetime: seconds(config.parLifetime, 60, "parLifetime"),
    interactionLifetime: seconds(config.interactionLifetime, 600, "interactionLifetime"),
    accessTokenFormat,
    requirePushedAuthorizationRequests: config.requirePushedAuthorizationRequests ?? false,
    registrationEnabled: config.registration?.enabled ?? false,
    enabledGrantTypes: hasInteraction ? GRANT_TYPES : ["client_credentials", "refresh_token"],
    interaction: config.interaction,
    now
  };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/cors.ts
var ALLOW_HEADERS = "Authorization, Content-Type, DPoP";
var EXPOSE_HEADERS = "DPoP-Nonce, WWW-Authenticate";
function originOf(request) {
  const origin = request.header("origin");
  return typeof origin === "string" ? origin : void 0;
}
function corsHeaders(request, allowed) {
  if (allowed === "*")
    return { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSE_HEADERS };
  const origin = originOf(request);
  if (origin === void 0 || !allowed) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": EXPOSE_HEADERS,
    Vary: "Origin"
  };
}
function preflightResponse(request, allowed, methods) {
  const headers = corsHeaders(request, allowed);
  if (headers["Access-Control-Allow-Origin"] !== void 0) {
    headers["Access-Control-Allow-Methods"] = methods;
    headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS;
    headers["Access-Control-Max-Age"] = "600";
  }
  return { status: 204, headers, body: "" };
}
function requestOrigin(request) {
  return originOf(request);
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-authorize.ts
import { DPoPError as DPoPError5 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/responses.ts
import { contextualizeError, DPoPError, isDPoPError } from "@dpop/core";
var NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
function jsonResponse(status, body, headers = {}) {
  return {
    status,
    headers: { "Content-Type": "application/json", ...NO_STORE, ...headers },
    body: JSON.stringify(body)
  };
}
function toTokenError(error) {
  if (isDPoPError(error)) return contextualizeError(error, "token");
  return contextualizeError(
    new DPoPError("server_error", "internal", { description: "internal server error", cause: error }),
    "token"
  );
}
function errorResponse(error, headers = {}) {
  const contextualized = toTokenError(error);
  return jsonResponse(contextualized.status, contextualized.toJSON(), {
    ...contextualized.headers,
    ...headers
  });
}
function methodNotAllowed(allow) {
  return jsonResponse(
    405,
    { error: "invalid_request", error_description: "method not allowed" },
    { Allow: allow }
  );
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/authorize-error-response.ts
function quality(accept, type) {
  let best = 0;
  for (const range of accept.split(",")) {
    const [name = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    if (name !== type) continue;
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const value = q === void 0 ? 1 : Number(q.slice(2));
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
}
function prefersHtml(request) {
  const header = request.header("accept");
  const accept = typeof header === "string" ? header : (header ?? []).join(",");
  const html = Math.max(quality(accept, "text/html"), quality(accept, "application/xhtml+xml"));
  return html > 0 && html > quality(accept, "application/json");
}
var ESCAPES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
var escapeHtml = (value) => value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
var EXPLANATIONS = {
  invalid_client: "The application that sent you here is not registered with this server.",
  invalid_request: "The application that sent you here made a request this server cannot accept, so it cannot safely send you back to it.",
  server_error: "Something went wrong on this server. Try again later.",
  temporarily_unavailable: "This server is busy or temporarily unavailable. Try again later."
};
var SIGN_IN_OVER = "This sign-in was already completed or has expired. Go back to the application and start again.";
function htmlPage(status, code, description, explanation) {
  const detail = description === void 0 ? "" : `: ${escapeHtml(description)}`;
  return {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      Vary: "Accept"
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in cannot continue</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f6;padding:0 .25rem;border-radius:3px}.muted{color:#5b6475}</style></head><body><h1>Sign-in cannot continue</h1><p>${explanation}</p><p class="muted">Error <code>${escapeHtml(code)}</code>${detail}. If you are the application\u2019s developer, check its client ID and redirect URI against its registration.</p></body></html>`
  };
}
function retryAfterOf(error) {
  const value = error.headers["Retry-After"];
  return value === void 0 ? {} : { "Retry-After": value };
}
function authorizeErrorResponse(error, request) {
  const contextualized = toTokenError(error);
  const status = contextualized.status >= 500 ? contextualized.status : 400;
  const body = contextualized.toJSON();
  if (prefersHtml(request)) {
    const explanation = contextualized.reason === "interaction" ? SIGN_IN_OVER : EXPLANATIONS[body.error] ?? EXPLANATIONS["invalid_request"] ?? "";
    const page = htmlPage(status, body.error, body.error_description, explanation);
    return { ...page, headers: { ...page.headers, ...retryAfterOf(contextualized) } };
  }
  return jsonResponse(status, body, { Vary: "Accept", ...retryAfterOf(contextualized) });
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/form-body.ts
import { DPoPError as DPoPError2 } from "@dpop/core";
var MAX_PARAMETER_LENGTH = 4096;
var MAX_TOKEN_LENGTH = 16384;
var MAX_PARAMETERS = 64;
var MAX_BODY_LENGTH = 65536;
var tooLarge = () => new DPoPError2("invalid_request", "parameter_too_large", {
  description: "a request parameter or the request is too large"
});
function toParameters(search, maxLengths = {}) {
  let count = 0;
  for (const [name, value] of search) {
    const limit = Object.hasOwn(maxLengths, name) ? maxLengths[name] : MAX_PARAMETER_LENGTH;
    if (++count > MAX_PARAMETERS || name.length > MAX_PARAMETER_LENGTH || value.length > limit)
      throw tooLarge();
  }
  return {
    search,
    get(name) {
      const values = search.getAll(name);
      if (values.length > 1) {
        throw new DPoPError2("invalid_request", "duplicate_parameter", {
          description: "a request parameter was given more than once"
        });
      }
      return values[0] === "" ? void 0 : values[0];
    }
  };
}
function readFormBody(body) {
  if (body === void 0) return new URLSearchParams();
  if (typeof body === "string") {
    if (body.length > MAX_BODY_LENGTH) throw tooLarge();
    return new URLSearchParams(body);
  }
  if (body instanceof URLSearchParams) return new URLSearchParams(body);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    if (value === void 0) continue;
    if (typeof value === "string") search.append(name, value);
    else if (Array.isArray(value)) for (const item of value) search.append(name, String(item));
    else {
      throw new DPoPError2("invalid_request", "body_malformed", {
        description: "request body must be form parameters"
      });
    }
  }
  return search;
}
function singleHeader(request, name) {
  const value = request.header(name);
  if (value === void 0 || typeof value === "string") return value;
  if (value.length > 1) {
    throw new DPoPError2("invalid_request", "header_multiple", {
      description: "a request header was given more than once"
    });
  }
  return value[0];
}
function assertFormContentType(request) {
  const contentType = singleHeader(request, "content-type");
  if (contentType === void 0) return;
  if (contentType.split(";")[0]?.trim().toLowerCase() !== "application/x-www-form-urlencoded") {
    throw new DPoPError2("invalid_request", "content_type", {
      description: "the body must be application/x-www-form-urlencoded"
    });
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/scope.ts
import { DPoPError as DPoPError3 } from "@dpop/core";
var invalidScope = () => new DPoPError3("invalid_scope", "scope", { description: "the requested scope is not allowed" });
function scopeTokens(scope) {
  return scope === void 0 || scope === "" ? [] : scope.split(" ");
}
function resolveScope(requested, allowed, fallback) {
  if (requested === void 0) return fallback;
  if (!isScope(requested)) throw invalidScope();
  const tokens = [...new Set(scopeTokens(requested))];
  if (allowed !== void 0) {
    const permitted = new Set(scopeTokens(allowed));
    if (!tokens.every((token) => permitted.has(token))) throw invalidScope();
  }
  return tokens.join(" ");
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/validate-authorization-request.ts
import { DPoPError as DPoPError4, isDPoPError as isDPoPError2 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/pkce.ts
var CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
var SHA256_BASE64URL = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
function isCodeVerifier(value) {
  return CODE_VERIFIER.test(value);
}
function isSha256Base64url(value) {
  return SHA256_BASE64URL.test(value);
}
function isS256Challenge(value) {
  return isSha256Base64url(value);
}
async function verifyCodeVerifier(verifier, challenge) {
  return constantTimeEqual(await sha256(verifier), challenge);
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/validate-authorization-request.ts
var RedirectableError = class extends Error {
  constructor(error, redirectUri, state) {
    super(error.message);
    this.error = error;
    this.redirectUri = redirectUri;
    this.state = state;
  }
  error;
  redirectUri;
  state;
};
var invalidRequest = (reason, description) => new DPoPError4("invalid_request", reason, { description });
async function authorizationClient(context, parameters) {
  const clientId = parameters.get("client_id");
  if (clientId === void 0) throw invalidRequest("client_id_missing", "client_id is required");
  const client = await context.getClient(clientId);
  if (client === void 0)
    throw new DPoPError4("invalid_client", "client_unknown", { description: "unknown client" });
  return client;
}
function authorizationRedirectUri(client, parameters) {
  const given = parameters.get("redirect_uri");
  if (given !== void 0) {
    if (!client.redirectUris.includes(given)) {
      throw invalidRequest("redirect_uri", "redirect_uri is not registered for this client");
    }
    return { uri: given, provided: true };
  }
  const [only, ...others] = client.redirectUris;
  if (only === void 0 || others.length > 0)
    throw invalidRequest("redirect_uri_missing", "redirect_uri is required");
  return { uri: only, provided: false };
}
async function validateAuthorizationRequest(context, parameters, authenticatedClient) {
  const client = authenticatedClient ?? await authorizationClient(context, parameters);
  const redirect = authorizationRedirectUri(client, parameters);
  const states = parameters.search.getAll("state");
  const state = states.length === 1 && states[0] !== "" ? states[0] : void 0;
  try {
    if (states.length > 1) parameters.get("state");
    if (parameters.get("request") !== void 0) {
      throw invalidRequest("request_object", "request objects are not supported");
    }
    const responseType = parameters.get("response_type");
    if (responseType === void 0) throw invalidRequest("response_type_missing", "response_type is required");
    if (responseType !== "code") {
      throw new DPoPError4("unsupported_response_type", "response_type", {
        description: "only response_type=code is supported"
      });
    }
    const responseMode = parameters.get("response_mode");
    if (responseMode !== void 0 && responseMode !== "query") {
      throw invalidRequest("response_mode", "only response_mode=query is supported");
    }
    if (!client.grantTypes.includes("authorization_code")) {
      throw new DPoPError4("unauthorized_client", "grant_type_not_allowed", {
        description: "the client may not use the authorization code grant"
      });
    }
    const codeChallenge = parameters.get("code_challenge");
    if (codeChallenge === void 0) throw invalidRequest("pkce_missing", "code_challenge is required (PKCE)");
    if (parameters.get("code_challenge_method") !== "S256") {
      throw invalidRequest("pkce_method", "code_challenge_method must be S256");
    }
    if (!isS256Challenge(codeChallenge)) throw invalidRequest("pkce_malformed", "code_challenge is malformed");
    const dpopJkt = parameters.get("dpop_jkt");
    if (dpopJkt !== void 0 && !isSha256Base64url(dpopJkt))
      throw invalidRequest("dpop_jkt", "dpop_jkt is malformed");
    const allowed = client.scope ?? context.config.scopesSupported?.join(" ");
    const scope = resolveScope(parameters.get("scope"), allowed, client.scope ?? "");
    return {
      clientId: client.clientId,
      redirectUri: redirect.uri,
      redirectUriProvided: redirect.provided,
      scope,
      codeChallenge,
      pushed: false,
      ...state === void 0 ? {} : { state },
      ...dpopJkt === void 0 ? {} : { dpopJkt }
    };
  } catch (error) {
    if (isDPoPError2(error) && error.code !== "temporarily_unavailable" && error.code !== "server_error") {
      throw new RedirectableError(error, redirect.uri, state);
    }
    throw error;
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-authorize.ts
var REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";
var INTERACTION_PARAMETER = "interaction";
var invalidRequest2 = (reason, description) => new DPoPError5("invalid_request", reason, { description });
function redirectTo(context, request, redirectUri, parameters) {
  const location = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...parameters, iss: context.config.issuer })) {
    if (value !== void 0) location.searchParams.append(name, value);
  }
  const status = request.method === "POST" ? 303 : 302;
  return { status, headers: { Location: location.href, "Cache-Control": "no-store" }, body: "" };
}
function redirectError(context, request, error) {
  return redirectTo(context, request, error.redirectUri, {
    ...error.error.toJSON(),
    state: error.state
  });
}
function resumeUrl(context, interactionId) {
  const url = new URL(context.config.endpoints.authorization.url);
  url.searchParams.set(INTERACTION_PARAMETER, interactionId);
  return url.href;
}
async function pushedRequest(context, client, requestUri) {
  if (!requestUri.startsWith(REQUEST_URI_PREFIX))
    throw invalidRequest2("request_uri", "request_uri is invalid or expired");
  const record = await context.storage.consumePushedRequest(requestUri.slice(REQUEST_URI_PREFIX.length));
  if (record === void 0 || record.expiresAt <= context.config.now() || record.request.clientId !== client.clientId) {
    throw invalidRequest2("request_uri", "request_uri is invalid or expired");
  }
  return record.request;
}
async function interact(context, hook, request, client, interactionId, authorization, firstVisit) {
  const result = await hook({
    interactionId,
    authorization,
    client: {
      clientId: client.clientId,
      ...client.clientName === void 0 ? {} : { clientName: client.clientName }
    },
    request,
    form: request.method === "POST" && !firstVisit ? readFormBody(request.body) : new URLSearchParams(),
    firstVisit,
    resumeUrl: resumeUrl(context, interactionId)
  });
  if (typeof result === "object" && result !== null && "response" in result) return result.response;
  const isSubject = typeof result === "object" && result !== null && "subject" in result;
  const isDenial = typeof result === "object" && result !== null && "error" in result && result.error === "access_denied";
  if (!isSubject && !isDenial)
    throw new TypeError("interaction must return { subject }, { response } or { error }");
  let scope = authorization.scope;
  if (isSubject) {
    if (typeof result.subject !== "string" || result.subject === "")
      throw new TypeError("interaction: subject must be a non-empty string");
    if (result.scope !== void 0) {
      try {
        scope = resolveScope(result.scope, authorization.scope, authorization.scope);
      } catch (cause) {
        throw new TypeError("interaction: scope must be a subset of the requested scope", { cause });
      }
    }
  }
  const completed = await context.storage.consumeInteraction(interactionId);
  if (completed === void 0)
    throw invalidRequest2("interaction", "this authorization was already completed or expired");
  if (!isSubject) {
    return redirectTo(context, request, authorization.redirectUri, {
      error: "access_denied",
      state: authorization.state
    });
  }
  const code = randomToken();
  const now = context.config.now();
  await context.storage.saveCode(await sha256(code), {
    request: authorization,
    subject: result.subject,
    scope,
    authTime: Math.floor(now / 1e3),
    expiresAt: now + context.config.codeLifetime * 1e3
  });
  return redirectTo(context, request, authorization.redirectUri, { code, state: authorization.state });
}
async function handleAuthorize(context, request) {
  if (request.method !== "GET" && request.method !== "POST") return methodNotAllowed("GET, POST");
  const hook = context.config.interaction;
  if (hook === void 0) throw new Error("authorization endpoint without interaction hook");
  try {
    const url = new URL(request.url);
    const interactionId = url.searchParams.get(INTERACTION_PARAMETER);
    if (interactionId !== null) {
      const pending = await context.storage.getInteraction(interactionId);
      if (pending === void 0 || pending.expiresAt <= context.config.now()) {
        throw invalidRequest2("interaction", "this authorization was already completed or expired");
      }
      const client2 = await context.getClient(pending.request.clientId);
      if (client2 === void 0)
        throw new DPoPError5("invalid_client", "client_unknown", { description: "unknown client" });
      return await interact(context, hook, request, client2, interactionId, pending.request, false);
    }
    const parameters = toParameters(request.method === "GET" ? url.searchParams : readFormBody(request.body));
    let authorization;
    let client;
    const requestUri = parameters.get("request_uri");
    if (requestUri !== void 0) {
      client = await authorizationClient(context, parameters);
      authorization = await pushedRequest(context, client, requestUri);
    } else {
      client = await authorizationClient(context, parameters);
      authorization = await validateAuthorizationRequest(context, parameters, client);
      if (context.config.requirePushedAuthorizationRequests || client.requirePushedAuthorizationRequests) {
        throw new RedirectableError(
          invalidRequest2("par_required", "pushed authorization requests are required"),
          authorization.redirectUri,
          authorization.state
        );
      }
    }
    const id = randomToken();
    await context.storage.saveInteraction(id, {
      request: authorization,
      expiresAt: context.config.now() + context.config.interactionLifetime * 1e3
    });
    return await interact(context, hook, request, client, id, authorization, true);
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(context, request, error);
    return authorizeErrorResponse(error, request);
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-introspection.ts
import { DPoPError as DPoPError7 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/client-authentication.ts
import { DPoPError as DPoPError6, parseAuthorization } from "@dpop/core";
import { base64url } from "jose";
var decoder = new TextDecoder("utf-8", { fatal: true });
var UNKNOWN_CLIENT_HASH = "A".repeat(43);
var invalidClient = (reason, description = "client authentication failed") => new DPoPError6("invalid_client", reason, { description });
function usesBasicAuthentication(request) {
  const header = request.header("authorization");
  const value = typeof header === "string" ? header : header?.[0];
  return value !== void 0 && /^basic /i.test(value.trim());
}
function formDecode(value) {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    throw invalidClient("basic_malformed", "malformed Basic credentials");
  }
}
var BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
function parseBasic(request) {
  let credentials;
  try {
    credentials = parseAuthorization(request.header("authorization"));
  } catch (cause) {
    throw new DPoPError6("invalid_client", "authorization_malformed", {
      description: "malformed Authorization header",
      cause
    });
  }
  if (credentials === void 0) return void 0;
  if (credentials.scheme !== "basic")
    throw invalidClient("authorization_scheme", "unsupported Authorization scheme");
  if (!BASE64.test(credentials.token)) throw invalidClient("basic_malformed", "malformed Basic credentials");
  let decoded;
  try {
    decoded = decoder.decode(
      base64url.decode(credentials.token.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""))
    );
  } catch {
    throw invalidClient("basic_malformed", "malformed Basic credentials");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidClient("basic_malformed", "malformed Basic credentials");
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}
async function authenticateClient(context, request, parameters) {
  const basic = parseBasic(request);
  const bodyId = parameters.get("client_id");
  const bodySecret = parameters.get("client_secret");
  if (basic !== void 0 && bodySecret !== void 0) {
    throw new DPoPError6("invalid_request", "multiple_client_authentication", {
      description: "use one client authentication method"
    });
  }
  if (basic !== void 0 && bodyId !== void 0 && bodyId !== basic.clientId) {
    throw new DPoPError6("invalid_request", "client_id_mismatch", {
      description: "client_id does not match the authenticated client"
    });
  }
  const method = basic !== void 0 ? "client_secret_basic" : bodySecret !== void 0 ? "client_secret_post" : "none";
  const clientId = basic?.clientId ?? bodyId;
  if (clientId === void 0) throw invalidClient("client_id_missing", "client authentication required");
  const secret = basic?.secret ?? bodySecret;
  const client = await context.getClient(clientId);
  if (client === void 0) {
    if (secret !== void 0) constantTimeEqual(await sha256(secret), UNKNOWN_CLIENT_HASH);
    throw invalidClient("client_unknown");
  }
  const accepted = client.acceptedAuthMethods ?? [client.tokenEndpointAuthMethod];
  if (!accepted.includes(method)) throw invalidClient("auth_method");
  if (method !== "none") {
    const presented = await sha256(secret);
    if (client.clientSecretHash === void 0 || !constantTimeEqual(presented, client.clientSecretHash)) {
      throw invalidClient("client_secret");
    }
  }
  return { client, method };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/client-endpoint.ts
function originAllowed(context, request, client) {
  const origin = requestOrigin(request);
  if (origin === void 0) return false;
  return client === void 0 ? context.staticOrigins.has(origin) : (client.allowedOrigins ?? []).includes(origin);
}
function clientErrorHeaders(context, request, client, error) {
  const headers = corsHeaders(request, originAllowed(context, request, client));
  if (toTokenError(error).status === 401 && usesBasicAuthentication(request))
    headers["WWW-Authenticate"] = "Basic";
  return headers;
}
function preflightOrWrongMethod(context, request) {
  if (request.method === "OPTIONS") {
    return preflightResponse(request, originAllowed(context, request, void 0), "POST");
  }
  if (request.method !== "POST") return methodNotAllowed("POST, OPTIONS");
  return void 0;
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/find-token.ts
import { decodeProtectedHeader, errors, jwtVerify } from "jose";
var JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
async function verifyJwtAccessToken(context, token) {
  const keys = await context.signingKeys();
  let kid;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return void 0;
  }
  const key = keys.find((candidate) => candidate.kid === kid);
  if (key === void 0) return void 0;
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: context.config.issuer,
      typ: "at+jwt",
      algorithms: [key.alg],
      currentDate: new Date(context.config.now()),
      clockTolerance: 0
    });
    const { jti, client_id, sub, scope, aud, iat, exp, cnf, grant_id } = payload;
    if (typeof jti !== "string" || typeof client_id !== "string" || typeof sub !== "string") return void 0;
    if (typeof iat !== "number" || typeof exp !== "number") return void 0;
    const jkt = cnf?.jkt;
    return {
      jti,
      clientId: client_id,
      subject: sub,
      scope: typeof scope === "string" ? scope : "",
      audience: aud,
      issuedAt: iat,
      expiresAt: exp,
      ...typeof jkt === "string" ? { jkt } : {},
      ...typeof grant_id === "string" ? { grantId: grant_id } : {}
    };
  } catch (error) {
    if (error instanceof errors.JOSEError) return void 0;
    throw error;
  }
}
async function findAccessToken(context, token) {
  if (JWT.test(token)) return verifyJwtAccessToken(context, token);
  const record = await context.storage.getAccessToken(await sha256(token));
  if (record === void 0 || record.expiresAt <= context.config.now()) return void 0;
  return { ...record, expiresAt: Math.floor(record.expiresAt / 1e3) };
}
async function findRefreshToken(context, token) {
  const tokenHash = await sha256(token);
  const lookup = await context.storage.getRefreshToken(tokenHash);
  return lookup === void 0 ? void 0 : { ...lookup, tokenHash };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-introspection.ts
async function isRevoked(context, info) {
  const { storage } = context;
  const checks = [storage.isAccessTokenRevoked(info.jti)];
  if (info.grantId !== void 0) checks.push(storage.isGrantRevoked(info.grantId));
  return (await Promise.all(checks)).includes(true);
}
async function introspectAccessToken(context, _client, token) {
  const info = await findAccessToken(context, token);
  if (info === void 0 || await isRevoked(context, info)) return void 0;
  return {
    active: true,
    ...info.scope === "" ? {} : { scope: info.scope },
    client_id: info.clientId,
    sub: info.subject,
    aud: info.audience,
    iss: context.config.issuer,
    jti: info.jti,
    iat: info.issuedAt,
    exp: info.expiresAt,
    // RFC 9449 §6.2: the binding and the token type.
    token_type: info.jkt === void 0 ? "Bearer" : "DPoP",
    ...info.jkt === void 0 ? {} : { cnf: { jkt: info.jkt } }
  };
}
async function introspectRefreshToken(context, client, token) {
  const found = await findRefreshToken(context, token);
  if (found === void 0 || found.status !== "active" || found.record.expiresAt <= context.config.now() || found.record.clientId !== client.clientId)
    return void 0;
  const { record } = found;
  return {
    active: true,
    ...record.scope === "" ? {} : { scope: record.scope },
    client_id: record.clientId,
    sub: record.subject,
    iss: context.config.issuer,
    iat: record.issuedAt,
    exp: Math.floor(record.expiresAt / 1e3),
    ...record.jkt === void 0 ? {} : { cnf: { jkt: record.jkt } }
  };
}
async function handleIntrospection(context, request) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  let client;
  try {
    assertFormContentType(request);
    const parameters = toParameters(readFormBody(request.body), { token: MAX_TOKEN_LENGTH });
    client = (await authenticateClient(context, request, parameters)).client;
    if (client.tokenEndpointAuthMethod === "none") {
      throw new DPoPError7("invalid_client", "public_client", {
        description: "introspection requires client authentication"
      });
    }
    const token = parameters.get("token");
    if (token === void 0)
      throw new DPoPError7("invalid_request", "token_missing", { description: "token is required" });
    const hint = parameters.get("token_type_hint");
    const order = hint === "refresh_token" ? [introspectRefreshToken, introspectAccessToken] : [introspectAccessToken, introspectRefreshToken];
    for (const introspect of order) {
      const answer2 = await introspect(context, client, token);
      if (answer2 !== void 0) return jsonResponse(200, answer2);
    }
    return jsonResponse(200, { active: false });
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error));
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-metadata.ts
var AUTH_METHODS2 = ["client_secret_basic", "client_secret_post", "none"];
function buildMetadata(config) {
  const { endpoints } = config;
  const interactive = config.interaction !== void 0;
  return {
    issuer: config.issuer,
    ...interactive ? { authorization_endpoint: endpoints.authorization.url } : {},
    token_endpoint: endpoints.token.url,
    jwks_uri: endpoints.jwks.url,
    ...config.registrationEnabled ? { registration_endpoint: endpoints.registration.url } : {},
    ...config.scopesSupported === void 0 ? {} : { scopes_supported: [...config.scopesSupported] },
    response_types_supported: interactive ? ["code"] : [],
    ...interactive ? { response_modes_supported: ["query"] } : {},
    grant_types_supported: [...config.enabledGrantTypes],
    token_endpoint_auth_methods_supported: AUTH_METHODS2,
    introspection_endpoint: endpoints.introspection.url,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS2.filter((method) => method !== "none"),
    revocation_endpoint: endpoints.revocation.url,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS2,
    code_challenge_methods_supported: ["S256"],
    ...interactive ? {
      pushed_authorization_request_endpoint: endpoints.pushedAuthorizationRequest.url,
      require_pushed_authorization_requests: config.requirePushedAuthorizationRequests,
      authorization_response_iss_parameter_supported: true
    } : {},
    dpop_signing_alg_values_supported: [...config.dpop.algorithms]
  };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-par.ts
import { DPoPError as DPoPError8 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/check-proof.ts
import { verifyProof } from "@dpop/core";
function nonceRequirement(context, client) {
  const policy = client.nonce ?? context.config.dpop.nonce;
  if (policy === "off") return void 0;
  const { nonceSource: source, nonceServer: server } = context.config.dpop;
  if (policy === "always") return { source, server, required: true };
  return { source, server, required: (request) => policy(client, request) };
}
async function checkProof(context, request, endpoint, client, options) {
  const header = request.header("dpop");
  if (header === void 0 && !options.required) return void 0;
  const { dpop, now } = context.config;
  const algorithms = client.allowedDPoPAlgorithms === void 0 ? dpop.algorithms : dpop.algorithms.filter((alg) => client.allowedDPoPAlgorithms?.includes(alg));
  const nonce = nonceRequirement(context, client);
  return verifyProof(
    header,
    { method: request.method, url: endpoint.url, header: (name) => request.header(name) },
    {
      algorithms,
      maxAge: dpop.proofTimeFrame,
      clockTolerance: dpop.clockTolerance,
      replayStore: context.replayStore,
      context: "token",
      now,
      ...nonce === void 0 ? {} : { nonce },
      ...options.expectedThumbprint === void 0 ? {} : { expectedThumbprint: options.expectedThumbprint }
    }
  );
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-par.ts
async function handlePushedAuthorizationRequest(context, request) {
  const early = preflightOrWrongMethod(context, request);
  if (early !== void 0) return early;
  let client;
  try {
    assertFormContentType(request);
    const parameters = toParameters(readFormBody(request.body));
    client = (await authenticateClient(context, request, parameters)).client;
    if (parameters.get("request_uri") !== void 0) {
      throw new DPoPError8("invalid_request", "request_uri", {
        description: "request_uri is not allowed in a pushed request"
      });
    }
    let authorization;
    try {
      authorization = await validateAuthorizationRequest(context, parameters, client);
    } catch (error) {
      throw error instanceof RedirectableError ? error.error : error;
    }
    const proof = await checkProof(
      context,
      request,
      context.config.endpoints.pushedAuthorizationRequest,
      client,
      {
        required: false,
        ...authorization.dpopJkt === void 0 ? {} : { expectedThumbprint: authorization.dpopJkt }
      }
    );
    const id = randomToken();
    const now = context.config.now();
    await context.storage.savePushedRequest(id, {
      request: {
        ...authorization,
        pushed: true,
        ...proof === void 0 ? {} : { dpopJkt: proof.thumbprint }
      },
      expiresAt: now + context.config.parLifetime * 1e3
    });
    return jsonResponse(
      201,
      { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: context.config.parLifetime },
      { ...proof?.responseHeaders, ...corsHeaders(request, originAllowed(context, request, client)) }
    );
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error));
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-registration.ts
import { DPoPError as DPoPError9 } from "@dpop/core";
var AUTH_METHODS3 = ["client_secret_basic", "client_secret_post", "none"];
var PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
var invalidMetadata = (reason, description) => new DPoPError9("invalid_client_metadata", reason, { description });
function readJsonBody(request) {
  const contentType = singleHeader(request, "content-type");
  if (contentType !== void 0 && contentType.split(";")[0]?.trim().toLowerCase() !== "application/json") {
    throw invalidMetadata("content_type", "the body must be application/json");
  }
  let body = request.body;
  if (typeof body === "string") {
    if (body.length > MAX_BODY_LENGTH) throw invalidMetadata("too_large", "the body is too large");
    try {
      body = JSON.parse(body);
    } catch {
      throw invalidMetadata("json", "the body must be a JSON object");
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body) || body instanceof URLSearchParams) {
    throw invalidMetadata("json", "the body must be a JSON object");
  }
  return body;
}
function stringArray(value, name) {
  if (value === void 0) return void 0;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalidMetadata(name, `${name} must be an array of strings`);
  }
  return value;
}
function validateJwks(value) {
  if (value === void 0) return void 0;
  const keys = value?.keys;
  if (!Array.isArray(keys) || !keys.every(
    (key) => typeof key === "object" && key !== null && typeof key.kty === "string" && !PRIVATE_MEMBERS.some((m) => m in key)
  )) {
    throw invalidMetadata("jwks", "jwks must be a JWK Set of public keys");
  }
  return { keys };
}
function validateMetadata(context, metadata) {
  const redirectUris = stringArray(metadata.redirect_uris, "redirect_uris") ?? [];
  if (!redirectUris.every(isRedirectUriAllowed)) {
    throw new DPoPError9("invalid_redirect_uri", "redirect_uri", {
      description: "redirect URIs must be absolute, without fragment, and https (or http on a loopback host)"
    });
  }
  const method = metadata.token_endpoint_auth_method ?? "client_secret_basic";
  if (typeof method !== "string" || !AUTH_METHODS3.includes(method)) {
    throw invalidMetadata("token_endpoint_auth_method", "unsupported token_endpoint_auth_method");
  }
  const grantTypes = stringArray(metadata.grant_types, "grant_types") ?? ["authorization_code"];
  if (grantTypes.length === 0 || !grantTypes.every((grant) => context.config.enabledGrantTypes.includes(grant))) {
    throw invalidMetadata("grant_types", "unsupported grant_types");
  }
  if (grantTypes.includes("client_credentials") && method === "none") {
    throw invalidMetadata("grant_types", "client_credentials requires client authentication");
  }
  const responseTypes = stringArray(metadata.response_types, "response_types") ?? (grantTypes.includes("authorization_code") ? ["code"] : []);
  if (!responseTypes.every((type) => type === "code") || responseTypes.length > 0 !== grantTypes.includes("authorization_code")) {
    throw invalidMetadata("response_types", 'response_types must be ["code"] exactly with authorization_code');
  }
  if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
    throw new DPoPError9("invalid_redirect_uri", "redirect_uri_missing", {
      description: "redirect_uris is required for authorization_code"
    });
  }
  const dpopBound = metadata.dpop_bound_access_tokens ?? false;
  if (typeof dpopBound !== "boolean")
    throw invalidMetadata("dpop_bound_access_tokens", "dpop_bound_access_tokens must be a boolean");
  const clientName = metadata.client_name;
  if (clientName !== void 0 && typeof clientName !== "string")
    throw invalidMetadata("client_name", "client_name must be a string");
  const scope = metadata.scope;
  if (scope !== void 0 && (typeof scope !== "string" || !isScope(scope))) {
    throw invalidMetadata("scope", "scope must be a space-separated list of scopes");
  }
  const supported = context.config.scopesSupported;
  if (typeof scope === "string" && supported !== void 0 && !scopeTokens(scope).every((token) => supported.includes(token))) {
    throw invalidMetadata("scope", "scope holds unsupported values");
  }
  if (metadata.jwks_uri !== void 0)
    throw invalidMetadata("jwks_uri", "jwks_uri is not supported; send jwks");
  const jwks = validateJwks(metadata.jwks);
  return {
    tokenEndpointAuthMethod: method,
    redirectUris,
    grantTypes,
    responseTypes,
    tokenBinding: dpopBound ? "dpop" : "allowed",
    ...typeof clientName === "string" ? { clientName } : {},
    ...typeof scope === "string" ? { scope } : {},
    ...jwks === void 0 ? {} : { jwks }
  };
}
async function handleRegistration(context, request) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  try {
    const { responseTypes, ...metadata } = validateMetadata(context, readJsonBody(request));
    const clientId = randomToken(16);
    const secret = metadata.tokenEndpointAuthMethod === "none" ? void 0 : randomToken();
    const issuedAt = context.nowSeconds();
    const record = {
      clientId,
      ...metadata,
      issuedAt,
      ...secret === void 0 ? {} : { clientSecretHash: await sha256(secret) }
    };
    await context.storage.saveClient(record);
    return jsonResponse(201, {
      client_id: clientId,
      ...secret === void 0 ? {} : { client_secret: secret, client_secret_expires_at: 0 },
      client_id_issued_at: issuedAt,
      redirect_uris: record.redirectUris,
      token_endpoint_auth_method: record.tokenEndpointAuthMethod,
      grant_types: record.grantTypes,
      response_types: responseTypes,
      dpop_bound_access_tokens: record.tokenBinding === "dpop",
      ...record.clientName === void 0 ? {} : { client_name: record.clientName },
      ...record.scope === void 0 ? {} : { scope: record.scope },
      ...record.jwks === void 0 ? {} : { jwks: record.jwks }
    });
  } catch (error) {
    return errorResponse(error);
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-revocation.ts
import { DPoPError as DPoPError11 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/revoke-grant.ts
import { DPoPError as DPoPError10 } from "@dpop/core";
var CLOCK_SKEW_MARGIN_MS = 6e4;
async function revokeGrant(context, grantId) {
  const { now, accessTokenLifetime, refreshTokenLifetime } = context.config;
  const lifetime = Math.max(accessTokenLifetime, refreshTokenLifetime) * 1e3;
  await context.storage.revokeGrant(grantId, now() + lifetime + CLOCK_SKEW_MARGIN_MS);
}
async function refuseIfGrantRevoked(context, grantId, reason, description) {
  if (await context.storage.isGrantRevoked(grantId))
    throw new DPoPError10("invalid_grant", reason, { description });
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-revocation.ts
var notYours = () => new DPoPError11("unauthorized_client", "token_client_mismatch", {
  description: "the token was not issued to this client"
});
async function revokeRefreshToken(context, client, token) {
  const found = await findRefreshToken(context, token);
  if (found === void 0) return false;
  if (found.record.clientId !== client.clientId) throw notYours();
  await revokeGrant(context, found.record.grantId);
  return true;
}
async function revokeAccessToken(context, client, token) {
  const info = await findAccessToken(context, token);
  if (info === void 0) return false;
  if (info.clientId !== client.clientId) throw notYours();
  await context.storage.revokeAccessToken(info.jti, info.expiresAt * 1e3);
  return true;
}
async function handleRevocation(context, request) {
  const early = preflightOrWrongMethod(context, request);
  if (early !== void 0) return early;
  let client;
  try {
    assertFormContentType(request);
    const parameters = toParameters(readFormBody(request.body), { token: MAX_TOKEN_LENGTH });
    client = (await authenticateClient(context, request, parameters)).client;
    const token = parameters.get("token");
    if (token === void 0)
      throw new DPoPError11("invalid_request", "token_missing", { description: "token is required" });
    const order = parameters.get("token_type_hint") === "refresh_token" ? [revokeRefreshToken, revokeAccessToken] : [revokeAccessToken, revokeRefreshToken];
    for (const revoke of order) if (await revoke(context, client, token)) break;
    return {
      status: 200,
      headers: {
        "Cache-Control": "no-store",
        ...corsHeaders(request, originAllowed(context, request, client))
      },
      body: ""
    };
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error));
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-token.ts
import { DPoPError as DPoPError14 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/grants/authorization-code.ts
import { DPoPError as DPoPError12 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/authorization-server/issue-tokens.ts
import { signJwt } from "@dpop/core";
async function issueTokens(context, grant) {
  const { config, storage } = context;
  const issuedAt = context.nowSeconds();
  const lifetime = config.accessTokenLifetime;
  const expiresAtSeconds = issuedAt + lifetime;
  const jti = randomToken(16);
  const grantId = grant.grantId ?? (grant.refreshToken === void 0 ? void 0 : randomToken(16));
  const format = grant.client.accessTokenFormat ?? config.accessTokenFormat;
  let accessToken;
  if (format === "jwt") {
    const [key] = await context.signingKeys();
    if (key === void 0) throw new Error("no signing key");
    accessToken = await signJwt(
      key.privateKey,
      { alg: key.alg, typ: "at+jwt", kid: key.kid },
      {
        client_id: grant.client.clientId,
        ...grant.scope === "" ? {} : { scope: grant.scope },
        ...grant.accessTokenJkt === void 0 ? {} : { cnf: { jkt: grant.accessTokenJkt } },
        iss: config.issuer,
        sub: grant.subject,
        aud: config.audience,
        jti,
        ...grantId === void 0 ? {} : { grant_id: grantId },
        iat: issuedAt,
        exp: expiresAtSeconds
      }
    );
  } else {
    accessToken = randomToken();
    await storage.saveAccessToken(await sha256(accessToken), {
      jti,
      ...grantId === void 0 ? {} : { grantId },
      clientId: grant.client.clientId,
      subject: grant.subject,
      scope: grant.scope,
      audience: config.audience,
      issuedAt,
      expiresAt: expiresAtSeconds * 1e3,
      ...grant.accessTokenJkt === void 0 ? {} : { jkt: grant.accessTokenJkt }
    });
  }
  const body = {
    access_token: accessToken,
    token_type: grant.accessTokenJkt === void 0 ? "Bearer" : "DPoP",
    expires_in: lifetime,
    ...grant.scope === "" ? {} : { scope: grant.scope }
  };
  if (grant.refreshToken !== void 0 && grantId !== void 0) {
    const refreshToken = randomToken();
    await storage.saveRefreshToken(await sha256(refreshToken), {
      grantId,
      clientId: grant.client.clientId,
      subject: grant.subject,
      scope: grant.refreshToken.scope ?? grant.scope,
      issuedAt,
      expiresAt: (issuedAt + config.refreshTokenLifetime) * 1e3,
      ...grant.refreshToken.jkt === void 0 ? {} : { jkt: grant.refreshToken.jkt }
    });
    body.refresh_token = refreshToken;
  }
  return body;
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/grants/grant-context.ts
function accessTokenJkt(request) {
  if (request.proof === void 0 || request.client.tokenBinding === "none") return {};
  return { accessTokenJkt: request.proof.thumbprint };
}
function refreshTokenJkt(request) {
  if (request.proof === void 0 || request.client.tokenEndpointAuthMethod !== "none") return {};
  return { jkt: request.proof.thumbprint };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/grants/authorization-code.ts
var invalidGrant = (reason, description) => new DPoPError12("invalid_grant", reason, { description });
async function authorizationCodeGrant(context, request) {
  const { client, parameters, proof } = request;
  const code = parameters.get("code");
  const verifier = parameters.get("code_verifier");
  const redirectUri = parameters.get("redirect_uri");
  if (code === void 0)
    throw new DPoPError12("invalid_request", "code_missing", { description: "code is required" });
  if (verifier === void 0 || !isCodeVerifier(verifier)) {
    throw new DPoPError12("invalid_request", "code_verifier", {
      description: "a valid code_verifier is required"
    });
  }
  const codeHash = await sha256(code);
  const record = await context.storage.consumeCode(codeHash);
  if (record === void 0) {
    await revokeRedemption(context, codeHash);
    throw invalidGrant("code_invalid", "authorization code is invalid or was already used");
  }
  if (record.expiresAt <= context.config.now())
    throw invalidGrant("code_expired", "authorization code expired");
  const authorization = record.request;
  if (authorization.clientId !== client.clientId) {
    throw invalidGrant("client_mismatch", "authorization code was issued to another client");
  }
  const redirectMatches = authorization.redirectUriProvided ? redirectUri === authorization.redirectUri : redirectUri === void 0 || redirectUri === authorization.redirectUri;
  if (!redirectMatches)
    throw invalidGrant("redirect_uri", "redirect_uri does not match the authorization request");
  if (!await verifyCodeVerifier(verifier, authorization.codeChallenge)) {
    throw invalidGrant("pkce", "code_verifier does not match the code_challenge");
  }
  if (authorization.dpopJkt !== void 0) {
    if (proof === void 0)
      throw invalidGrant("dpop_jkt_missing", "authorization code is bound to a DPoP key");
    if (proof.thumbprint !== authorization.dpopJkt) {
      throw invalidGrant("jkt_mismatch", "DPoP proof key does not match the key the code is bound to");
    }
  }
  const withRefreshToken = client.grantTypes.includes("refresh_token");
  const grantId = randomToken(16);
  const { storage, config } = context;
  if (storage.saveCodeRedemption !== void 0) {
    const lifetime = withRefreshToken ? config.refreshTokenLifetime : config.accessTokenLifetime;
    await storage.saveCodeRedemption(codeHash, { grantId, expiresAt: config.now() + lifetime * 1e3 });
  }
  const tokens = await issueTokens(context, {
    client,
    subject: record.subject,
    scope: record.scope,
    grantId,
    ...accessTokenJkt(request),
    ...withRefreshToken ? { refreshToken: refreshTokenJkt(request) } : {}
  });
  await refuseIfGrantRevoked(context, grantId, "code_invalid", "authorization code was used again");
  return tokens;
}
async function revokeRedemption(context, codeHash) {
  const { storage } = context;
  if (storage.consumeCodeRedemption === void 0) return;
  const redemption = await storage.consumeCodeRedemption(codeHash);
  if (redemption !== void 0) await revokeGrant(context, redemption.grantId);
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/grants/client-credentials.ts
async function clientCredentialsGrant(context, request) {
  const { client } = request;
  const allowed = client.scope ?? context.config.scopesSupported?.join(" ");
  const scope = resolveScope(request.parameters.get("scope"), allowed, client.scope ?? "");
  return issueTokens(context, { client, subject: client.clientId, scope, ...accessTokenJkt(request) });
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/grants/refresh-token.ts
import { DPoPError as DPoPError13 } from "@dpop/core";
var invalidGrant2 = (reason, description) => new DPoPError13("invalid_grant", reason, { description });
async function refreshTokenGrant(context, request) {
  const { client, parameters, proof } = request;
  const { storage, config } = context;
  const token = parameters.get("refresh_token");
  if (token === void 0) {
    throw new DPoPError13("invalid_request", "refresh_token_missing", {
      description: "refresh_token is required"
    });
  }
  const tokenHash = await sha256(token);
  const lookup = await storage.getRefreshToken(tokenHash);
  if (lookup === void 0) throw invalidGrant2("refresh_token_invalid", "refresh token is invalid");
  const { record } = lookup;
  if (record.clientId !== client.clientId)
    throw invalidGrant2("client_mismatch", "refresh token was issued to another client");
  if (record.expiresAt <= config.now()) throw invalidGrant2("refresh_token_expired", "refresh token expired");
  if (record.jkt !== void 0) {
    if (proof === void 0) throw invalidGrant2("dpop_proof_missing", "refresh token is bound to a DPoP key");
    if (proof.thumbprint !== record.jkt) {
      throw invalidGrant2(
        "jkt_mismatch",
        "DPoP proof key does not match the key the refresh token is bound to"
      );
    }
  }
  const scope = resolveScope(parameters.get("scope"), record.scope, record.scope);
  const rotation = await storage.rotateRefreshToken(tokenHash);
  if (rotation === void 0) throw invalidGrant2("refresh_token_invalid", "refresh token is invalid");
  if (rotation.status === "revoked") throw invalidGrant2("refresh_token_revoked", "refresh token was revoked");
  if (rotation.status === "reused") {
    await revokeGrant(context, record.grantId);
    throw invalidGrant2("refresh_token_reused", "refresh token was already used");
  }
  const tokens = await issueTokens(context, {
    client,
    subject: record.subject,
    scope,
    grantId: record.grantId,
    ...accessTokenJkt(request),
    refreshToken: { scope: record.scope, ...refreshTokenJkt(request) }
  });
  await refuseIfGrantRevoked(context, record.grantId, "refresh_token_revoked", "refresh token was revoked");
  return tokens;
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/handle-token.ts
var GRANTS = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant
};
async function handleToken(context, request) {
  const early = preflightOrWrongMethod(context, request);
  if (early !== void 0) return early;
  let client;
  try {
    assertFormContentType(request);
    const parameters = toParameters(readFormBody(request.body));
    const grantType = parameters.get("grant_type");
    client = (await authenticateClient(context, request, parameters)).client;
    if (grantType === void 0) {
      throw new DPoPError14("invalid_request", "grant_type_missing", { description: "grant_type is required" });
    }
    if (!Object.hasOwn(GRANTS, grantType) || !context.config.enabledGrantTypes.includes(grantType)) {
      throw new DPoPError14("unsupported_grant_type", "grant_type", { description: "unsupported grant_type" });
    }
    if (!client.grantTypes.includes(grantType)) {
      throw new DPoPError14("unauthorized_client", "grant_type_not_allowed", {
        description: "the client may not use this grant_type"
      });
    }
    const proof = await checkProof(context, request, context.config.endpoints.token, client, {
      required: client.tokenBinding === "dpop"
    });
    const body = await GRANTS[grantType](context, { client, parameters, proof });
    return jsonResponse(200, body, {
      ...proof?.responseHeaders,
      ...corsHeaders(request, originAllowed(context, request, client))
    });
  } catch (error) {
    return errorResponse(error, clientErrorHeaders(context, request, client, error));
  }
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/guard-storage.ts
import { DPoPError as DPoPError15, isDPoPError as isDPoPError3 } from "@dpop/core";
function guardStorage(storage) {
  const guarded = {};
  for (const name of Object.keys(storageMethods)) {
    if (typeof storage[name] !== "function") continue;
    guarded[name] = async (...args) => {
      try {
        return await storage[name].apply(storage, args);
      } catch (cause) {
        if (isDPoPError3(cause) && cause.code === "temporarily_unavailable") throw cause;
        throw new DPoPError15("temporarily_unavailable", "storage_unavailable", {
          description: "the server is temporarily unavailable",
          cause
        });
      }
    };
  }
  return guarded;
}
var storageMethods = {
  getClient: true,
  saveClient: true,
  saveCode: true,
  consumeCode: true,
  saveCodeRedemption: true,
  consumeCodeRedemption: true,
  savePushedRequest: true,
  consumePushedRequest: true,
  saveInteraction: true,
  getInteraction: true,
  consumeInteraction: true,
  saveRefreshToken: true,
  getRefreshToken: true,
  rotateRefreshToken: true,
  revokeGrant: true,
  isGrantRevoked: true,
  saveAccessToken: true,
  getAccessToken: true,
  revokeAccessToken: true,
  isAccessTokenRevoked: true
};

// ../../../../tmp/observe-base/packages/server/src/authorization-server/signing-keys.ts
import { algorithmOfKey, generateKeyPair, SUPPORTED_ALGORITHMS } from "@dpop/core";
import { calculateJwkThumbprint, exportJWK, importJWK } from "jose";
var PRIVATE_MEMBERS2 = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
var SIGNING_ALGORITHMS = SUPPORTED_ALGORITHMS.filter(
  (alg) => alg !== "Ed25519" && alg !== "Ed448"
);
function algorithmOfJwk(jwk) {
  if (jwk.alg !== void 0) return jwk.alg;
  if (jwk.kty === "EC") return { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[jwk.crv ?? ""] ?? "";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "RSA") return "RS256";
  return "";
}
function asCryptoKey(key) {
  if (key instanceof Uint8Array)
    throw new TypeError("createAuthorizationServer: signingKeys must be asymmetric keys");
  return key;
}
async function finish(kid, alg, privateKey, publicKey) {
  if (!SIGNING_ALGORITHMS.includes(alg)) {
    throw new TypeError(
      `createAuthorizationServer: signing key algorithm must be one of ${SIGNING_ALGORITHMS.join(", ")}`
    );
  }
  const { kty, crv, x, y, e, n } = await exportJWK(publicKey);
  const members = { kty };
  for (const [name, value] of Object.entries({ crv, x, y, e, n }))
    if (value !== void 0) members[name] = value;
  const resolvedKid = kid ?? await calculateJwkThumbprint(members);
  return {
    kid: resolvedKid,
    alg,
    privateKey,
    publicKey,
    publicJwk: { ...members, kid: resolvedKid, alg, use: "sig" }
  };
}
async function loadSigningKeys(inputs) {
  if (inputs.length === 0) {
    const pair = await generateKeyPair("ES256");
    return [await finish(void 0, "ES256", pair.privateKey, pair.publicKey)];
  }
  const keys = [];
  for (const input of inputs) {
    if ("privateKey" in input && typeof input.privateKey === "object") {
      const alg2 = input.alg ?? algorithmOfKey(input.privateKey);
      keys.push(await finish(input.kid, alg2, input.privateKey, input.publicKey));
      continue;
    }
    const jwk = input;
    const alg = algorithmOfJwk(jwk);
    const publicMembers = {};
    for (const [name, value] of Object.entries(jwk))
      if (!PRIVATE_MEMBERS2.includes(name)) publicMembers[name] = value;
    const privateKey = asCryptoKey(await importJWK({ ...jwk, ext: false }, alg));
    const publicKey = asCryptoKey(await importJWK({ ...publicMembers, ext: true }, alg));
    keys.push(await finish(jwk.kid, alg, privateKey, publicKey));
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new TypeError("createAuthorizationServer: signingKeys must have distinct kid values");
  }
  return keys;
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/server-context.ts
function createServerContext(config) {
  const storage = guardStorage(config.storage);
  let keys;
  let staticClients;
  const hashStaticClients = async () => {
    const clients = /* @__PURE__ */ new Map();
    for (const [clientId, { record, secret }] of config.staticClients) {
      clients.set(
        clientId,
        secret === void 0 ? record : { ...record, clientSecretHash: await sha256(secret) }
      );
    }
    return clients;
  };
  const staticOrigins = /* @__PURE__ */ new Set();
  for (const { record } of config.staticClients.values())
    for (const origin of record.allowedOrigins ?? []) staticOrigins.add(origin);
  const { replayStore, now, dpop } = config;
  return {
    config,
    storage,
    replayStore: {
      // Core reserves for the proof's acceptance window; jtiCacheTime may ask for longer.
      reserve: (key, expiresAt) => replayStore.reserve(key, Math.max(expiresAt, now() + dpop.jtiCacheTime * 1e3)),
      // The store's synchronous answer when it has one (the in-memory store does), as core would use it.
      reserveSync: (key, expiresAt) => replayStore.reserveSync?.(key, Math.max(expiresAt, now() + dpop.jtiCacheTime * 1e3))
    },
    signingKeys() {
      keys ??= loadSigningKeys(config.signingKeys);
      return keys;
    },
    async getClient(clientId) {
      staticClients ??= hashStaticClients();
      const known = (await staticClients).get(clientId);
      if (known !== void 0) return known;
      if (!config.registrationEnabled) return void 0;
      const registered = await storage.getClient(clientId);
      if (registered === void 0 || registered.expiresAt !== void 0 && registered.expiresAt <= now())
        return void 0;
      return registered;
    },
    staticOrigins,
    nowSeconds: () => Math.floor(now() / 1e3)
  };
}

// ../../../../tmp/observe-base/packages/server/src/authorization-server/create-authorization-server.ts
function publicDocument(body) {
  return async (_context, request) => {
    if (request.method === "OPTIONS") return preflightResponse(request, "*", "GET");
    if (request.method !== "GET") return methodNotAllowed("GET, OPTIONS");
    return jsonResponse(200, await body(), { "Cache-Control": "max-age=300", ...corsHeaders(request, "*") });
  };
}
function createAuthorizationServer(config) {
  const resolved = resolveConfig(config);
  const context = createServerContext(resolved);
  const { endpoints } = resolved;
  const metadata = buildMetadata(resolved);
  const jwks = async () => ({ keys: (await context.signingKeys()).map((key) => ({ ...key.publicJwk })) });
  const interactive = resolved.interaction !== void 0;
  const entries = [
    { endpoint: endpoints.metadata, methods: ["GET", "OPTIONS"], handler: publicDocument(() => metadata) },
    { endpoint: endpoints.jwks, methods: ["GET", "OPTIONS"], handler: publicDocument(jwks) },
    { endpoint: endpoints.token, methods: ["POST", "OPTIONS"], handler: handleToken },
    { endpoint: endpoints.introspection, methods: ["POST"], handler: handleIntrospection },
    { endpoint: endpoints.revocation, methods: ["POST", "OPTIONS"], handler: handleRevocation }
  ];
  if (interactive) {
    entries.push(
      { endpoint: endpoints.authorization, methods: ["GET", "POST"], handler: handleAuthorize },
      {
        endpoint: endpoints.pushedAuthorizationRequest,
        methods: ["POST", "OPTIONS"],
        handler: handlePushedAuthorizationRequest
      }
    );
  }
  if (resolved.registrationEnabled) {
    entries.push({ endpoint: endpoints.registration, methods: ["POST"], handler: handleRegistration });
  }
  const issuerPath = new URL(resolved.issuer).pathname;
  const slashAlias = `/.well-known/oauth-authorization-server${issuerPath}`;
  if (issuerPath !== "/" && issuerPath.endsWith("/") && config.paths?.metadata === void 0 && !entries.some((entry) => entry.endpoint.path === slashAlias)) {
    entries.push({
      endpoint: { path: slashAlias, url: `${new URL(resolved.issuer).origin}${slashAlias}` },
      methods: ["GET", "OPTIONS"],
      handler: publicDocument(() => metadata)
    });
  }
  const byPath = new Map(entries.map((entry) => [entry.endpoint.path, entry]));
  const routes = Object.freeze(
    entries.flatMap(
      ({ endpoint, methods }) => methods.map((method) => Object.freeze({ method, path: endpoint.path }))
    )
  );
  return {
    issuer: resolved.issuer,
    routes,
    metadata: () => structuredClone(metadata),
    jwks,
    async handle(request) {
      let path;
      try {
        path = new URL(request.url).pathname;
      } catch {
        return void 0;
      }
      const entry = byPath.get(path);
      if (entry === void 0) return void 0;
      try {
        return await entry.handler(context, request);
      } catch (error) {
        return errorResponse(error);
      }
    }
  };
}

// ../../../../tmp/observe-base/packages/server/src/fetch/create-fetch-guard.ts
import { DPoPError as DPoPError22, isDPoPError as isDPoPError8 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/http/assert-public-url.ts
function assertPublicUrl(publicUrl, option = "publicUrl") {
  if (typeof publicUrl !== "string")
    throw new TypeError(`${option} must be a string such as "https://api.example.com"`);
  let url;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new TypeError(`${option} must be an absolute URL such as "https://api.example.com/prefix"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new TypeError(`${option} must use http or https`);
  if (url.username !== "" || url.password !== "")
    throw new TypeError(`${option} must not contain user information`);
  if (url.search !== "" || url.hash !== "" || publicUrl.includes("?") || publicUrl.includes("#")) {
    throw new TypeError(
      `${option} must not contain a query or fragment: give the origin and an optional path prefix`
    );
  }
  const prefix = url.pathname.replace(/\/+$/, "");
  return url.origin + prefix;
}

// ../../../../tmp/observe-base/packages/server/src/http/resolve-request-url.ts
import { DPoPError as DPoPError16, LruCache } from "@dpop/core";
var REG_NAME = /^[A-Za-z0-9._~-]{1,253}$/;
var IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
var NUMERIC_LABEL = /(?:^|\.)(?:0x[0-9a-f]*|[0-9]+)\.?$/i;
var IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
var PORT = /^[0-9]{1,5}$/;
var normalizedPublicUrls = new LruCache(64);
function hostMalformed() {
  return new DPoPError16("invalid_request", "host_malformed", {
    status: 400,
    description: "malformed Host header"
  });
}
function hasSeveralHostLines(rawHeaders) {
  let seen = false;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index];
    if (name.length === 4 && name.toLowerCase() === "host") {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}
function isIPv6Literal(literal) {
  if (!IPV6.test(literal)) return false;
  try {
    return new URL(`http://${literal}/`).hostname !== "";
  } catch {
    return false;
  }
}
function checkHost(host) {
  let name = host;
  let port;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    if (end < 0) throw hostMalformed();
    name = host.slice(0, end + 1);
    const rest = host.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) throw hostMalformed();
      port = rest.slice(1);
    }
    if (!isIPv6Literal(name)) throw hostMalformed();
  } else {
    const colon = host.indexOf(":");
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!REG_NAME.test(name) || name.startsWith(".") || name.includes("..")) throw hostMalformed();
    if (NUMERIC_LABEL.test(name) && !IPV4.test(name)) throw hostMalformed();
  }
  if (port !== void 0) {
    if (!PORT.test(port)) throw hostMalformed();
    const value = Number(port);
    if (value < 1 || value > 65535) throw hostMalformed();
  }
  return host.toLowerCase();
}
function checkPath(path) {
  if (typeof path !== "string" || path.charCodeAt(0) !== 47) {
    throw new DPoPError16("invalid_request", "path_malformed", {
      status: 400,
      description: "request target must be in origin-form"
    });
  }
}
function resolveRequestUrl(input) {
  const { publicUrl, path } = input;
  checkPath(path);
  if (publicUrl !== void 0) {
    let base = normalizedPublicUrls.get(publicUrl);
    if (base === void 0) {
      base = assertPublicUrl(publicUrl);
      normalizedPublicUrls.set(publicUrl, base);
    }
    return base + path;
  }
  const protocol = input.protocol.toLowerCase();
  let scheme;
  if (protocol === "https" || protocol === "https:") scheme = "https";
  else if (protocol === "http" || protocol === "http:") scheme = "http";
  else {
    throw new DPoPError16("invalid_request", "protocol_malformed", {
      status: 400,
      description: "unsupported request protocol"
    });
  }
  if (input.rawHeaders !== void 0 && hasSeveralHostLines(input.rawHeaders)) {
    throw new DPoPError16("invalid_request", "host_multiple", {
      status: 400,
      description: "more than one Host header"
    });
  }
  if (input.host === void 0 || input.host === "") {
    throw new DPoPError16("invalid_request", "host_missing", {
      status: 400,
      description: "Host header required"
    });
  }
  return `${scheme}://${checkHost(input.host)}${path}`;
}

// ../../../../tmp/observe-base/packages/server/src/http/resource-cors-headers.ts
var DEFAULT_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
function isAllowed(origin, allowedOrigins) {
  if (allowedOrigins === "*") return true;
  if (typeof allowedOrigins === "function") return allowedOrigins(origin);
  if (Array.isArray(allowedOrigins)) return allowedOrigins.includes(origin);
  throw new TypeError('resourceCorsHeaders: allowedOrigins must be "*", an array of origins or a function');
}
function resourceCorsHeaders(origin, allowedOrigins, options = {}) {
  const headers = { Vary: "Origin" };
  if (origin === void 0 || origin === "" || !isAllowed(origin, allowedOrigins)) return headers;
  headers["Access-Control-Allow-Origin"] = origin;
  headers["Access-Control-Allow-Headers"] = "Authorization, DPoP, Content-Type";
  headers["Access-Control-Expose-Headers"] = "DPoP-Nonce, WWW-Authenticate";
  if (options.preflight) {
    headers["Access-Control-Allow-Methods"] = options.methods?.join(", ") ?? DEFAULT_METHODS;
    headers["Access-Control-Max-Age"] = String(options.maxAge ?? 600);
  }
  return headers;
}

// ../../../../tmp/observe-base/packages/server/src/http/resource-cors.ts
function resourceCors(method, header, allowedOrigins) {
  const origin = header("origin") || void 0;
  const preflight = method === "OPTIONS" && origin !== void 0 && !!header("access-control-request-method");
  const headers = allowedOrigins === void 0 ? {} : resourceCorsHeaders(origin, allowedOrigins, { preflight });
  return { preflight, headers };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/authenticate-request.ts
import {
  calculateAccessTokenHash,
  contextualizeError as contextualizeError2,
  DPoPError as DPoPError19,
  isDPoPError as isDPoPError4,
  MISSING_CREDENTIALS,
  parseAuthorization as parseAuthorization2,
  verifyProof as verifyProof2
} from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/resource-guard/assert-no-token-outside-header.ts
import { DPoPError as DPoPError17 } from "@dpop/core";
var NAME = "access_token";
function isTokenName(name) {
  return name === NAME || name.startsWith(NAME) && name.charCodeAt(NAME.length) === 91;
}
function hasTokenParameter(parameters) {
  for (const name of parameters.keys()) if (isTokenName(name)) return true;
  return false;
}
function queryCarriesToken(url) {
  const start = url.indexOf("?");
  if (start < 0) return false;
  const end = url.indexOf("#", start);
  const query = url.slice(start + 1, end < 0 ? void 0 : end);
  return query !== "" && hasTokenParameter(new URLSearchParams(query));
}
function isForm(contentType) {
  if (contentType === void 0) return false;
  const values = typeof contentType === "string" ? [contentType] : contentType;
  return values.some(
    (value) => value.split(";", 1)[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded"
  );
}
function bodyCarriesToken(body) {
  if (typeof body === "string") return body !== "" && hasTokenParameter(new URLSearchParams(body));
  if (body instanceof URLSearchParams) return hasTokenParameter(body);
  if (typeof body !== "object" || body === null || ArrayBuffer.isView(body)) return false;
  for (const name of Object.keys(body)) if (isTokenName(name)) return true;
  return false;
}
function tokenOutsideHeader(reason, description) {
  return new DPoPError17("invalid_request", reason, { description });
}
function assertNoTokenOutsideHeader(request) {
  if (queryCarriesToken(request.url)) {
    throw tokenOutsideHeader("token_in_query", "access token must not be sent in the URI query");
  }
  const { body } = request;
  if (body !== void 0 && body !== null && isForm(request.header("content-type")) && bodyCarriesToken(body)) {
    throw tokenOutsideHeader("token_in_body", "access token must not be sent in the request body");
  }
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/invalid-token.ts
import { DPoPError as DPoPError18 } from "@dpop/core";
function invalidToken(reason, cause) {
  return new DPoPError18("invalid_token", reason, {
    description: reason === "token_expired" ? "access token expired" : "access token invalid",
    ...cause === void 0 ? {} : { cause }
  });
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/bound-thumbprint.ts
function boundThumbprint(claims) {
  const cnf = claims.cnf;
  if (cnf === void 0) return void 0;
  if (typeof cnf !== "object" || cnf === null) throw invalidToken("cnf_invalid");
  const jkt = cnf.jkt;
  if (jkt === void 0) throw invalidToken(Object.keys(cnf).length === 0 ? "cnf_invalid" : "cnf_unsupported");
  if (typeof jkt !== "string" || jkt === "") throw invalidToken("cnf_invalid");
  return jkt;
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/guard-option-checks.ts
function fail2(name, message) {
  throw new TypeError(`createResourceGuard: ${name} ${message}`);
}
function assertScopes(scopes, name) {
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string" && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    fail2(name, "must be an array of scope tokens (no spaces or quotes)");
  }
  return Object.freeze([...scopes]);
}
function assertHttpUrl(value, name) {
  let url;
  try {
    url = new URL(value);
  } catch {
    fail2(name, "must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail2(name, "must be an https URL");
  if (url.hash !== "" || value.includes("#")) fail2(name, "must not contain a fragment");
  return value;
}
function assertSeconds(value, name, positive) {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || positive && value === 0) {
    fail2(name, positive ? "must be a positive number of seconds" : "must be a non-negative number of seconds");
  }
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-guard-nonce.ts
import { createNonceSource as createNonceSource2 } from "@dpop/core";
function resourceNonceServer(identity) {
  return `resource ${identity}`;
}
function isNonceSource(value) {
  const source = value;
  return typeof source?.issue === "function" && typeof source.verify === "function";
}
function identityOf(options) {
  if (typeof options.resourceMetadata?.resource === "string") return options.resourceMetadata.resource;
  const { audience } = options;
  if (typeof audience === "string") return audience;
  if (Array.isArray(audience) && audience.length > 0) return [...audience].sort().join(" ");
  return void 0;
}
function resolveGuardNonce(options, now) {
  const { nonce, nonceSource } = options;
  if (nonceSource !== void 0 && !isNonceSource(nonceSource)) {
    fail2("nonceSource", "must be a NonceSource (createNonceSource from @dpop/core)");
  }
  if (nonce === void 0 || nonce === "off") return void 0;
  let requirement;
  if (nonce === "always" || typeof nonce === "function") {
    const source = nonceSource ?? createNonceSource2({ secrets: [{ id: "rs", secret: crypto.getRandomValues(new Uint8Array(32)) }], now });
    requirement = { source, required: nonce === "always" ? true : nonce };
  } else if (typeof nonce === "object" && nonce !== null) {
    if (!isNonceSource(nonce.source)) {
      fail2("nonce.source", "must be a NonceSource (createNonceSource from @dpop/core)");
    }
    if (nonceSource !== void 0) fail2("nonceSource", "cannot be combined with nonce.source");
    const { required } = nonce;
    if (required !== void 0 && typeof required !== "boolean" && typeof required !== "function") {
      fail2("nonce.required", "must be a boolean or a function of the request");
    }
    if (nonce.server !== void 0 && typeof nonce.server !== "string")
      fail2("nonce.server", "must be a string");
    requirement = nonce;
  } else {
    fail2("nonce", "must be 'off', 'always', a function (request) => boolean, or { source, required }");
  }
  if (requirement.server !== void 0) return { requirement: Object.freeze(requirement), perOrigin: false };
  const identity = identityOf(options);
  return identity === void 0 ? { requirement: Object.freeze({ ...requirement }), perOrigin: true } : {
    requirement: Object.freeze({ ...requirement, server: resourceNonceServer(identity) }),
    perOrigin: false
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/scopes-of.ts
function split(value) {
  if (typeof value === "string") return value.split(" ").filter((scope) => scope !== "");
  if (Array.isArray(value)) return value.filter((scope) => typeof scope === "string");
  return [];
}
function scopesOf(claims) {
  return /* @__PURE__ */ new Set([...split(claims.scope), ...split(claims["scp"])]);
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/authenticate-request.ts
function answer(config, error, extra) {
  return contextualizeError2(
    error,
    "resource",
    extra === void 0 ? config.challenge : { ...config.challenge, ...extra }
  );
}
async function authenticateRequest(config, request, options = {}) {
  const callScopes = options.requiredScopes === void 0 ? [] : assertScopes(options.requiredScopes, "requiredScopes");
  let credentials;
  try {
    assertNoTokenOutsideHeader(request);
    credentials = parseAuthorization2(request.header("authorization"));
  } catch (error) {
    throw isDPoPError4(error) ? answer(config, error) : error;
  }
  if (credentials === void 0 || credentials.scheme !== "dpop" && credentials.scheme !== "bearer") {
    throw answer(
      config,
      new DPoPError19("invalid_token", MISSING_CREDENTIALS, { description: "access token required" })
    );
  }
  if (credentials.scheme === "bearer" && !config.allowBearer) {
    throw answer(
      config,
      new DPoPError19("invalid_token", "bearer_not_allowed", {
        description: "access token must be sent with DPoP"
      })
    );
  }
  const accessToken = credentials.token;
  let claims;
  let jkt;
  const accessTokenHash = await calculateAccessTokenHash(accessToken);
  try {
    claims = await config.getClaims(accessTokenHash, accessToken);
    if (typeof claims.exp === "number" && claims.exp <= config.now() / 1e3)
      throw invalidToken("token_expired");
    jkt = boundThumbprint(claims);
  } catch (error) {
    throw isDPoPError4(error) ? answer(config, error) : error;
  }
  let thumbprint;
  let responseHeaders = {};
  if (credentials.scheme === "dpop") {
    if (jkt === void 0) {
      throw answer(
        config,
        new DPoPError19("invalid_token", "token_not_bound", { description: "access token is not DPoP-bound" })
      );
    }
    const { nonce } = config.proofOptions;
    const proof = await verifyProof2(request.header("dpop"), request, {
      ...config.proofOptions,
      ...config.nonceBoundToOrigin && nonce !== void 0 ? { nonce: { ...nonce, server: resourceNonceServer(new URL(request.url).origin) } } : {},
      accessToken,
      accessTokenHash,
      expectedThumbprint: jkt
    });
    thumbprint = proof.thumbprint;
    responseHeaders = proof.responseHeaders;
  } else if (jkt !== void 0) {
    throw answer(
      config,
      new DPoPError19("invalid_token", "token_bound", { description: "access token must be sent with DPoP" })
    );
  }
  const guardScopes = config.requiredScopes;
  const required = callScopes.length === 0 ? guardScopes : [.../* @__PURE__ */ new Set([...guardScopes, ...callScopes])];
  if (required.length > 0) {
    const granted = scopesOf(claims);
    if (!required.every((scope) => granted.has(scope))) {
      throw answer(
        config,
        new DPoPError19("insufficient_scope", "scope", { description: "insufficient scope" }),
        {
          scope: required.join(" ")
        }
      );
    }
  }
  return {
    accessToken,
    claims,
    thumbprint,
    scheme: credentials.scheme === "dpop" ? "DPoP" : "Bearer",
    responseHeaders
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/error-to-response.ts
import { isDPoPError as isDPoPError5, MISSING_CREDENTIALS as MISSING_CREDENTIALS2 } from "@dpop/core";
function errorToResponse(error) {
  if (!isDPoPError5(error)) throw error;
  const headers = { ...error.headers, "Cache-Control": "no-store" };
  if (error.reason === MISSING_CREDENTIALS2) return { status: error.status, headers, body: "" };
  headers["Content-Type"] = "application/json";
  return { status: error.status, headers, body: JSON.stringify(error.toJSON()) };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-guard-config.ts
import {
  assertAlgorithms as assertAlgorithms2,
  createMemoryReplayStore as createMemoryReplayStore2,
  DEFAULT_ALGORITHMS as DEFAULT_ALGORITHMS2
} from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resource-metadata-url.ts
function resourceMetadataUrl(resource) {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-resource-metadata.ts
function resolveResourceMetadata(options, algorithms, allowBearer) {
  assertHttpUrl(options.resource, "resourceMetadata.resource");
  const documentUrl = options.documentUrl === void 0 ? resourceMetadataUrl(options.resource) : assertHttpUrl(options.documentUrl, "resourceMetadata.documentUrl");
  for (const server of options.authorizationServers ?? []) {
    assertHttpUrl(server, "resourceMetadata.authorizationServers");
  }
  if (options.scopesSupported !== void 0) {
    assertScopes(options.scopesSupported, "resourceMetadata.scopesSupported");
  }
  const document = {
    resource: options.resource,
    ...options.authorizationServers === void 0 ? {} : { authorization_servers: [...options.authorizationServers] },
    ...options.scopesSupported === void 0 ? {} : { scopes_supported: [...options.scopesSupported] },
    bearer_methods_supported: ["header"],
    dpop_signing_alg_values_supported: [...algorithms],
    dpop_bound_access_tokens_required: !allowBearer
  };
  return { documentUrl, document };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-token-verifier.ts
import { isDPoPError as isDPoPError7 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/resource-guard/check-claims.ts
function checkClaims(claims, nowSeconds, issuers, audiences) {
  if (typeof claims !== "object" || claims === null) throw invalidToken("token_invalid");
  if (claims.exp !== void 0 && (typeof claims.exp !== "number" || claims.exp <= nowSeconds)) {
    throw invalidToken("token_expired");
  }
  if (claims.nbf !== void 0 && (typeof claims.nbf !== "number" || claims.nbf > nowSeconds)) {
    throw invalidToken("token_not_yet_valid");
  }
  if (issuers !== void 0 && (typeof claims.iss !== "string" || !issuers.includes(claims.iss))) {
    throw invalidToken("token_issuer");
  }
  if (audiences !== void 0) {
    const aud = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (!aud.some((value) => audiences.includes(value))) throw invalidToken("token_audience");
  }
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/create-introspection-verifier.ts
import { DPoPError as DPoPError20 } from "@dpop/core";
function formEncode(value) {
  return encodeURIComponent(value).replace(/%20/g, "+");
}
function unavailable(reason, cause) {
  return new DPoPError20("temporarily_unavailable", reason, {
    description: "token introspection unavailable",
    ...cause === void 0 ? {} : { cause }
  });
}
function createIntrospectionVerifier(options) {
  let endpoint;
  try {
    endpoint = new URL(options.endpoint);
  } catch {
    throw new TypeError("createResourceGuard: introspection.endpoint must be an absolute URL");
  }
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") {
    throw new TypeError(
      "createResourceGuard: introspection.endpoint must use https (or http on a private network)"
    );
  }
  if (typeof options.clientId !== "string" || options.clientId === "") {
    throw new TypeError("createResourceGuard: introspection.clientId is required");
  }
  const mode = options.clientAuthentication ?? "client_secret_basic";
  if (mode !== "client_secret_basic" && mode !== "client_secret_post") {
    throw new TypeError(
      "createResourceGuard: introspection.clientAuthentication must be client_secret_basic or client_secret_post"
    );
  }
  const hasAuthorizationHeader = Object.keys(options.headers ?? {}).some(
    (name) => name.toLowerCase() === "authorization"
  );
  if (options.clientSecret === void 0 && !hasAuthorizationHeader) {
    throw new TypeError(
      "createResourceGuard: introspection needs clientSecret, or an Authorization header in headers"
    );
  }
  const timeout = options.timeout ?? 5e3;
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new TypeError(
      "createResourceGuard: introspection.timeout must be a positive number of milliseconds"
    );
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers = {
    ...options.headers,
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json"
  };
  const baseBody = new URLSearchParams();
  if (options.clientSecret !== void 0 && mode === "client_secret_basic") {
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    headers["Authorization"] = `Basic ${btoa(credentials)}`;
  } else {
    baseBody.set("client_id", options.clientId);
    if (options.clientSecret !== void 0) baseBody.set("client_secret", options.clientSecret);
  }
  return async (accessToken) => {
    const body = new URLSearchParams(baseBody);
    body.set("token", accessToken);
    body.set("token_type_hint", "access_token");
    let response;
    try {
      response = await fetchImpl(endpoint, {
        method: "POST",
        headers,
        body: body.toString(),
        redirect: "error",
        signal: AbortSignal.timeout(timeout)
      });
    } catch (cause) {
      throw unavailable("introspection_unreachable", cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable("introspection_failed", { status: response.status });
    }
    let result;
    try {
      result = await response.json();
    } catch (cause) {
      throw unavailable("introspection_malformed", cause);
    }
    if (typeof result !== "object" || result === null || Array.isArray(result)) {
      throw unavailable("introspection_malformed");
    }
    const { active, ...claims } = result;
    if (active !== true) throw invalidToken("token_inactive");
    return claims;
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/create-jwt-verifier.ts
import { DPoPError as DPoPError21, isDPoPError as isDPoPError6 } from "@dpop/core";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify as jwtVerify2
} from "jose";
var ASYMMETRIC = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519"
];
var CLAIM_REASONS = {
  iss: "token_issuer",
  aud: "token_audience",
  typ: "token_type",
  nbf: "token_not_yet_valid",
  exp: "token_expired"
};
var UNAVAILABLE = /* @__PURE__ */ new Set(["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"]);
function mapError(cause) {
  if (isDPoPError6(cause)) return cause;
  const code = cause?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return invalidToken("token_expired", cause);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const claim = String(cause.claim);
      return invalidToken(CLAIM_REASONS[claim] ?? "token_claims", cause);
    }
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return invalidToken("token_signature", cause);
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return invalidToken("token_alg", cause);
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return invalidToken("token_malformed", cause);
  }
  if (typeof code === "string" && UNAVAILABLE.has(code)) {
    return new DPoPError21("temporarily_unavailable", "jwks_unavailable", {
      description: "token verification keys unavailable",
      cause
    });
  }
  if (typeof code !== "string" || !code.startsWith("ERR_")) {
    return new DPoPError21("temporarily_unavailable", "jwks_unavailable", {
      description: "token verification keys unavailable",
      cause
    });
  }
  return invalidToken("token_invalid", cause);
}
function createJwtVerifier(options) {
  let keySet;
  if (options.jwks !== void 0) {
    if (!Array.isArray(options.jwks?.keys))
      throw new TypeError("createResourceGuard: jwks must be { keys: [...] }");
    try {
      keySet = createLocalJWKSet(options.jwks);
    } catch {
      throw new TypeError("createResourceGuard: jwks is not a valid JSON Web Key Set");
    }
  } else {
    let url;
    try {
      url = new URL(options.jwksUri);
    } catch {
      throw new TypeError("createResourceGuard: jwksUri must be an absolute URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new TypeError("createResourceGuard: jwksUri must use https (or http on a private network)");
    }
    keySet = createRemoteJWKSet(url, options.remoteJwks);
  }
  const verifyOptions = {
    issuer: typeof options.issuer === "string" ? options.issuer : [...options.issuer],
    audience: typeof options.audience === "string" ? options.audience : [...options.audience],
    algorithms: [...options.algorithms ?? ASYMMETRIC],
    requiredClaims: ["exp"],
    clockTolerance: options.clockTolerance ?? 0,
    ...options.requireAccessTokenType === false ? {} : { typ: "at+jwt" }
  };
  const now = options.now;
  return async (accessToken) => {
    try {
      const { payload } = await jwtVerify2(accessToken, keySet, {
        ...verifyOptions,
        currentDate: new Date(now())
      });
      return payload;
    } catch (cause) {
      throw mapError(cause);
    }
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/create-token-cache.ts
import { LruCache as LruCache2 } from "@dpop/core";
function createTokenCache(maxEntries, maxAge, now) {
  const entries = new LruCache2(maxEntries);
  const pending = /* @__PURE__ */ new Map();
  return {
    get(key, verify) {
      const at = now();
      const entry = entries.get(key);
      if (entry !== void 0) {
        if (entry.expiresAt > at) return Promise.resolve(entry.claims);
        entries.delete(key);
      }
      let promise = pending.get(key);
      if (promise === void 0) {
        promise = verify().then(
          (claims) => {
            pending.delete(key);
            const exp = typeof claims.exp === "number" ? claims.exp * 1e3 : Number.POSITIVE_INFINITY;
            entries.set(key, { claims, expiresAt: Math.min(exp, now() + maxAge * 1e3) });
            return claims;
          },
          (error) => {
            pending.delete(key);
            throw error;
          }
        );
        pending.set(key, promise);
      }
      return promise;
    }
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-token-verifier.ts
function toList(value) {
  return value === void 0 ? void 0 : typeof value === "string" ? [value] : value;
}
function resolveTokenVerifier(options, now) {
  const jwtMode = options.jwks !== void 0 || options.jwksUri !== void 0;
  const modes = [jwtMode, options.introspection !== void 0, options.verifyAccessToken !== void 0];
  if (modes.filter(Boolean).length !== 1) {
    fail2("options", "need exactly one of jwks / jwksUri, introspection or verifyAccessToken");
  }
  if (options.jwks !== void 0 && options.jwksUri !== void 0)
    fail2("options", "take jwks or jwksUri, not both");
  const issuers = toList(options.issuer);
  const audiences = toList(options.audience);
  let verifyToken;
  if (jwtMode) {
    if (issuers === void 0 || issuers.length === 0)
      fail2("issuer", "is required with jwks / jwksUri (RFC 9068 \xA74)");
    if (audiences === void 0 || audiences.length === 0) {
      fail2("audience", "is required with jwks / jwksUri (RFC 9068 \xA74)");
    }
    verifyToken = createJwtVerifier({
      ...options.jwks === void 0 ? {} : { jwks: options.jwks },
      ...options.jwksUri === void 0 ? {} : { jwksUri: options.jwksUri },
      ...options.remoteJwks === void 0 ? {} : { remoteJwks: options.remoteJwks },
      ...options.requireAccessTokenType === void 0 ? {} : { requireAccessTokenType: options.requireAccessTokenType },
      ...options.accessTokenAlgorithms === void 0 ? {} : { algorithms: options.accessTokenAlgorithms },
      issuer: issuers,
      audience: audiences,
      now
    });
  } else {
    const inner = options.introspection === void 0 ? options.verifyAccessToken : createIntrospectionVerifier(options.introspection);
    if (typeof inner !== "function") fail2("verifyAccessToken", "must be a function");
    verifyToken = async (token) => {
      let claims;
      try {
        claims = await inner(token);
      } catch (cause) {
        throw isDPoPError7(cause) ? cause : invalidToken("token_invalid", cause);
      }
      checkClaims(claims, now() / 1e3, issuers, audiences);
      return claims;
    };
  }
  const cacheOptions = options.tokenCache ?? {};
  if (cacheOptions === false) return (_hash, token) => verifyToken(token);
  const maxEntries = cacheOptions.maxEntries ?? 1e4;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    fail2("tokenCache.maxEntries", "must be a positive integer");
  const maxAge = cacheOptions.maxAge ?? 300;
  assertSeconds(maxAge, "tokenCache.maxAge", true);
  const cache = createTokenCache(maxEntries, maxAge, now);
  return (hash, token) => cache.get(hash, () => verifyToken(token));
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/resolve-guard-config.ts
function resolveGuardConfig(options) {
  if (typeof options !== "object" || options === null) fail2("options", "are required");
  const now = options.now ?? Date.now;
  if (typeof now !== "function") fail2("now", "must be a function returning epoch milliseconds");
  const getClaims = resolveTokenVerifier(options, now);
  const algorithms = options.algorithms === void 0 ? DEFAULT_ALGORITHMS2 : assertAlgorithms2(options.algorithms);
  if (options.maxAge !== void 0) assertSeconds(options.maxAge, "maxAge", true);
  if (options.clockTolerance !== void 0) assertSeconds(options.clockTolerance, "clockTolerance", false);
  const requiredScopes = options.requiredScopes === void 0 ? [] : assertScopes(options.requiredScopes, "requiredScopes");
  const allowBearer = options.allowBearer ?? false;
  if (typeof allowBearer !== "boolean") fail2("allowBearer", "must be a boolean");
  if (options.realm !== void 0 && typeof options.realm !== "string") fail2("realm", "must be a string");
  const replayStore = options.replayStore ?? createMemoryReplayStore2({ now });
  if (typeof replayStore?.reserve !== "function") fail2("replayStore", "must have reserve(key, expiresAt)");
  const nonce = resolveGuardNonce(options, now);
  const metadata = options.resourceMetadata === void 0 ? void 0 : resolveResourceMetadata(options.resourceMetadata, algorithms, allowBearer);
  const challenge = Object.freeze({
    algs: algorithms,
    ...options.realm === void 0 ? {} : { realm: options.realm },
    ...metadata === void 0 ? {} : { resourceMetadata: metadata.documentUrl },
    ...allowBearer ? { bearer: true } : {}
  });
  const proofOptions = Object.freeze({
    context: "resource",
    challenge,
    algorithms,
    replayStore,
    now,
    ...options.maxAge === void 0 ? {} : { maxAge: options.maxAge },
    ...options.clockTolerance === void 0 ? {} : { clockTolerance: options.clockTolerance },
    ...nonce === void 0 ? {} : { nonce: nonce.requirement }
  });
  return {
    now,
    allowBearer,
    requiredScopes,
    challenge,
    proofOptions,
    getClaims,
    metadata,
    nonceBoundToOrigin: nonce?.perOrigin ?? false
  };
}

// ../../../../tmp/observe-base/packages/server/src/resource-guard/create-resource-guard.ts
function createResourceGuard(options) {
  const config = resolveGuardConfig(options);
  return {
    authenticate: (request, callOptions) => authenticateRequest(config, request, callOptions),
    metadata() {
      if (config.metadata === void 0) {
        throw new TypeError("createResourceGuard: metadata() needs the resourceMetadata option");
      }
      return structuredClone(config.metadata.document);
    },
    toResponse: errorToResponse
  };
}

// ../../../../tmp/observe-base/packages/server/src/fetch/fetch-request-header.ts
var SINGLE = /* @__PURE__ */ new Set(["authorization", "dpop"]);
function fetchRequestHeader(headers) {
  return (name) => {
    const lower = name.toLowerCase();
    const value = headers.get(lower);
    if (value === null) return void 0;
    if (!SINGLE.has(lower) || !value.includes(",")) return value;
    return value.split(",").map((part) => part.trim());
  };
}

// ../../../../tmp/observe-base/packages/server/src/fetch/read-body-text.ts
async function readBodyText(request, limit, options = {}) {
  if (request.body === null) return "";
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) return void 0;
  const source = options.clone ? request.clone() : request;
  const reader = source.body.getReader();
  const chunks = [];
  let length = 0;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > limit) return void 0;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {
    });
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

// ../../../../tmp/observe-base/packages/server/src/fetch/to-fetch-response.ts
function toFetchResponse(response) {
  const body = response.body === "" || response.status === 204 || response.status === 304 ? null : response.body;
  return new Response(body, { status: response.status, headers: response.headers });
}
function withResponseHeaders(response, headers) {
  const names = Object.keys(headers);
  if (names.length === 0) return response;
  let target = response;
  try {
    for (const name of names) target.headers.set(name, headers[name]);
  } catch {
    target = new Response(response.body, response);
    for (const name of names) target.headers.set(name, headers[name]);
  }
  return target;
}

// ../../../../tmp/observe-base/packages/server/src/fetch/create-fetch-guard.ts
var DEFAULT_FORM_BODY_LIMIT = 102400;
function isForm2(contentType) {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}
function formTooLarge() {
  return new DPoPError22("invalid_request", "parameter_too_large", {
    status: 413,
    description: "form body too large"
  });
}
function createFetchGuard(options) {
  const { publicUrl, allowedOrigins, formBodyLimit = DEFAULT_FORM_BODY_LIMIT, ...guardOptions } = options;
  if (publicUrl !== void 0) assertPublicUrl(publicUrl);
  if (!Number.isSafeInteger(formBodyLimit) || formBodyLimit < 0) {
    throw new TypeError("createFetchGuard: formBodyLimit must be a non-negative integer");
  }
  const guard = createResourceGuard(guardOptions);
  async function authenticate(request, callOptions) {
    const header = (name) => request.headers.get(name) ?? void 0;
    const { preflight, headers: cors } = resourceCors(request.method, header, allowedOrigins);
    if (preflight) return toFetchResponse({ status: 204, headers: cors, body: "" });
    let authentication;
    try {
      const target = new URL(request.url);
      const url = resolveRequestUrl({
        publicUrl,
        protocol: target.protocol,
        host: target.host,
        path: target.pathname + target.search
      });
      let body;
      if (isForm2(request.headers.get("content-type"))) {
        body = await readBodyText(request, formBodyLimit, { clone: true });
        if (body === void 0) throw formTooLarge();
      }
      authentication = await guard.authenticate(
        {
          method: request.method,
          url,
          header: fetchRequestHeader(request.headers),
          ...body === void 0 ? {} : { body }
        },
        callOptions
      );
    } catch (error) {
      if (!isDPoPError8(error)) throw error;
      const response = guard.toResponse(error);
      return toFetchResponse({ ...response, headers: { ...response.headers, ...cors } });
    }
    return { ...authentication, responseHeaders: { ...authentication.responseHeaders, ...cors } };
  }
  return Object.assign(authenticate, {
    protect(handler, protectOptions) {
      return async (request, ...rest) => {
        const result = await authenticate(request, protectOptions);
        if (result instanceof Response) return result;
        return withResponseHeaders(await handler(request, result, ...rest), result.responseHeaders);
      };
    }
  });
}

// ../../../../tmp/observe-base/packages/server/src/fetch/fetch-authorization-server.ts
import { DPoPError as DPoPError23 } from "@dpop/core";

// ../../../../tmp/observe-base/packages/server/src/http/create-neutral-request.ts
function isHeadersLike(headers) {
  return typeof headers.get === "function";
}
function fromHeaders(headers, name) {
  if (isHeadersLike(headers)) return headers.get(name) ?? void 0;
  const value = headers[name];
  if (value === void 0 || typeof value === "string") return value;
  return value.length === 1 ? value[0] : value;
}
function createNeutralRequest(method, url, headers, rawHeaders, body) {
  return {
    method,
    url,
    ...body === void 0 ? {} : { body },
    header(name) {
      const lower = name.toLowerCase();
      if (rawHeaders !== void 0) {
        let first;
        let all;
        for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
          const key = rawHeaders[index];
          if (key.length === lower.length && key.toLowerCase() === lower) {
            const value = rawHeaders[index + 1];
            if (first === void 0) first = value;
            else if (all === void 0) all = [first, value];
            else all.push(value);
          }
        }
        if (all !== void 0) return all;
      }
      return fromHeaders(headers, lower);
    }
  };
}

// ../../../../tmp/observe-base/packages/server/src/fetch/fetch-authorization-server.ts
function bodyTooLarge() {
  const error = new DPoPError23("invalid_request", "parameter_too_large", {
    status: 413,
    description: "request body too large"
  });
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  return toFetchResponse({ status: 413, headers, body: JSON.stringify(error.toJSON()) });
}
function fetchAuthorizationServer(server) {
  const origin = new URL(server.issuer).origin;
  const paths = new Set(server.routes.map((route) => route.path));
  return async (request) => {
    const target = new URL(request.url);
    if (!paths.has(target.pathname)) return void 0;
    const body = await readBodyText(request, MAX_BODY_LENGTH);
    if (body === void 0) return bodyTooLarge();
    const response = await server.handle({
      ...createNeutralRequest(request.method, origin + target.pathname + target.search, request.headers),
      ...request.body === null ? {} : { body }
    });
    return response === void 0 ? void 0 : toFetchResponse(response);
  };
}

// ../../../../tmp/observe-base/packages/server/src/fetch/fetch-protected-resource-metadata.ts
function fetchProtectedResourceMetadata(options) {
  if (options.resourceMetadata === void 0) {
    throw new TypeError("fetchProtectedResourceMetadata: the resourceMetadata option is required");
  }
  const document = JSON.stringify(createResourceGuard(options).metadata());
  const metadata = options.resourceMetadata;
  const path = new URL(metadata.documentUrl ?? resourceMetadataUrl(metadata.resource)).pathname;
  return (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return void 0;
    if (new URL(request.url).pathname !== path) return void 0;
    return new Response(request.method === "HEAD" ? null : document, {
      status: 200,
      headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" }
    });
  };
}
export {
  DPoPError24 as DPoPError,
  assertPublicUrl,
  createAuthorizationServer,
  createFetchGuard,
  createMemoryStorage,
  createNeutralRequest,
  createResourceGuard,
  errorToResponse,
  fetchAuthorizationServer,
  fetchProtectedResourceMetadata,
  isDPoPError9 as isDPoPError,
  resolveRequestUrl,
  resourceCors,
  resourceCorsHeaders,
  resourceMetadataUrl
};
