// Command lookup times the one store read of a seat-details miss,
// store.UserSeatByLogin, alone: no HTTP, no read cache, from c goroutines
// over the targets of a bench/run.sh targets file (PATH TOKEN lines), on
// the database seatkeeper serves. With -pause each goroutine waits that
// long between reads (time.Sleep, so the core may go idle), as a server
// at one connection waits for the next request.
//
//	go run ./bench/lookup -database bench/out/bench-100-10000.db -targets bench/out/targets-sk.txt -c 64
//	go run ./bench/lookup -database ... -targets ... -c 1 -pause 100us
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

func main() {
	dsn := flag.String("database", "", "the database (a SQLite file or a postgres:// URL)")
	targets := flag.String("targets", "", "a targets file: lines of /orgs/ORG/members/USER/copilot TOKEN")
	n := flag.Int("n", 200000, "reads in all (at most the file's lines)")
	c := flag.Int("c", 1, "goroutines reading at once")
	pause := flag.Duration("pause", 0, "each goroutine's sleep between reads")
	flag.Parse()
	ctx := context.Background()
	st, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	type target struct {
		org  int64
		user string
	}
	f, err := os.Open(*targets)
	if err != nil {
		log.Fatal(err)
	}
	orgs := map[string]int64{}
	var ts []target
	for sc := bufio.NewScanner(f); sc.Scan() && len(ts) < *n; {
		p := strings.Split(strings.Fields(sc.Text())[0], "/")
		if len(p) != 6 {
			log.Fatalf("lookup: not a seat path: %q", sc.Text())
		}
		id, ok := orgs[p[2]]
		if !ok {
			o, err := st.OrgByLogin(ctx, p[2])
			if err != nil {
				log.Fatal(err)
			}
			id, orgs[p[2]] = o.ID, o.ID
		}
		ts = append(ts, target{id, p[4]})
	}
	now := time.Now()
	var next atomic.Int64
	var busy atomic.Int64 // nanoseconds spent in reads, summed over goroutines
	var wg sync.WaitGroup
	start := time.Now()
	for range *c {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(ts)); i = next.Add(1) - 1 {
				t := time.Now()
				if _, err := st.UserSeatByLogin(ctx, ts[i].org, ts[i].user, now); err != nil {
					log.Fatal(err)
				}
				busy.Add(int64(time.Since(t)))
				if *pause > 0 {
					time.Sleep(*pause)
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	fmt.Printf("c=%d pause=%s reads=%d: %.0f reads/s, %.1f µs a read (mean time in the call)\n",
		*c, *pause, len(ts), float64(len(ts))/wall.Seconds(), float64(busy.Load())/1e3/float64(len(ts)))
}
