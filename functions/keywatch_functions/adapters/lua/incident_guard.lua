-- notify: the provider-incident guard for one (provider, reason), in one round trip.
-- The rules and their defaults: docs/incidents.md and the README,
-- "Provider incidents". Every key is named by keywatch.core.keys.Layout and passed in; they
-- share the hash tag {inc:<provider>:<reason>}, so a cluster runs this in one slot.
--
-- KEYS[1]          the open incident: a hash of opened, baseline, threshold, opener, distinct
-- KEYS[2]          the baseline computed for the failure's minute (cached 3 minutes)
-- KEYS[3 .. 2+W]   the window: HyperLogLogs of the fingerprints failing in each of its W
--                  minutes, oldest first, the failure's own minute in the middle (classify
--                  adds every failure's fingerprint; this script adds the alert's own)
-- KEYS[3+W ..]     the baseline's minutes: the hour before the window, one HyperLogLog each
-- ARGV             fingerprint ("" to read only), the failure's minute (epoch minute), the
--                  event id, min_keys, factor, open_ttl_s, bucket_ttl_s, W
-- Returns          {state, distinct, baseline (string), threshold, opened minute}; state is
--                  "quiet" (push), "opened" (this event opened the incident: log it), or "held".

local fp, m, event_id = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local min_keys, factor = tonumber(ARGV[4]), tonumber(ARGV[5])
local open_ttl, bucket_ttl, W = ARGV[6], ARGV[7], tonumber(ARGV[8])
local open, cache = KEYS[1], KEYS[2]
local own = KEYS[3 + (W - 1) / 2]

if fp ~= "" and redis.call("PFADD", own, fp) == 1 then
  redis.call("EXPIRE", own, bucket_ttl)
end
-- Distinct keys failing in the window around the failure's minute.
local window = {}
for i = 3, 2 + W do window[#window + 1] = KEYS[i] end
local distinct = redis.call("PFCOUNT", unpack(window))

local state = redis.call("HMGET", open, "opened", "baseline", "opener")
local baseline
if state[1] then
  baseline = tonumber(state[2])  -- frozen when the incident opened
else
  baseline = tonumber(redis.call("GET", cache))
  if not baseline then
    -- The median distinct count per minute over the hour before the window: robust to a
    -- burst inside that hour, and 0 on a quiet day.
    local counts = {}
    for i = 3 + W, #KEYS do
      counts[#counts + 1] = redis.call("PFCOUNT", KEYS[i])
    end
    table.sort(counts)
    local n = #counts
    if n % 2 == 0 then
      baseline = (counts[n / 2] + counts[n / 2 + 1]) / 2
    else
      baseline = counts[(n + 1) / 2]
    end
    redis.call("SET", cache, tostring(baseline), "EX", 180)
  end
end
local threshold = math.max(min_keys, math.ceil(factor * W * baseline))

if state[1] then
  -- Open: holds until the count falls below half the threshold that opened it.
  if distinct * 2 >= threshold then
    redis.call("EXPIRE", open, open_ttl)
    local s = (state[3] == event_id) and "opened" or "held"
    return { s, distinct, tostring(baseline), threshold, tonumber(state[1]) }
  end
  return { "quiet", distinct, tostring(baseline), threshold, tonumber(state[1]) }
end
if distinct >= threshold then
  redis.call("HSET", open, "opened", m, "baseline", tostring(baseline),
    "threshold", threshold, "opener", event_id, "distinct", distinct)
  redis.call("EXPIRE", open, open_ttl)
  return { "opened", distinct, tostring(baseline), threshold, m }
end
return { "quiet", distinct, tostring(baseline), threshold, 0 }
