-- wrk script for bench/gateway.sh: every request carries the next token of a file, one
-- token a line, as `Authorization: Bearer <token>`, round robin.
--
--   wrk -t1 -c32 -d10s --latency -s tokens.lua http://127.0.0.1:PORT/ -- tokens.txt
--
-- The requests are formatted once in init(), so per request wrk only calls request() and
-- gets a prepared string back: the client's cost per request stays the same whatever the
-- server is, and small next to it. No response() function: defining one makes wrk parse
-- every response in Lua, which would slow the client down; wrk counts non-2xx responses
-- itself ("Non-2xx or 3xx responses"), and bench/gateway.sh refuses a cell that has any.

local requests = {}
local count = 0
local next_index = 0

function init(args)
    local path = args[1]
    if path == nil then
        error("tokens.lua: pass the token file after --, e.g. wrk ... URL -- tokens.txt")
    end
    for line in io.lines(path) do
        if line ~= "" then
            count = count + 1
            -- nil method, path and body: wrk's defaults (GET, the URL's path); the Host
            -- header is already in wrk.headers when init() runs.
            local headers = {}
            for name, value in pairs(wrk.headers) do
                headers[name] = value
            end
            headers["Authorization"] = "Bearer " .. line
            requests[count] = wrk.format(nil, nil, headers)
        end
    end
    if count == 0 then
        error("tokens.lua: no token in " .. path)
    end
end

function request()
    next_index = next_index % count + 1
    return requests[next_index]
end
