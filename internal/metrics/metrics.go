// Package metrics is the process's Prometheus registry: requests by route
// and status and their latency (the API's and the dashboard's), the Go
// runtime's and the process's own metrics, and whatever collectors the
// server adds. GET /metrics writes it (internal/httpapi's ops.go).
package metrics

import (
	"bytes"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
)

// ContentType is the text exposition format Write produces.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// latencyBuckets are the upper bounds, in seconds, of the latency
// histogram's buckets.
var latencyBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics is a registry with the request metrics in it. It is safe for
// concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New returns a registry holding the request metrics and the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seatkeeper_http_requests_total", Help: "Requests served, by route pattern and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "seatkeeper_http_request_duration_seconds", Help: "Request latency, by route pattern.", Buckets: latencyBuckets,
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one request: route is the matched pattern ("" when no
// route matched: "unmatched").
func (m *Metrics) Observe(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// MustRegister adds collectors that live as long as the registry.
func (m *Metrics) MustRegister(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

// Write encodes every metric, and those of extra (collectors computed for
// this one scrape), in the text exposition format.
func (m *Metrics) Write(extra ...prometheus.Collector) ([]byte, error) {
	gs := prometheus.Gatherers{m.reg}
	if len(extra) > 0 {
		scrape := prometheus.NewRegistry()
		for _, c := range extra {
			if err := scrape.Register(c); err != nil {
				return nil, err
			}
		}
		gs = append(gs, scrape)
	}
	families, err := gs.Gather()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}
