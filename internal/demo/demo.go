// Package demo is the built-in scenario that `seatkeeper serve --demo`
// starts with: an enterprise, the organization Org with Copilot and a seat
// of every kind, an organization without Copilot, and tokens of each kind,
// among them OwnerToken. The scenario is demo.yaml, a seed document.
package demo

import (
	_ "embed"

	"github.com/seatkeeper/seatkeeper/internal/seed"
)

//go:embed demo.yaml
var source []byte

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

// Document returns the demo scenario, parsed afresh on each call so that
// callers may change it. It panics if the embedded document is invalid,
// which the package's tests rule out.
func Document() *seed.Document {
	d, err := seed.Parse(source)
	if err != nil {
		panic("demo: demo.yaml: " + err.Error())
	}
	return d
}
