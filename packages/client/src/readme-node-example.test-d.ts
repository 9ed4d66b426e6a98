import { createDPoPHandle, createOAuthClient, createTokenManager } from '@dpop/client'
import { createFileKeyStore } from '@dpop/client/node'

// The private JWK is written with mode 0600 and imported non-extractable when loaded.
const handle = await createDPoPHandle({ keyStore: createFileKeyStore('/var/lib/reports/dpop-key.json') })
const client = createOAuthClient(handle, {
  issuer: 'https://as.example.com',
  clientId: 'reports',
  clientSecret: process.env.CLIENT_SECRET ?? '',
})
const api = createTokenManager(client, {
  obtainTokens: () => client.clientCredentials({ scope: 'reports:read' }),
})

const response = await api.fetch('https://api.example.com/reports', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ month: '2025-01' }),
})
console.log(response.status)
