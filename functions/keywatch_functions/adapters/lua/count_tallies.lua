-- Count a chunk of tally groups exactly once, in one round trip (layout: keywatch.core.counting).
--
-- KEYS[1]  the chunk's idempotency marker (SET NX: when it exists, nothing is done)
-- ARGV     ttl_marker, ttl_series, prefix, number of groups, then per group:
--            key_sid (of the model, within its key), model_sid, fingerprint, provider,
--            key_meta, model_meta, last_success
--            (epoch s, or ""), M, then M pairs (minute, successes), R, then R event ids of
--            failures that a retry recovered
-- Returns  {counted (1 | 0), recoveries applied, recoveries recorded ahead of their failure,
--           recoveries skipped because their failure was on another provider}

local ttl, ttl_series, prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
if not redis.call("SET", KEYS[1], "1", "NX", "EX", ttl) then
  return { 0, 0, 0, 0 }
end


local applied, ahead, mismatched = 0, 0, 0
local i = 5
for _ = 1, tonumber(ARGV[4]) do
  local ksid, msid, fp, provider = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local kh = prefix .. ":key:" .. fp
  local ks, ms = kh .. ":" .. ksid, prefix .. ":s:" .. msid
  -- Every count renews the key's hashes' TTLs: they outlive their last bucket's 24 hours.
  if redis.call("HSETNX", ks, "_", ARGV[i + 4]) == 1 then
    redis.call("HSETNX", kh, "m:" .. ksid, "")
  end
  redis.call("EXPIRE", ks, ttl_series)
  redis.call("EXPIRE", kh, ttl_series)
  if redis.call("HSETNX", ms, "_", ARGV[i + 5]) == 1 then
    redis.call("EXPIRE", ms, ttl_series)
    local pm = prefix .. ":pm:" .. provider
    redis.call("SADD", pm, msid)
    redis.call("EXPIRE", pm, ttl_series)
  end
  local last = ARGV[i + 6]
  local m = tonumber(ARGV[i + 7])
  i = i + 8
  for _ = 1, m do
    local minute, n = ARGV[i], ARGV[i + 1]
    local hour = "h" .. math.floor(tonumber(minute) / 60)
    redis.call("HINCRBY", ks, minute .. ":o", n)
    redis.call("HINCRBY", ks, hour .. ":o", n)
    redis.call("HINCRBY", ms, minute .. ":o", n)
    redis.call("HINCRBY", ms, hour .. ":o", n)
    i = i + 2
  end
  if last ~= "" then
    local cur = redis.call("HGET", ks, "s")
    if not cur or tonumber(cur) < tonumber(last) then
      redis.call("HSET", ks, "s", last)
    end
    -- Key-wide: the latest success on any model (a success ends the key's invalid streak).
    local ls = redis.call("HGET", kh, "ls")
    if not ls or tonumber(ls) < tonumber(last) then
      redis.call("HSET", kh, "ls", last)
    end
  end
  redis.call("SADD", prefix .. ":dirty:k", fp .. "|" .. ksid)
  redis.call("SADD", prefix .. ":dirty:r", provider)
  local r = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, r do
    local eid = ARGV[i]
    i = i + 1
    local marker = redis.call("GET", prefix .. ":f:" .. eid)
    local fprovider = marker and string.match(marker, "(%S+)$")
    if fprovider and fprovider ~= provider then
      -- A retry recovers a failure on the same provider only: skipped, and counted.
      mismatched = mismatched + 1
    elseif marker then
      if redis.call("SET", prefix .. ":r:" .. eid, "1", "NX", "EX", ttl) then
        applied = applied + 1
        local fsid, minute, fprovider = string.match(marker, "^(%S+) (%d+) (.*)$")
        if fsid then
          local key = prefix .. ":s:" .. fsid
          redis.call("HINCRBY", key, minute .. ":r", 1)
          redis.call("HINCRBY", key, "h" .. math.floor(tonumber(minute) / 60) .. ":r", 1)
          redis.call("SADD", prefix .. ":dirty:r", fprovider)
        end
      end
    elseif redis.call("SET", prefix .. ":r:" .. eid, "p " .. provider, "NX", "EX", ttl) then
      -- Its failure is not counted yet: the failure applies it when it arrives.
      ahead = ahead + 1
    end
  end
end
return { 1, applied, ahead, mismatched }
