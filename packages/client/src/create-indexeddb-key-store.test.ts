import { IDBFactory } from 'fake-indexeddb'
import { decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { createDPoPHandle } from './create-dpop-handle.js'
import { createIndexedDBKeyStore } from './create-indexeddb-key-store.js'

// Real browsers are covered by browser.test.ts; this covers database states that are awkward to set up there.
function openRaw(indexedDB: IDBFactory, name: string, upgrade: (database: IDBDatabase) => void) {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1)
    request.onupgradeneeded = () => upgrade(request.result)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

describe('createIndexedDBKeyStore', () => {
  it('creates a missing database, then keeps the pair across handles', async () => {
    const indexedDB = new IDBFactory()
    const keyStore = createIndexedDBKeyStore('app', { indexedDB })
    expect(await keyStore.load()).toBeUndefined()
    const first = await createDPoPHandle({ keyStore })
    const second = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('app', { indexedDB }) })
    expect(second.thumbprint).toBe(first.thumbprint)
    expect(second.keyPair.privateKey.extractable).toBe(false)
  })

  for (const alg of ['Ed25519', 'Ed448', 'PS384'] as const) {
    it(`keeps ${alg} pairs, which then sign ${alg}`, async () => {
      const indexedDB = new IDBFactory()
      const first = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('app', { indexedDB }), alg })
      const second = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('app', { indexedDB }), alg })
      expect(second.thumbprint).toBe(first.thumbprint)
      const proof = await second.createProof({ method: 'GET', url: 'https://h/' })
      expect(decodeProtectedHeader(proof).alg).toBe(alg)
    })
  }

  it('upgrades a database that exists without the object store', async () => {
    const indexedDB = new IDBFactory()
    ;(await openRaw(indexedDB, 'old', (database) => database.createObjectStore('other'))).close()
    const keyStore = createIndexedDBKeyStore('old', { indexedDB })
    expect(await keyStore.load()).toBeUndefined()
    const handle = await createDPoPHandle({ keyStore })
    expect((await keyStore.load())?.publicKey.type).toBe('public')
    expect((await createDPoPHandle({ keyStore })).thumbprint).toBe(handle.thumbprint)
  })

  it('reads a stale record as empty and replaces it', async () => {
    const indexedDB = new IDBFactory()
    const database = await openRaw(indexedDB, 'stale', (created) => created.createObjectStore('keys'))
    await new Promise((resolve) => {
      database
        .transaction('keys', 'readwrite')
        .objectStore('keys')
        .put({ privateKey: 'gone' }, 'dpop').onsuccess = resolve
    })
    database.close()
    const keyStore = createIndexedDBKeyStore('stale', { indexedDB })
    expect(await keyStore.load()).toBeUndefined()
    await createDPoPHandle({ keyStore })
    expect(await keyStore.load()).toBeDefined()
  })

  it('keeps several pairs apart by key, and deletes one', async () => {
    const indexedDB = new IDBFactory()
    const a = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('db', { indexedDB, key: 'a' }) })
    const b = await createDPoPHandle({ keyStore: createIndexedDBKeyStore('db', { indexedDB, key: 'b' }) })
    expect(a.thumbprint).not.toBe(b.thumbprint)
    await createIndexedDBKeyStore('db', { indexedDB, key: 'a' }).delete()
    expect(await createIndexedDBKeyStore('db', { indexedDB, key: 'a' }).load()).toBeUndefined()
    expect(await createIndexedDBKeyStore('db', { indexedDB, key: 'b' }).load()).toBeDefined()
  })

  it('says so when IndexedDB is missing', async () => {
    await expect(createIndexedDBKeyStore('x').load()).rejects.toThrow(/not available/)
  })
})
