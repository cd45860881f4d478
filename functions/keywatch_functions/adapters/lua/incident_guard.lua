-- The provider-incident guard for one (provider, reason), in one round trip.
-- The rules and their defaults: keywatch.core.notify (incident_threshold) and the README,
-- "Provider incidents".
--
-- ARGV  base (the (provider, reason)'s key prefix, "kw:{inc:<provider>:<reason>}"),
--       fingerprint ("" to read only), the failure's minute (epoch minute), the event id,
--       min_keys, factor, open_ttl_s, bucket_ttl_s
-- Keys  <base>:m:<minute>  HyperLogLog of the fingerprints failing in that minute (classify
--                          adds every failure's, this script the alert's own)
--       <base>:b:<minute>  the baseline computed for that minute (cached 3 minutes)
--       <base>:open        the open incident: a hash of opened, baseline, threshold, opener
-- Returns {state, distinct, baseline (string), threshold, opened minute}; state is
--       "quiet" (push), "opened" (this event opened the incident: log it), or "held".
--
-- The keys are built here from the prefix, as count_failure.lua's are (one Memorystore
-- primary); the hash tag {inc:<provider>:<reason>} already puts them in one cluster slot.

local base, fp, m, event_id = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local min_keys, factor = tonumber(ARGV[5]), tonumber(ARGV[6])
local open_ttl, bucket_ttl = ARGV[7], ARGV[8]
local WINDOW_BEFORE, BASELINE = 1, 60  -- core.notify: INCIDENT_WINDOW_MINUTES, _BASELINE_MINUTES

local function bucket(minute) return base .. ":m:" .. minute end

if fp ~= "" and redis.call("PFADD", bucket(m), fp) == 1 then
  redis.call("EXPIRE", bucket(m), bucket_ttl)
end
-- Distinct keys failing in the failure's minute and one either side.
local distinct = redis.call("PFCOUNT", bucket(m - 1), bucket(m), bucket(m + 1))

local open = base .. ":open"
local state = redis.call("HMGET", open, "opened", "baseline", "opener")
local baseline
if state[1] then
  baseline = tonumber(state[2])  -- frozen when the incident opened
else
  local cache = base .. ":b:" .. m
  baseline = tonumber(redis.call("GET", cache))
  if not baseline then
    -- The median distinct count per minute over the hour before the window: robust to a
    -- burst inside that hour, and 0 on a quiet day.
    local counts = {}
    for k = m - WINDOW_BEFORE - BASELINE, m - WINDOW_BEFORE - 1 do
      counts[#counts + 1] = redis.call("PFCOUNT", bucket(k))
    end
    table.sort(counts)
    baseline = (counts[BASELINE / 2] + counts[BASELINE / 2 + 1]) / 2
    redis.call("SET", cache, tostring(baseline), "EX", 180)
  end
end
local threshold = math.max(min_keys, math.ceil(factor * 3 * baseline))

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
