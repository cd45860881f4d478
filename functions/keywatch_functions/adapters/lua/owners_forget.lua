-- classify: forget the owners a restoration was published for, unless a later failure moved
-- their time since they were read.
--
-- KEYS     owners indexes
-- ARGV     pairs, one per index: the member, and the failure time it was read with
-- Returns  how many were removed

local n = 0
for i, index in ipairs(KEYS) do
  local score = redis.call("ZSCORE", index, ARGV[2 * i - 1])
  if score and tonumber(score) <= tonumber(ARGV[2 * i]) then
    n = n + redis.call("ZREM", index, ARGV[2 * i - 1])
  end
end
return n
