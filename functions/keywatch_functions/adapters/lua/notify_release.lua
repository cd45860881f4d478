-- notify: a send that failed gives back its pending marker and its slot of the cap, only if
-- the marker is still its own (a holder that outlived its marker must not release the next
-- holder's).
--
-- KEYS[1]  the pending marker
-- KEYS[2]  the user's cap counter for the day
-- ARGV     token (the value the marker was taken with)
-- Returns  1 released, 0 not ours

if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1])
if tonumber(redis.call("GET", KEYS[2]) or "0") > 0 then redis.call("DECR", KEYS[2]) end
return 1
