-- Posts a distinct order on every request to a webhook and appends the trace id of every 202 (async)
-- or 200 (sync) answer to $ACK_FILE (one per line, flushed at once, so a killed server loses no
-- record of what it acknowledged); other answers are appended as "# status N".
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local counter = 0
local out

function init(args)
  out = assert(io.open(assert(os.getenv("ACK_FILE"), "ACK_FILE is not set"), "a"))
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil,
    '{"id":"c-' .. counter .. '","amount":' .. (counter % 500) .. ',"risk_score":0.' .. (counter % 10) .. '}')
end

function response(status, headers, body)
  if status == 202 or status == 200 then
    local id = string.match(body, '"traceId"%s*:%s*"([0-9a-f%-]+)"')
    if id then
      out:write(id, "\n")
    else
      out:write("# ", status, " without a trace id\n")
    end
  else
    out:write("# status ", status, "\n")
  end
  out:flush()
end
