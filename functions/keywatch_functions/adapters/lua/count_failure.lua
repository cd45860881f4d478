-- Count one failure exactly once, in one round trip (the field layout: keywatch.core.counting).
--
-- KEYS[1]  its idempotency marker (SET NX: when it exists, this is a redelivery: nothing done)
-- KEYS[2]  its recovery marker ("p" when a tally recovered it before it arrived)
-- ARGV     ttl_marker, ttl_series, prefix, key_sid (of the model, within its key), model_sid,
--          fingerprint, provider, key_meta, model_meta, minute, reason, at (epoch s),
--          against (1 | 0), invalid (1 | 0: an invalid_key failure), recent (how many of the
--          latest failures a series keeps: keywatch.core.health.RECENT_FAILURES)
-- Returns  {counted (1 | 0), recovery applied (1 | 0), recovery skipped: another provider's}

local ttl, ttl_series, prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local ksid, msid, fp, provider = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local minute, reason, at, against = ARGV[10], ARGV[11], ARGV[12], ARGV[13] == "1"
local invalid, RECENT = ARGV[14] == "1", tonumber(ARGV[15])
local hour = tostring(math.floor(tonumber(minute) / 60))

-- What a later recovery of this failure applies: "<model sid> <minute> <provider>", or only
-- "<provider>" when it does not count against the provider (the recovery checks the provider).
local recovery = against and (msid .. " " .. minute .. " " .. provider) or provider
if not redis.call("SET", KEYS[1], recovery, "NX", "EX", ttl) then
  return { 0, 0, 0 }
end

-- A key's series on a model is a hash of its own; the key's hash lists its series (m:<sid>)
-- and holds what makes the key invalid on every model (li, ti; ls from the tallies).
local kh = prefix .. ":key:" .. fp
local ks, ms = kh .. ":" .. ksid, prefix .. ":s:" .. msid
-- Every count renews the key's hashes' TTLs: they outlive their last bucket's 24 hours.
if redis.call("HSETNX", ks, "_", ARGV[8]) == 1 then
  redis.call("HSETNX", kh, "m:" .. ksid, "")
end
redis.call("EXPIRE", ks, ttl_series)
redis.call("EXPIRE", kh, ttl_series)
if redis.call("HSETNX", ms, "_", ARGV[9]) == 1 then
  redis.call("EXPIRE", ms, ttl_series)
  local pm = prefix .. ":pm:" .. provider
  redis.call("SADD", pm, msid)
  redis.call("EXPIRE", pm, ttl_series)
end

local f = ":f:" .. reason
redis.call("HINCRBY", ks, minute .. f, 1)
redis.call("HINCRBY", ks, "h" .. hour .. f, 1)
local last = redis.call("HGET", ks, "l:" .. reason)
if not last or tonumber(last) < tonumber(at) then
  redis.call("HSET", ks, "l:" .. reason, at)
end
if invalid then
  -- Key-wide: the latest invalid_key failure on any model, and the latest RECENT of them.
  local li = redis.call("HGET", kh, "li")
  if not li or tonumber(li) < tonumber(at) then
    redis.call("HSET", kh, "li", at)
  end
  local times = {}
  local held = redis.call("HGET", kh, "ti")
  if held then
    for x in string.gmatch(held, "[^;]+") do
      times[#times + 1] = tonumber(x)
    end
  end
  times[#times + 1] = tonumber(at)
  table.sort(times)
  while #times > RECENT do
    table.remove(times, 1)
  end
  for n = 1, #times do
    times[n] = string.format("%.3f", times[n])
  end
  redis.call("HSET", kh, "ti", table.concat(times, ";"))
end
-- The latest failures, to the second: "<at> <reason>;..." (at most RECENT, oldest dropped),
-- so failures right after a success are ordered against it (core.health._consecutive).
local recent = redis.call("HGET", ks, "t")
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
redis.call("HSET", ks, "t", table.concat(entries, ";"))
redis.call("HINCRBY", ms, minute .. f, 1)
redis.call("HINCRBY", ms, "h" .. hour .. f, 1)
if against then
  redis.call("HINCRBY", ms, minute .. ":p", 1)
  redis.call("HINCRBY", ms, "h" .. hour .. ":p", 1)
end
-- The series changed: the health run computes it at its next tick.
redis.call("SADD", prefix .. ":dirty:k", fp .. "|" .. ksid)
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
