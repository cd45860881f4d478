-- notify: take the pending marker and a slot of the user's daily cap, in one step.
--
-- KEYS[1]  the told marker (exists: the user was told; nothing is taken)
-- KEYS[2]  the pending marker (<told marker>:pending), SET NX with the owner's token
-- KEYS[3]  the user's cap counter for the day
-- ARGV     token, pending_ttl_s, cap (the most pushes a user gets a day), cap_ttl_s
-- Returns  "done" (told already), "busy" (another delivery holds the pending marker),
--          "capped" (the day's cap is reached; nothing held), or "ok" (marker and slot held)

if redis.call("EXISTS", KEYS[1]) == 1 then return "done" end
if not redis.call("SET", KEYS[2], ARGV[1], "NX", "EX", ARGV[2]) then return "busy" end
if tonumber(redis.call("GET", KEYS[3]) or "0") >= tonumber(ARGV[3]) then
  redis.call("DEL", KEYS[2])
  return "capped"
end
redis.call("INCR", KEYS[3])
redis.call("EXPIRE", KEYS[3], ARGV[4])
return "ok"
