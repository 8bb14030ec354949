/**
 * The Lua scripts behind {@link RedisStore}'s writes. Each runs atomically in Redis, so a write that has a
 * condition (resolve only if unresolved, keep the first insertion order, delete a thread with its traces)
 * cannot interleave with another host's. Every script starts with the fencing check: when ARGV[1] is a
 * token, the write happens only if KEYS[1] (the lease's fence counter) still equals it.
 * @module
 */
import type { LuaScript } from './sync-redis.js';

const FENCE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED: this host no longer holds the lease')
end
`;

/** KEYS: fence, target. ARGV: token, command, args… — one fenced command on one key. */
const fencedCall: LuaScript = {
  keys: 2,
  lua: `${FENCE}
return redis.call(ARGV[2], KEYS[2], unpack(ARGV, 3))`,
};

/** KEYS: fence, records, seqs, counter. ARGV: token, id, json — put a record, keeping its first position. */
const putOrdered: LuaScript = {
  keys: 4,
  lua: `${FENCE}
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
  redis.call('HSET', KEYS[3], ARGV[2], redis.call('INCR', KEYS[4]))
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`,
};

/**
 * KEYS: fence, pending, seqs, counter, cards, decisions. ARGV: token, id, json, cardJson, decision-or-empty.
 * Puts a request; a decision already written is never replaced (a put never reopens a resolved request).
 */
const putPending: LuaScript = {
  keys: 6,
  lua: `${FENCE}
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
  redis.call('HSET', KEYS[3], ARGV[2], redis.call('INCR', KEYS[4]))
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[5], ARGV[2], ARGV[4])
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[6], ARGV[2], ARGV[5]) end
return 1`,
};

/** KEYS: fence, pending, decisions. ARGV: token, id, decision. The exactly-once gate: 1 if this call resolved it. */
const resolvePending: LuaScript = {
  keys: 3,
  lua: `${FENCE}
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[3], ARGV[2], ARGV[3])`,
};

/** KEYS: fence, pending, cards. ARGV: token, id, cardJson — only for a known request. */
const updateCards: LuaScript = {
  keys: 3,
  lua: `${FENCE}
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 1`,
};

/** Deletes the timers of thread ARGV[2] (of scope ARGV[3] if not empty, with key ARGV[5] if ARGV[4] is '1'). */
const DELETE_TIMERS = `
local function deleteTimers(timers, threadId, scope, hasKey, key)
  for _, field in ipairs(redis.call('HKEYS', timers)) do
    local t = cjson.decode(field)
    if t[1] == threadId and (scope == '' or t[2] == scope) and (hasKey ~= '1' or t[3] == key) then
      redis.call('HDEL', timers, field)
    end
  end
end
`;

/** KEYS: fence, timers. ARGV: token, threadId, scope, hasKey, key. */
const deleteTimers: LuaScript = {
  keys: 2,
  lua: `${FENCE}${DELETE_TIMERS}
deleteTimers(KEYS[2], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1`,
};

/**
 * KEYS: fence, threads, threadSeqs, pending, pendingSeqs, cards, decisions, timers. ARGV: token, threadId.
 * Removes the thread with its pending requests and timers in one step.
 */
const deleteThread: LuaScript = {
  keys: 8,
  lua: `${FENCE}${DELETE_TIMERS}
local pending = redis.call('HGETALL', KEYS[4])
for i = 1, #pending, 2 do
  if cjson.decode(pending[i + 1]).threadId == ARGV[2] then
    redis.call('HDEL', KEYS[4], pending[i])
    redis.call('HDEL', KEYS[5], pending[i])
    redis.call('HDEL', KEYS[6], pending[i])
    redis.call('HDEL', KEYS[7], pending[i])
  end
end
deleteTimers(KEYS[8], ARGV[2], '', '0', '')
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
return 1`,
};

/** Every script of the store, registered once in its worker. */
export const STORE_SCRIPTS = {
  atFencedCall: fencedCall,
  atPutOrdered: putOrdered,
  atPutPending: putPending,
  atResolvePending: resolvePending,
  atUpdateCards: updateCards,
  atDeleteTimers: deleteTimers,
  atDeleteThread: deleteThread,
} as const satisfies Record<string, LuaScript>;
