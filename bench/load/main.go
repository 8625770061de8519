// Command load drives an HTTP server over loopback with a fixed number of
// connections for a fixed time, and prints requests per second and
// latency percentiles. Requests cycle through a list of (path, token)
// pairs read from a file, one "PATH TOKEN" a line, so that users and
// tokens vary. Bounded in time and count; it only ever targets the
// address it is given (meant for 127.0.0.1).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type target struct{ path, token string }

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server base URL (loopback only)")
	file := flag.String("targets", "", "file of 'PATH TOKEN' lines")
	conns := flag.Int("c", 1, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	maxReq := flag.Int64("n", 10_000_000, "stop after this many requests")
	label := flag.String("label", "", "label for the output line")
	warmup := flag.Bool("warmup", false, "send every target once, untimed, before the timed run")
	offset := flag.Int("offset", 0, "start at this target (cold slices take targets no earlier slice sent)")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.") && !strings.HasPrefix(*base, "http://localhost") && !strings.HasPrefix(*base, "http://[::1]") {
		log.Fatal("load only targets loopback addresses")
	}
	targets, err := readTargets(*file)
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}}

	if *warmup {
		// Steady state: whatever either server keeps warm (SQLite's page
		// cache, seatkeeper's read cache) is warmed the same way for both.
		warm(client, *base, targets, *conns)
	}

	var sent, failed atomic.Int64
	lat := make([][]time.Duration, *conns)
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := *offset + c; time.Now().Before(deadline); i += *conns {
				if sent.Add(1) > *maxReq {
					return
				}
				t := targets[i%len(targets)]
				req, _ := http.NewRequest("GET", *base+t.path, nil)
				req.Header.Set("Authorization", "Bearer "+t.token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		log.Fatal("no request completed")
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	fmt.Printf("%s c=%d requests=%d failed=%d rps=%.0f p50=%s p99=%s\n", *label, *conns, len(all), failed.Load(),
		float64(len(all))/elapsed.Seconds(), pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond))
	if failed.Load() > 0 {
		os.Exit(1)
	}
}

// warm sends every target once over conns connections, ignoring answers.
func warm(client *http.Client, base string, targets []target, conns int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(targets)) {
					return
				}
				req, _ := http.NewRequest("GET", base+targets[i].path, nil)
				req.Header.Set("Authorization", "Bearer "+targets[i].token)
				if resp, err := client.Do(req); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
}

func readTargets(path string) ([]target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []target
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p, tok, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if ok {
			out = append(out, target{p, tok})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no targets", path)
	}
	return out, sc.Err()
}
