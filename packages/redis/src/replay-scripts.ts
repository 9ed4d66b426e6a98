import { redisScript } from './redis-script.js'

/**
 * One proof's reservation and the check that Redis still remembers, in one round trip. Every key shares the
 * bucket's hash tag `{replay:<n>}`: one Cluster slot, one atomic step.
 *
 * KEYS: the proof's key, the bucket's epoch marker (a hash: `epoch` in Redis's epoch ms, 0 for a marker made
 * on first use; `id`; `until`, the expiry the script gave it), this instance's latest reservation in the
 * bucket (the probe; the proof's key when none).
 * ARGV: the proof's expiry (epoch ms), its `iat` (epoch ms, or '' when unknown), the reset margin (ms), the
 * probe's expiry (0 when none), the marker id this instance saw with it, an id for a new marker.
 *
 * The marker lives at least as long as every reservation of its bucket, so while the probe should still be
 * held, Redis forgot when: the marker is gone, or replaced by one made on first use (by an instance that never
 * saw the old one), or the probe itself is gone. A new epoch (now) is then recorded. A marker replaced by
 * another new epoch already records the loss. Proofs issued before the epoch plus the margin are refused.
 * The marker's expiry is read from its own `until` field (set with it, by this script only), not with PTTL.
 * Returns 1 reserved, 0 replay, -1 refused as possibly forgotten, while the marker is the one this instance
 * saw; {status, id} with the marker's id when it is another one.
 */
export const RESERVE_PROOF_SCRIPT = redisScript(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local marker = redis.call('HMGET', KEYS[2], 'epoch', 'id', 'until')
local epoch = tonumber(marker[1]) or 0
local id = marker[2]
local held = tonumber(marker[3]) or 0
local lost = false
if tonumber(ARGV[4]) > now + 1000 then
  if not id then
    lost = true
  elseif id ~= ARGV[5] then
    lost = epoch == 0
  else
    lost = redis.call('EXISTS', KEYS[3]) == 0
  end
end
local expiry = tonumber(ARGV[1])
if lost or not id then
  if lost then epoch = now else epoch = 0 end
  id = ARGV[6]
  if held < expiry then held = expiry + 60000 end
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'id', id, 'until', held)
  redis.call('PEXPIREAT', KEYS[2], held)
elseif held < expiry then
  held = expiry + 60000
  redis.call('HSET', KEYS[2], 'until', held)
  redis.call('PEXPIREAT', KEYS[2], held)
end
local status = 0
if ARGV[2] ~= '' and tonumber(ARGV[2]) < epoch + tonumber(ARGV[3]) then
  status = -1
elseif redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', ARGV[1]) then
  status = 1
end
if id == ARGV[5] then return status end
return {status, id}
`)
