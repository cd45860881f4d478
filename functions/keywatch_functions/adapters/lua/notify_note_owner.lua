-- notify: note that a user's status names this key as broken. ZADD GT: a late alert never
-- moves an owner's failure time back (Redis 6.2+).
--
-- KEYS[1]  the key's owners index: a sorted set of JSON [uid, provider], scored by failure time
-- ARGV     failed_at (epoch s), member, ttl_s
-- Returns  1

redis.call("ZADD", KEYS[1], "GT", ARGV[1], ARGV[2])
redis.call("EXPIRE", KEYS[1], ARGV[3])
return 1
