-- classify: keys that succeeded again. Clears the told markers and alert claims that an
-- earlier failure set, and reads (without removing: owners_forget.lua does, once the
-- restoration is published) the owners whose failure came before the success.
--
-- KEYS     pairs: a key's told index, then its owners index
-- ARGV     each key's latest success (epoch s), in the order of the pairs
-- Returns  {cleared (markers and claims deleted), {{index of the pair (1-based), owner
--          member, failure time}, ...}}

local cleared = 0
local owners = {}
for i = 1, #ARGV do
  local before = "(" .. ARGV[i]
  local index = KEYS[2 * i - 1]
  local keys = redis.call("ZRANGEBYSCORE", index, "-inf", before)
  for _, key in ipairs(keys) do
    cleared = cleared + redis.call("DEL", key)
  end
  if #keys > 0 then
    redis.call("ZREMRANGEBYSCORE", index, "-inf", before)
  end
  local found = redis.call("ZRANGEBYSCORE", KEYS[2 * i], "-inf", before, "WITHSCORES")
  for j = 1, #found, 2 do
    table.insert(owners, {i, found[j], found[j + 1]})
  end
end
return {cleared, owners}
