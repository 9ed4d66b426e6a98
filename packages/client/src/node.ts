/**
 * Node-only additions to `@dpop/client`: a key store that keeps the key pair in a file.
 *
 * @packageDocumentation
 * @module @dpop/client/node
 */
export { createFileKeyStore } from './create-file-key-store.js'
