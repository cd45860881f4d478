-- classify: claim the one alert for a problem, and count the failing key towards its
-- provider's incident guard.
--
-- KEYS[1]  the claim (holds the event id that alerted)
-- KEYS[2]  the key's told index: a sorted set of marker and claim names, by failure time
-- KEYS[3]  optional: the minute's incident HyperLogLog (every failure's fingerprint joins it,
--          claimed or not: the guard counts failing keys)
-- ARGV     event_id, ttl_s (the claim's), failed_at (epoch s), fingerprint, bucket_ttl_s,
--          index_ttl_s (how long the told index keeps an entry)
-- Returns  1 claimed (now, or by this event before: a redelivery), 0 another event holds it

if KEYS[3] and redis.call("PFADD", KEYS[3], ARGV[4]) == 1 then
  redis.call("EXPIRE", KEYS[3], ARGV[5])
end
if redis.call("SET", KEYS[1], ARGV[1], "NX", "EX", ARGV[2]) then
  redis.call("ZADD", KEYS[2], ARGV[3], KEYS[1])
  redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", "(" .. (tonumber(ARGV[3]) - tonumber(ARGV[6])))
  redis.call("EXPIRE", KEYS[2], ARGV[6])
  return 1
end
if redis.call("GET", KEYS[1]) == ARGV[1] then return 1 end
return 0
