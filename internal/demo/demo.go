// Package demo is the built-in scenario that `seatkeeper serve --demo`
// starts with: an enterprise, the organization Org with Copilot and a seat
// of every kind, an organization without Copilot, and tokens of each kind,
// among them OwnerToken. The scenario is demo.yaml, a template of a seed
// document whose dates are relative to the moment the demo starts.
package demo

import (
	"bytes"
	_ "embed"
	"text/template"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/seed"
)

//go:embed demo.yaml
var source string

const (
	// OwnerToken is a classic token of octocat, an owner of Org, with the
	// read:org and manage_billing:copilot scopes. It is well formed (see
	// auth.WellFormed).
	OwnerToken = "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"

	// Org is the organization with Copilot enabled.
	Org = "octo-org"

	// SeatUser is a member of Org with a direct seat and recorded activity.
	SeatUser = "mona"
)

// Document returns the demo scenario as of now: activity hours, days and
// weeks before now, one seat idle 120 days, one never used, one pending
// cancellation at the start of the next billing cycle. It is built afresh
// on each call, so that callers may change it. It panics if the embedded
// template is invalid, which the package's tests rule out.
func Document(now time.Time) *seed.Document {
	now = now.UTC().Truncate(time.Second)
	funcs := template.FuncMap{
		"ago": func(days float64) string {
			return now.Add(-time.Duration(days * float64(24*time.Hour))).Truncate(time.Second).Format(time.RFC3339)
		},
		"nextCycle": func() string { // billing_cycle_day is 1
			return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		},
	}
	var buf bytes.Buffer
	if err := template.Must(template.New("demo.yaml").Funcs(funcs).Parse(source)).Execute(&buf, nil); err != nil {
		panic("demo: demo.yaml: " + err.Error())
	}
	d, err := seed.Parse(buf.Bytes())
	if err != nil {
		panic("demo: demo.yaml: " + err.Error())
	}
	d.AllowWeakTokens = true // its tokens are documented, so published
	return d
}
