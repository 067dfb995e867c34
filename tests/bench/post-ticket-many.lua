-- wrk script: each request issues one ticket (a durable commit) with the next
-- token of MOTCUA_TOKENS (comma-separated: one kiosk per centre), so the
-- load is spread over the centres. MOTCUA_GROUP names the group (default CT);
-- MOTCUA_DELAY_MS > 0 makes each connection wait that long between requests
-- (a paced load: connections × 1000 / delay requests per second at most).
local tokens = {}
for t in string.gmatch(os.getenv("MOTCUA_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local body = '{"group":"' .. (os.getenv("MOTCUA_GROUP") or "CT") .. '"}'
local delay_ms = tonumber(os.getenv("MOTCUA_DELAY_MS") or "0")
local n = 0

function setup(thread)
  thread:set("offset", math.random(#tokens))
end

request = function()
  n = n + 1
  local token = tokens[((n + (offset or 0)) % #tokens) + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

if delay_ms > 0 then
  delay = function() return delay_ms end
end
