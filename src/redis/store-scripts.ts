/**
 * Lua scripts of RedisStore. A value is a hash: `d` holds the JSON, `v` the version token
 * (a fresh random string per write, so a version is never reused: no ABA).
 * @module
 */

/** Sets `d` and `v`, then the expiry. KEYS: value hash. ARGV: json, version, ttl ms or "". */
const WRITE = `
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'v', ARGV[2])
if ARGV[3] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`;

/** @internal KEYS: value hash. ARGV: json, version, ttl ms or "". */
export const SET = WRITE;

/** @internal KEYS: value hash. ARGV: json, new version, ttl ms or "", expected version or "" (absent). */
export const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'v')
if ARGV[4] == '' then
  if current then return 0 end
elseif current ~= ARGV[4] then
  return 0
end
${WRITE}
`;

/**
 * @internal KEYS: value hash. ARGV: by, window ms, new version. Returns {count, ttl ms}.
 * The first increment opens the window (sets the expiry); later ones keep it.
 */
export const INCREMENT = `
local count = redis.call('HINCRBYFLOAT', KEYS[1], 'd', ARGV[1])
redis.call('HSET', KEYS[1], 'v', ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}
`;

/** @internal KEYS: lock key. ARGV: token, lease ms. Returns 1 if renewed. */
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** @internal KEYS: lock key. ARGV: token. Deletes the lock only if the token holds it. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
