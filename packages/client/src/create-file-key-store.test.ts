import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_ALGORITHMS } from '@dpop/core'
import { decodeProtectedHeader, exportJWK } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createFileKeyStore } from './create-file-key-store.js'

let directory = ''
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dpop-client-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('createFileKeyStore', () => {
  it('an empty store loads nothing', async () => {
    expect(await createFileKeyStore(join(directory, 'none.json')).load()).toBeUndefined()
  })

  it('writes the private JWK with mode 0600 and reloads it non-extractable with the same thumbprint', async () => {
    const path = join(directory, 'nested', 'key.json')
    const keyStore = createFileKeyStore(path)
    const first = await createDPoPHandle({ keyStore })
    expect(first.keyPair.privateKey.extractable).toBe(false)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const stored = JSON.parse(await readFile(path, 'utf8'))
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) })

    const second = await createDPoPHandle({ keyStore: createFileKeyStore(path) })
    expect(second.thumbprint).toBe(first.thumbprint)
    expect(second.keyPair.privateKey.extractable).toBe(false)
    await expect(exportJWK(second.keyPair.privateKey)).rejects.toThrow()
    const proof = await second.createProof({ method: 'GET', url: 'https://h/' })
    expect(proof.split('.')).toHaveLength(3)
  })

  it('keeps EdDSA keys', async () => {
    const path = join(directory, 'ed.json')
    const first = await createDPoPHandle({ keyStore: createFileKeyStore(path), alg: 'EdDSA' })
    const second = await createDPoPHandle({ keyStore: createFileKeyStore(path) })
    expect(second.algorithm).toBe('EdDSA')
    expect(second.thumbprint).toBe(first.thumbprint)
  })

  for (const alg of DEFAULT_ALGORITHMS) {
    it(`keeps ${alg} keys, reloaded non-extractable, signing ${alg}`, async () => {
      const path = join(directory, `${alg}.json`)
      const first = await createDPoPHandle({ keyStore: createFileKeyStore(path), alg })
      const second = await createDPoPHandle({ keyStore: createFileKeyStore(path), alg })
      expect(second.thumbprint).toBe(first.thumbprint)
      expect(second.keyPair.privateKey.extractable).toBe(false)
      const proof = await second.createProof({ method: 'GET', url: 'https://h/' })
      expect(decodeProtectedHeader(proof).alg).toBe(alg)
    })
  }

  it('refuses a key file other users can read', async () => {
    const path = join(directory, 'key.json')
    await createDPoPHandle({ keyStore: createFileKeyStore(path) })
    await chmod(path, 0o644)
    await expect(createFileKeyStore(path).load()).rejects.toThrow(/chmod 600/)
  })

  it('refuses a file that is not a private JWK rather than overwrite it', async () => {
    const path = join(directory, 'key.json')
    await writeFile(path, '{"kty":"EC"}', { mode: 0o600 })
    await expect(createDPoPHandle({ keyStore: createFileKeyStore(path) })).rejects.toThrow(/private JWK/)
    await writeFile(path, 'not json', { mode: 0o600 })
    await expect(createFileKeyStore(path).load()).rejects.toThrow(/JSON Web Key/)
  })

  it('delete removes the file and tolerates a missing one', async () => {
    const path = join(directory, 'key.json')
    const keyStore = createFileKeyStore(path)
    await createDPoPHandle({ keyStore })
    await keyStore.delete()
    await keyStore.delete()
    expect(await keyStore.load()).toBeUndefined()
  })
})
