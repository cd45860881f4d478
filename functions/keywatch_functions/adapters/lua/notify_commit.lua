-- notify: after a successful send, take the told marker (SET NX) and drop the pending marker
-- if it is ours; the marker joins its key's told index, which a later success of the key
-- clears (alert_restore.lua).
--
-- KEYS[1]  the told marker
-- KEYS[2]  the pending marker
-- KEYS[3]  the key's told index: a sorted set of marker names, scored by failure time
-- ARGV     token, ttl_s (the told marker's), failed_at (epoch s), indexed ("1" | "0": a
--          "works again" marker is not indexed: it outlives the key's next success)
-- Returns  1 the marker was taken, 0 it existed

local taken = redis.call("SET", KEYS[1], "1", "NX", "EX", ARGV[2])
if redis.call("GET", KEYS[2]) == ARGV[1] then redis.call("DEL", KEYS[2]) end
-- Entries older than the told marker's TTL are gone anyway.
if ARGV[4] == "1" then
  redis.call("ZADD", KEYS[3], ARGV[3], KEYS[1])
  redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", "(" .. (tonumber(ARGV[3]) - tonumber(ARGV[2])))
  redis.call("EXPIRE", KEYS[3], ARGV[2])
end
return taken and 1 or 0
