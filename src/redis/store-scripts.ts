/**
 * The Lua scripts behind {@link RedisStore}. Each runs atomically in Redis, so a write with a condition (resolve
 * only if unresolved, keep the first insertion order, delete a thread with its traces, keep the indexes true)
 * cannot interleave with another host's. Every write starts with the fencing check: when ARGV[1] is a token,
 * the write happens only if KEYS[1] (the lease's fence counter) still equals it.
 *
 * Index keys are derived in the scripts from the key prefix (ARGV), so this targets a single Redis (or a
 * primary with replicas / Sentinel), not Redis Cluster.
 * @module
 */
import type { LuaScript } from './sync-redis.js';

const FENCE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED: this host no longer holds the lease')
end
`;

/** Insertion order of a record, kept from its first put (SQLite's rowid). */
const ORDER = `
local function keepOrder(seqs, counter, id)
  if redis.call('HEXISTS', seqs, id) == 0 then redis.call('HSET', seqs, id, redis.call('INCR', counter)) end
end
`;

/** Thread lookup indexes: one set of thread ids per (platform, name) and per (platform, reference). */
const THREAD_INDEX = `
local function threadIndex(P, kind, platform, value) return P .. 'threads:' .. kind .. ':' .. platform .. '\\n' .. value end
local function unindexThread(P, json, id)
  local t = cjson.decode(json)
  redis.call('SREM', threadIndex(P, 'name', t.platform, t.name), id)
  redis.call('SREM', threadIndex(P, 'ref', t.platform, t.platformRef), id)
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
  lua: `${FENCE}${ORDER}
keepOrder(KEYS[3], KEYS[4], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`,
};

/** KEYS: fence, threads, seqs, counter. ARGV: token, id, json, prefix, platform, name, platformRef. */
const putThread: LuaScript = {
  keys: 4,
  lua: `${FENCE}${ORDER}${THREAD_INDEX}
local P = ARGV[4]
local old = redis.call('HGET', KEYS[2], ARGV[2])
if old then unindexThread(P, old, ARGV[2]) end
keepOrder(KEYS[3], KEYS[4], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', threadIndex(P, 'name', ARGV[5], ARGV[6]), ARGV[2])
redis.call('SADD', threadIndex(P, 'ref', ARGV[5], ARGV[7]), ARGV[2])
return 1`,
};

/** KEYS: threads, seqs. ARGV: prefix, kind (`name` or `ref`), platform, value. Returns [json, seq, …]. */
const findThreads: LuaScript = {
  keys: 2,
  lua: `${THREAD_INDEX}
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', threadIndex(ARGV[1], ARGV[2], ARGV[3], ARGV[4]))) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    table.insert(out, json)
    table.insert(out, redis.call('HGET', KEYS[2], id) or '0')
  end
end
return out`,
};

/** Sets of request ids: all of a thread, the open ones of a thread, and every open one. */
const PENDING_INDEX = `
local function ofThread(P, threadId) return P .. 'pending:thread:' .. threadId end
local function openOfThread(P, threadId) return P .. 'pending:open:' .. threadId end
local function openAll(P) return P .. 'pending:open' end
local function closeRequest(P, threadId, id)
  redis.call('SREM', openOfThread(P, threadId), id)
  redis.call('SREM', openAll(P), id)
end
`;

/**
 * Resolved requests, oldest resolution first, in a sorted set scored by a counter: past `keep` of them, the
 * oldest are forgotten (record, card, decision, order, thread index), as MemoryStore's `retainResolved` does.
 */
const RETIRE = `
local function resolvedSet(P) return P .. 'pending:resolved' end
local function noteResolved(P, id, keep)
  redis.call('ZADD', resolvedSet(P), redis.call('INCR', P .. 'seq'), id)
  local excess = redis.call('ZCARD', resolvedSet(P)) - keep
  if excess <= 0 then return end
  local popped = redis.call('ZPOPMIN', resolvedSet(P), excess)
  -- ZPOPMIN returns member, score, member, score…: step over the scores.
  for i = 1, #popped, 2 do
    local old = popped[i]
    if redis.call('HEXISTS', P .. 'pending:decisions', old) == 1 then
      local json = redis.call('HGET', P .. 'pending', old)
      if json then redis.call('SREM', ofThread(P, cjson.decode(json).threadId), old) end
      redis.call('HDEL', P .. 'pending', old)
      redis.call('HDEL', P .. 'pending:seq', old)
      redis.call('HDEL', P .. 'pending:cards', old)
      redis.call('HDEL', P .. 'pending:decisions', old)
    end
  end
end
`;

/**
 * KEYS: fence, pending, seqs, counter, cards, decisions.
 * ARGV: token, id, json, cardJson, decision-or-empty, threadId, prefix, resolved requests kept.
 * Puts a request; a decision already written is never replaced (a put never reopens a resolved request).
 */
