-- wrk script: each request prints a dossier's form (POST
-- /api/v1/dossiers/{code}/print: a render and a spool job). MOTCUA_PRINTS
-- lists the prints as token|code|secret, comma-separated; the requests take
-- them in turn. MOTCUA_FORM names the form (default mau-01).
local prints = {}
for item in string.gmatch(os.getenv("MOTCUA_PRINTS") or "", "[^,]+") do
  local token, code, secret = string.match(item, "([^|]+)|([^|]+)|([^|]*)")
  local form = os.getenv("MOTCUA_FORM") or "mau-01"
  local body = '{"form":"' .. form .. '"'
  if secret ~= "" then body = body .. ',"secret":"' .. secret .. '"' end
  prints[#prints + 1] = {
    path = "/api/v1/dossiers/" .. code .. "/print",
    headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    body = body .. "}",
  }
end
local n = 0

request = function()
  n = n + 1
  local p = prints[(n % #prints) + 1]
  return wrk.format("POST", p.path, p.headers, p.body)
end
