/**
 * Lua scripts of the Redis ledger. Each runs atomically on the Redis server, so several
 * nodes can append to, claim in and trim one session at the same time.
 * @module
 */

/**
 * KEYS: session hash, outbox zset, seen hash, rooms set — all in the session's slot. ARGV:
 * frame prefix, frame suffix, max outbox size, ttl, the id of the message this replies to
 * ('' for none), and the node's seq floor for the session (see seq-floors.ts: after a
 * failover lost the last writes, the seq jumps over what was lost, which is recorded as
 * `lost`). Returns the new seq, or -1 when the session does not exist. A reply's
 * seq is added to its message's pending claim ('p<deadline>' becomes 'p<deadline>,<seq>,…')
 * in the same step, so a node taking over the claim of a node that died after replying
 * knows the replies exist. The rooms set's expiry moves with the session hash's, so it
 * never expires before the session does.
 */
export const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local floor = tonumber(ARGV[6])
if seq <= floor then
  seq = floor + 1
  redis.call('HSET', KEYS[1], 'seq', seq)
  if tonumber(redis.call('HGET', KEYS[1], 'lost') or '0') < floor then
    redis.call('HSET', KEYS[1], 'lost', floor)
  end
end
if ARGV[5] ~= '' then
  local claim = redis.call('HGET', KEYS[3], ARGV[5])
  if claim and string.sub(claim, 1, 1) == 'p' then
    redis.call('HSET', KEYS[3], ARGV[5], claim .. ',' .. seq)
  end
end
redis.call('ZADD', KEYS[2], seq, ARGV[1] .. seq .. ARGV[2])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[2], excess)
  redis.call('HSET', KEYS[1], 'lost', dropped[#dropped])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return seq
`;

/**
 * KEYS: the session's hash, outbox, seen hash, seen list and rooms set (one slot). ARGV:
 * owner ('' for none), lastSeq, ttl. Resumes in one step: nil when the session does not
 * exist or has another owner, else {seq, lost, frames after lastSeq}, and every key of the
 * session expires `ttl` from now. A client that holds more than the ledger knows (a failover
 * lost the last writes) moves the seq up to what it holds, and that range counts as lost.
 */
export const RESUME = `
local s = redis.call('HMGET', KEYS[1], 'owner', 'seq', 'lost')
if not s[1] or s[1] ~= ARGV[1] then return false end
local seq = tonumber(s[2] or '0')
local lost = tonumber(s[3] or '0')
local held = tonumber(ARGV[2])
if held > seq then
  seq = held
  lost = math.max(lost, held)
  redis.call('HSET', KEYS[1], 'seq', seq, 'lost', lost)
end
local frames = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return {seq, lost, frames}
`;

/**
 * KEYS: seen hash, seen order list, session hash, outbox, rooms. ARGV: id, now, lease ms,
 * dedup window, ttl. Returns {'new'} | {'pending'} | {'done', seqsJson} | {'lost'} (the
 * session is gone: Redis lost its data, or it expired). A message renews the session's TTL,
 * as a reply does. A pending claim older than its lease (its node died mid-handler) is taken
 * over: as done when it had replied already (the seqs APPEND recorded), else as new, to run
 * again.
 */
export const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 0 then return {'lost'} end
for i = 3, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
local v = redis.call('HGET', KEYS[1], ARGV[1])
local now = tonumber(ARGV[2])
if v and string.sub(v, 1, 1) ~= 'p' then return {'done', v} end
if v and tonumber(string.match(v, '^p(%d+)')) > now then return {'pending'} end
local replied = v and string.match(v, '^p%d+,(.+)$')
if replied then
  local seqs = '[' .. replied .. ']'
  redis.call('HSET', KEYS[1], ARGV[1], seqs)
  return {'done', seqs}
end
redis.call('HSET', KEYS[1], ARGV[1], 'p' .. (now + tonumber(ARGV[3])))
if not v then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  if redis.call('LLEN', KEYS[2]) > tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[1], redis.call('LPOP', KEYS[2]))
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {'new'}
`;

/** KEYS: seen hash. ARGV: id, seqs json. Settles a claim if it is still there. */
export const SETTLE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`;

/**
 * KEYS: seen hash. ARGV: id, now, lease ms. Extends a pending claim ('p<deadline>', maybe
 * followed by ',<seq>,…' of the replies recorded so far, which stay) to now + lease.
 * Leaves a settled claim (a JSON array) alone and never creates one. Returns 1 if renewed.
 */
export const RENEW = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local replied = string.match(v, '^p%d+(.*)$')
if not replied or (replied ~= '' and string.sub(replied, 1, 1) ~= ',') then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'p' .. (tonumber(ARGV[2]) + tonumber(ARGV[3])) .. replied)
return 1
`;

/** KEYS: seen hash. ARGV: id. Deletes a claim only while it is pending without replies. */
export const RELEASE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.match(v, '^p%d+$') then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
`;
