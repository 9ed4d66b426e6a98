export * from './authorization-server/index.js'
export * from './resource-guard/index.js'
