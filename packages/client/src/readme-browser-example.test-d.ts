import {
  type AuthorizationCodeExchange,
  createDPoPHandle,
  createIndexedDBKeyStore,
  createOAuthClient,
  createTokenManager,
} from '@dpop/client'

// The private key is non-extractable: script can sign with it but never read it. IndexedDB keeps it across loads.
const handle = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('my-app') })
const client = createOAuthClient(handle, {
  issuer: 'https://as.example.com',
  clientId: 'my-spa',
  redirectUri: `${location.origin}/callback`,
})

const pending = sessionStorage.getItem('authorization')
if (pending === null) {
  // PKCE (S256), state and dpop_jkt (the key's thumbprint) are added for you.
  const { url, ...exchange } = await client.buildAuthorizationUrl({ scope: 'openid offline_access' })
  sessionStorage.setItem('authorization', JSON.stringify(exchange))
  location.assign(url)
} else {
  sessionStorage.removeItem('authorization')
  // Checks iss (RFC 9207) and state, then redeems the code with the verifier and a proof.
  const tokens = await client.exchangeAuthorizationCode(
    location.href,
    JSON.parse(pending) as AuthorizationCodeExchange,
  )
  const api = createTokenManager(client, { tokens })
  // Authorization: DPoP <token> and a proof with ath; refreshed ahead of expiry; nonces handled.
  const response = await api.fetch('https://api.example.com/me')
  console.log(await response.json())
}
