package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/demo"
)

// TestShutdownFinishesInFlightRequests stops serve (as SIGTERM does, by
// cancelling its context) while a write is half-sent: the write completes
// and is acknowledged, and serve exits 0.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	serveReady = func(addr string) { ready <- addr }
	defer func() { serveReady = nil }()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, io.Discard, &stderr)
	}()
	var addr string
	select {
	case addr = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}

	body, writer := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/orgs/"+demo.Org+"/copilot/billing/selected_users", body)
	req.Header.Set("Authorization", "Bearer "+demo.OwnerToken)
	status := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	writer.Write([]byte(`{"selected_usernames":`))
	time.Sleep(100 * time.Millisecond) // the request is now in flight
	cancel()
	time.Sleep(100 * time.Millisecond) // shutdown has begun and waits for it
	writer.Write([]byte(`["lisa"]}`))
	writer.Close()

	if s := <-status; s != http.StatusCreated {
		t.Errorf("in-flight write answered %d, want 201", s)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("serve still answers after stopping")
	}
}
