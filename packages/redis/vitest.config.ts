import { packageTestConfig } from '../../vitest.shared.js'

// Each file starts its own redis-server; one file at a time keeps the shared machine responsive.
export default packageTestConfig({ fileParallelism: false })
