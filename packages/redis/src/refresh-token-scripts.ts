import { redisScript } from './redis-script.js'

// Every script touches keys of one grant only, all tagged `{grant:<id>}`: one Cluster slot, one atomic step.

/**
 * KEYS: used marker, grant revocation marker. ARGV: the token's expiry (epoch ms).
 * Revoked grant → 'revoked'; used marker already set → 'reused'; else set it → 'rotated'.
 */
export const rotateScript = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 'revoked' end
if redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', ARGV[1]) then return 'rotated' end
return 'reused'
`)

/**
 * KEYS: grant's longest-expiry marker, grant revocation marker. ARGV: the new member's expiry (epoch ms).
 * Keeps both markers alive at least as long as the grant's longest-lived refresh token.
 */
export const addMemberScript = redisScript(`
local at = tonumber(ARGV[1])
local longest = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if at > longest then redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1]) end
local revoked = redis.call('GET', KEYS[2])
if revoked and at > (tonumber(revoked) or 0) then redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[1]) end
return 1
`)

/**
 * KEYS: grant revocation marker, grant's longest-expiry marker. ARGV: requested end (epoch ms).
 * The marker lasts until the latest of the request, the longest member and an earlier revocation.
 */
export const revokeGrantScript = redisScript(`
local until_ms = ARGV[1]
local candidates = { redis.call('GET', KEYS[2]), redis.call('GET', KEYS[1]) }
for _, value in ipairs(candidates) do
  if value and (tonumber(value) or 0) > tonumber(until_ms) then until_ms = value end
end
redis.call('SET', KEYS[1], until_ms, 'PXAT', until_ms)
return 1
`)
