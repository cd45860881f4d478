-- classify: give back a claim that this event holds (its alert could not be published).
--
-- KEYS[1]  the claim
-- ARGV     event_id
-- Returns  1 released, 0 not ours

if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
