// Command bigquery reproduces issue 16's memory finding: it sends n
// requests, each with a query string of size bytes and a made-up token, to
// a server over loopback, c at a time, and prints how many were sent and
// answered, by status. Only loopback addresses are accepted.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server base URL (loopback only)")
	n := flag.Int("n", 1100, "requests")
	size := flag.Int("size", 1<<20-8192, "bytes of query string a request")
	conns := flag.Int("c", 8, "concurrent connections")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.") && !strings.HasPrefix(*base, "http://localhost") {
		log.Fatal("bigquery only targets loopback addresses")
	}
	q := "q=" + strings.Repeat("a", *size)
	var mu sync.Mutex
	byStatus := map[int]int{}
	failed := 0
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range *conns {
		wg.Go(func() {
			for i := range jobs {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/orgs/octo-org/copilot/billing/seats?%s&i=%d", *base, q, i), nil)
				req.Header.Set("Authorization", fmt.Sprintf("Bearer ghp_madeUpToken%026d", i))
				resp, err := http.DefaultClient.Do(req)
				mu.Lock()
				if err != nil {
					failed++
				} else {
					byStatus[resp.StatusCode]++
				}
				mu.Unlock()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	for i := range *n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var codes []int
	for c := range byStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	fmt.Printf("sent %d, failed %d", *n, failed)
	for _, c := range codes {
		fmt.Printf(", %d: %d", c, byStatus[c])
	}
	fmt.Println()
}
