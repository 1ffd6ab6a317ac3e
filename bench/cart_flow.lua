-- The add-to-cart flow of bench/speed, for wrk with one connection per thread: each visitor
-- asks a product page, adds that product to the cart and opens the cart, three times, and
-- hands over to the next visitor. Visitors are sessions the bench made (one per line of the
-- visitors file: session id and CSRF secret); products are lines of path and variant id.
--
--   wrk -t16 -c16 -s bench/cart_flow.lua URL -- VISITORS_FILE PRODUCTS_FILE THREADS
--
-- The summary line counts each step that answered as it should (the product and the cart
-- 200, the add a redirect to the cart) and every other answer.

local threads = {}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("number", started)
  table.insert(threads, thread)
end

local function lines_of(path)
  local found = {}
  for line in io.lines(path) do
    local first, second = line:match("^(%S+) (%S+)$")
    if first then table.insert(found, { first, second }) end
  end
  return found
end

function init(args)
  local count = tonumber(args[3])
  visitors = {}
  for index, visitor in ipairs(lines_of(args[1])) do
    if (index - number) % count == 0 then table.insert(visitors, visitor) end
  end
  products = lines_of(args[2])
  visitor, product, step, round = 1, number, 1, 1
  products_seen, adds, carts, unexpected = 0, 0, 0, 0
end

local function cookie()
  local session = visitors[(visitor - 1) % #visitors + 1]
  return "sessionid=" .. session[1] .. "; csrftoken=" .. session[2], session[2]
end

function request()
  local cookies, token = cookie()
  local path, variant = products[product][1], products[product][2]
  if step == 1 then
    return wrk.format("GET", path, { Cookie = cookies })
  elseif step == 2 then
    local body = "csrfmiddlewaretoken=" .. token .. "&variant=" .. variant .. "&quantity=1"
    local headers = { Cookie = cookies, ["Content-Type"] = "application/x-www-form-urlencoded" }
    return wrk.format("POST", "/carrinho/adicionar/", headers, body)
  end
  return wrk.format("GET", "/carrinho/", { Cookie = cookies })
end

function response(status, headers, body)
  if step == 1 and status == 200 then
    products_seen = products_seen + 1
  elseif step == 2 and status == 302 then
    adds = adds + 1
  elseif step == 3 and status == 200 then
    carts = carts + 1
  else
    unexpected = unexpected + 1
  end
  step = step + 1
  if step > 3 then
    step = 1
    product = product % #products + 1
    round = round + 1
    if round > 3 then
      round = 1
      visitor = visitor + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = { products = 0, adds = 0, carts = 0, unexpected = 0, visitors = 0 }
  for _, thread in ipairs(threads) do
    totals.products = totals.products + thread:get("products_seen")
    totals.adds = totals.adds + thread:get("adds")
    totals.carts = totals.carts + thread:get("carts")
    totals.unexpected = totals.unexpected + thread:get("unexpected")
    totals.visitors = totals.visitors + thread:get("visitor")
  end
  io.write(string.format(
    "flow: products %d adds %d carts %d unexpected %d visitors %d\n",
    totals.products, totals.adds, totals.carts, totals.unexpected, totals.visitors
  ))
end
