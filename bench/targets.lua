-- wrk script for bench/run.sh: requests cycle through the "PATH TOKEN"
-- lines of the file named by TARGETS_FILE, each thread from its own
-- starting line, so that users and tokens vary as with bench/load.
--
-- TARGETS_OFFSET and TARGETS_SPAN (cold slices): the threads share the
-- SPAN lines from line OFFSET, each from its own half of them, so that a
-- slice sends targets no earlier slice sent. These are read as they are
-- needed, a thousand lines at a time, never all at start: wrk runs each
-- thread's init in its main thread and starts that thread at once, so a
-- first thread would send requests while a second one was still reading
-- a long file, and those requests would count against a duration timed
-- from after the last thread started (1,000,000 lines made a 2 s slice
-- last 15 s and report 7 times its requests). The lines all have one
-- length (bench/run.sh prints them with fixed widths), so a thread finds
-- its first line by seeking.
local targets = {}
local i = 0
local counter = 0
local file

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local function format(line)
  local path, token = line:match("^(%S+)%s+(%S+)$")
  if path then
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
  end
end

function init(args)
  local span = tonumber(os.getenv("TARGETS_SPAN") or "")
  if span then
    file = assert(io.open(os.getenv("TARGETS_FILE")))
    local width = #file:read("*l") + 1
    local first = tonumber(os.getenv("TARGETS_OFFSET")) + (id or 0) * math.floor(span / 2)
    file:seek("set", first * width)
    return
  end
  for line in io.lines(os.getenv("TARGETS_FILE")) do
    targets[#targets + 1] = format(line)
  end
  i = (id or 0) * 7919 % #targets
end

-- more reads the next thousand lines of a cold slice's part: past its
-- half, on into the lines after it (as bench/load goes on; the summary
-- reports a slice that sent more than its span), and from the file's
-- first line after its last.
local function more()
  targets, i = {}, 0
  while #targets < 1000 do
    local line = file:read("*l")
    if line then
      targets[#targets + 1] = format(line)
    else
      file:seek("set", 0)
    end
  end
end

function request()
  if file and i >= #targets then
    more()
  end
  i = i % #targets + 1
  return targets[i]
end
