-- POSTs one order as JSON on every request (the first line of bench/src/main/resources/payloads/orders.jsonl).
-- With WRK_DELAY_MS set, each connection waits that many milliseconds after each response before its
-- next request, so C connections offer about C * 1000 / WRK_DELAY_MS requests per second (a fixed
-- rate, as long as responses take much less than the delay).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"ord-1001","customer":{"id":"c-17","name":"Ada Lovelace","email":"ada@example.com"},'
  .. '"items":[{"sku":"SKU-0-A","qty":1,"price":19.99},{"sku":"SKU-0-B","qty":1,"price":5.5}],'
  .. '"amount":25.49,"currency":"EUR","risk_score":0.05}'

local pause = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pause ~= nil and pause > 0 then
  function delay()
    return pause
  end
end