const putPending: LuaScript = {
  keys: 6,
  lua: `${FENCE}${ORDER}${PENDING_INDEX}${RETIRE}
local id, P = ARGV[2], ARGV[7]
local old = redis.call('HGET', KEYS[2], id)
if old then
  local was = cjson.decode(old).threadId
  redis.call('SREM', ofThread(P, was), id)
  closeRequest(P, was, id)
end
keepOrder(KEYS[3], KEYS[4], id)
redis.call('HSET', KEYS[2], id, ARGV[3])
redis.call('HSET', KEYS[5], id, ARGV[4])
if ARGV[5] ~= '' and redis.call('HSETNX', KEYS[6], id, ARGV[5]) == 1 then
  noteResolved(P, id, tonumber(ARGV[8]))
end
redis.call('SADD', ofThread(P, ARGV[6]), id)
if redis.call('HEXISTS', KEYS[6], id) == 0 then
  redis.call('SADD', openOfThread(P, ARGV[6]), id)
  redis.call('SADD', openAll(P), id)
end
return 1`,
};

/**
 * KEYS: fence, pending, decisions. ARGV: token, id, decision, prefix, resolved requests kept.
 * The exactly-once gate: 1 if this call won.
 */
const resolvePending: LuaScript = {
  keys: 3,
  lua: `${FENCE}${PENDING_INDEX}${RETIRE}
local json = redis.call('HGET', KEYS[2], ARGV[2])
if not json then return 0 end
if redis.call('HSETNX', KEYS[3], ARGV[2], ARGV[3]) == 0 then return 0 end
closeRequest(ARGV[4], cjson.decode(json).threadId, ARGV[2])
noteResolved(ARGV[4], ARGV[2], tonumber(ARGV[5]))
return 1`,
};

/** KEYS: pending, seqs, cards. ARGV: prefix, threadId-or-empty. Open requests as [json, seq, cardJson, …]. */
const listOpen: LuaScript = {
  keys: 3,
  lua: `${PENDING_INDEX}
local set = ARGV[2] == '' and openAll(ARGV[1]) or openOfThread(ARGV[1], ARGV[2])
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', set)) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    table.insert(out, json)
    table.insert(out, redis.call('HGET', KEYS[2], id) or '0')
    table.insert(out, redis.call('HGET', KEYS[3], id) or '[]')
  end
end
return out`,
};

/** KEYS: fence, pending, cards. ARGV: token, id, cardJson — only for a known request. */
const updateCards: LuaScript = {
  keys: 3,
  lua: `${FENCE}
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 1`,
};

/** Deletes the timers of a thread (of one scope if not empty, with one key if hasKey is '1'). */
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
 * KEYS: fence, threads, threadSeqs, pending, pendingSeqs, cards, decisions, timers. ARGV: token, threadId, prefix.
 * Removes the thread with its pending requests (open or resolved) and timers in one step.
 */
const deleteThread: LuaScript = {
  keys: 8,
  lua: `${FENCE}${DELETE_TIMERS}${THREAD_INDEX}${PENDING_INDEX}
local t, P = ARGV[2], ARGV[3]
for _, id in ipairs(redis.call('SMEMBERS', ofThread(P, t))) do
  for i = 4, 7 do redis.call('HDEL', KEYS[i], id) end
  redis.call('SREM', openAll(P), id)
  redis.call('ZREM', P .. 'pending:resolved', id)
end
redis.call('DEL', ofThread(P, t), openOfThread(P, t))
deleteTimers(KEYS[8], t, '', '0', '')
local old = redis.call('HGET', KEYS[2], t)
if old then unindexThread(P, old, t) end
redis.call('HDEL', KEYS[2], t)
redis.call('HDEL', KEYS[3], t)
return 1`,
};

/** KEYS: fence, audit list. ARGV: token, entry json, entries kept. Appends and trims the oldest past the limit. */
const audit: LuaScript = {
  keys: 2,
  lua: `${FENCE}
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
return 1`,
};

/** The store's keys under a prefix (the scripts derive the index keys from the same prefix). */
export function storeKeys(prefix: string) {
  return {
    noFence: `${prefix}fence:none`,
    seq: `${prefix}seq`,
    threads: `${prefix}threads`,
    threadSeqs: `${prefix}threads:seq`,
    pending: `${prefix}pending`,
    pendingSeqs: `${prefix}pending:seq`,
    cards: `${prefix}pending:cards`,
    decisions: `${prefix}pending:decisions`,
    timers: `${prefix}timers`,
    paired: `${prefix}paired`,
    values: `${prefix}values`,
    audit: `${prefix}audit`,
    rules: `${prefix}rules`,
    ruleSeqs: `${prefix}rules:seq`,
  };
}

/** Every script of the store, registered once in its worker. */
export const STORE_SCRIPTS = {
  atFencedCall: fencedCall,
  atPutOrdered: putOrdered,
  atPutThread: putThread,
  atFindThreads: findThreads,
  atPutPending: putPending,
  atResolvePending: resolvePending,
  atListOpen: listOpen,
  atUpdateCards: updateCards,
  atDeleteTimers: deleteTimers,
  atDeleteThread: deleteThread,
  atAudit: audit,
} as const satisfies Record<string, LuaScript>;
