export { createFileKeyStore } from './create-file-key-store.js'
