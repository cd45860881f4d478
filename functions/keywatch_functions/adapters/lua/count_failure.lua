-- Count one failure exactly once, in one round trip (the field layout: keywatch.core.counting).
--
-- KEYS[1]  its idempotency marker (SET NX: when it exists, this is a redelivery: nothing done)
-- KEYS[2]  its recovery marker ("p" when a tally recovered it before it arrived)
-- ARGV     ttl_marker, ttl_series, prefix, key_sid (of the model, within its key's hash),
--          model_sid, fingerprint, provider, key_meta, model_meta, minute, reason,
--          at (epoch s), against (1 | 0)
-- Returns  {counted (1 | 0), recovery applied (1 | 0), recovery skipped: another provider's}

local ttl, ttl_series, prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local ksid, msid, fp, provider = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local minute, reason, at, against = ARGV[10], ARGV[11], ARGV[12], ARGV[13] == "1"
local hour = tostring(math.floor(tonumber(minute) / 60))
local RECENT = 16  -- keywatch.core.counting.RECENT_FAILURES

-- What a later recovery of this failure applies: "<model sid> <minute> <provider>", or only
-- "<provider>" when it does not count against the provider (the recovery checks the provider).
local recovery = against and (msid .. " " .. minute .. " " .. provider) or provider
if not redis.call("SET", KEYS[1], recovery, "NX", "EX", ttl) then
  return { 0, 0, 0 }
end

-- A key's series live in its own hash, each field prefixed by the model's sid.
local ks, ms = prefix .. ":k:" .. fp, prefix .. ":s:" .. msid
local kp = ksid .. "|"
if redis.call("HSETNX", ks, kp .. "_", ARGV[8]) == 1 then
  -- A new series; the health run keeps the hash's TTL fresh from now on.
  redis.call("EXPIRE", ks, ttl_series)
end
if redis.call("HSETNX", ms, "_", ARGV[9]) == 1 then
  redis.call("EXPIRE", ms, ttl_series)
  local pm = prefix .. ":pm:" .. provider
  redis.call("SADD", pm, msid)
  redis.call("EXPIRE", pm, ttl_series)
end

local f = ":f:" .. reason
-- The series changed: the health run computes it again (it compares _v with its own _c).
redis.call("HINCRBY", ks, kp .. "_v", 1)
redis.call("HINCRBY", ks, kp .. minute .. f, 1)
redis.call("HINCRBY", ks, kp .. "h" .. hour .. f, 1)
local last = redis.call("HGET", ks, kp .. "l:" .. reason)
if not last or tonumber(last) < tonumber(at) then
  redis.call("HSET", ks, kp .. "l:" .. reason, at)
end
-- The latest failures, to the second: "<at> <reason>;..." (at most RECENT, oldest dropped),
-- so failures right after a success are ordered against it (core.health._consecutive).
local recent = redis.call("HGET", ks, kp .. "t")
local entries = {}
if recent then
  for entry in string.gmatch(recent, "[^;]+") do
    entries[#entries + 1] = entry
  end
end
entries[#entries + 1] = at .. " " .. reason
table.sort(entries, function(a, b)
  return tonumber(string.match(a, "^%S+")) < tonumber(string.match(b, "^%S+"))
end)
while #entries > RECENT do
  table.remove(entries, 1)
end
redis.call("HSET", ks, kp .. "t", table.concat(entries, ";"))
redis.call("HINCRBY", ms, minute .. f, 1)
redis.call("HINCRBY", ms, "h" .. hour .. f, 1)
if against then
  redis.call("HINCRBY", ms, minute .. ":p", 1)
  redis.call("HINCRBY", ms, "h" .. hour .. ":p", 1)
end
redis.call("SADD", prefix .. ":dirty:k", fp)
redis.call("SADD", prefix .. ":dirty:r", provider)

-- Its recovery arrived first (the tally outran it): apply it now.
local held = redis.call("GET", KEYS[2])
if held and string.sub(held, 1, 1) == "p" then
  local rprovider = string.match(held, "^p (.*)$")
  if rprovider and rprovider ~= provider then
    redis.call("SET", KEYS[2], "x", "KEEPTTL")  -- a recovery from another provider: skipped
    return { 1, 0, 1 }
  end
  redis.call("SET", KEYS[2], "1", "KEEPTTL")
  if against then
    redis.call("HINCRBY", ms, minute .. ":r", 1)
    redis.call("HINCRBY", ms, "h" .. hour .. ":r", 1)
  end
  return { 1, 1, 0 }
end
return { 1, 0, 0 }
