-- wrk script for bench/run.sh: requests cycle through the "PATH TOKEN"
-- lines of the file named by TARGETS_FILE, each thread from its own
-- starting line, so that users and tokens vary as with bench/load.
-- TARGETS_OFFSET and TARGETS_SPAN (cold slices): the threads share the
-- SPAN lines from line OFFSET, each from its own part of them, so that a
-- slice sends targets no earlier slice sent.
local targets = {}
local i = 0
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(os.getenv("TARGETS_FILE")) do
    local path, token = line:match("^(%S+)%s+(%S+)$")
    if path then
      targets[#targets + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  local span = tonumber(os.getenv("TARGETS_SPAN") or "")
  if span then
    i = (tonumber(os.getenv("TARGETS_OFFSET")) + (id or 0) * math.floor(span / 2)) % #targets
  else
    i = (id or 0) * 7919 % #targets
  end
end

function request()
  i = i % #targets + 1
  return targets[i]
end
