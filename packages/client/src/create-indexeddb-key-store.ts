import type { DPoPKeyPair } from '@dpop/core'
import type { DPoPKeyStore } from './key-store.js'

/**
 * The type of `indexedDB`: the runtime's `IDBFactory` where the project declares it (lib DOM), else any object,
 * so a Node project compiled without lib DOM can still pass a factory such as fake-indexeddb's.
 * @useDeclaredType
 */
export type IndexedDBFactory = typeof globalThis extends { IDBFactory: { prototype: infer Factory } }
  ? Factory
  : object

/** Options of {@link createIndexedDBKeyStore}. */
export interface IndexedDBKeyStoreOptions {
  /** The record the pair is kept under, to keep several pairs in one database. @default 'dpop' */
  key?: string
  /** The IndexedDB factory. @default globalThis.indexedDB */
  indexedDB?: IndexedDBFactory
}

const STORE = 'keys'

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

function openDatabase(factory: IDBFactory, name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory.open(name) : factory.open(name, version)
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
    }
    request.onsuccess = () => {
      const database = request.result
      // Let another tab that upgrades the database proceed instead of blocking it.
      database.onversionchange = () => database.close()
      resolve(database)
    }
    request.onerror = () => reject(request.error)
    request.onblocked = () =>
      reject(new Error(`IndexedDB key store: "${name}" is held open at an older version`))
  })
}

/** Opens the database, adding the object store when the database exists without it (created by older code). */
async function open(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const database = await openDatabase(factory, name)
  if (database.objectStoreNames.contains(STORE)) return database
  const version = database.version + 1
  database.close()
  return openDatabase(factory, name, version)
}

function isKeyPair(value: unknown): value is DPoPKeyPair {
  if (typeof value !== 'object' || value === null) return false
  const { privateKey, publicKey } = value as Partial<DPoPKeyPair>
  return (
    typeof CryptoKey !== 'undefined' &&
    privateKey instanceof CryptoKey &&
    publicKey instanceof CryptoKey &&
    privateKey.type === 'private' &&
    publicKey.type === 'public' &&
    privateKey.usages.includes('sign')
  )
}

/**
 * Keeps the key pair in IndexedDB, where a non-extractable `CryptoKey` survives page loads without its
 * private key ever being readable by script. A missing database is created; a database without the
 * object store is upgraded; a record that is not a usable pair reads as empty.
 */
export function createIndexedDBKeyStore(name: string, options: IndexedDBKeyStoreOptions = {}): DPoPKeyStore {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('createIndexedDBKeyStore: name is required')
  const key = options.key ?? 'dpop'
  const factory = () => {
    const found = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
    if (found === undefined) throw new TypeError('createIndexedDBKeyStore: IndexedDB is not available here')
    return found
  }
  async function run<T>(
    mode: IDBTransactionMode,
    action: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const database = await open(factory(), name)
    try {
      const transaction = database.transaction(STORE, mode)
      const done = new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve()
        transaction.onerror = () => reject(transaction.error)
        transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'))
      })
      const result = await settle(action(transaction.objectStore(STORE)))
      await done
      return result
    } finally {
      database.close()
    }
  }
  return {
    async load() {
      const value: unknown = await run('readonly', (store) => store.get(key))
      return isKeyPair(value) ? { privateKey: value.privateKey, publicKey: value.publicKey } : undefined
    },
    async save(keyPair) {
      await run('readwrite', (store) =>
        store.put({ privateKey: keyPair.privateKey, publicKey: keyPair.publicKey }, key),
      )
    },
    async delete() {
      await run('readwrite', (store) => store.delete(key))
    },
  }
}
