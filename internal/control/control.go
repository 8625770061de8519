// Package control serves seatkeeper's own API under /_seatkeeper, for site
// administrators: it sets up and inspects the state GitHub's routes answer
// from (docs/control-api.md; openapi.json describes it, with the
// operations routes). Its routes run through internal/httpapi's pipeline
// and answer its basic-error bodies; handlers bind a body (bind), call a
// service or the store, and encode the answer.
package control

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/directory"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/journal"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// Config is what the control API may do beyond reading and writing state.
type Config struct {
	// AllowClockControl lets site administrators set and release the
	// service clock through /_seatkeeper/clock.
	AllowClockControl bool
	// AllowWeakTokens lets POST /_seatkeeper/seed give literal tokens that
	// are easy to guess (seed.Document.AllowWeakTokens).
	AllowWeakTokens bool
}

// API is the control API over one Server's store, clock, faults and
// journal.
type API struct {
	api        *httpapi.Server
	store      *store.Store
	clock      *clock.Clock
	copilot    *copilot.Service
	directory  *directory.Service
	faults     faults.Registry
	journal    journal.Log // nil when off
	links      *usage.Signer
	allowClock bool
	allowWeak  bool // seed documents may give weak literal tokens
}

// Register adds the control API's routes to api, which serves st at the
// time clk tells.
func Register(api *httpapi.Server, cfg Config, st *store.Store, clk *clock.Clock) {
	c := &API{
		api: api, store: st, clock: clk,
		copilot:   &copilot.Service{Store: st, Clock: clk},
		directory: &directory.Service{Store: st, Clock: clk},
		links:     &usage.Signer{Keys: st},
		faults:    api.Faults(), journal: api.Journal(), allowClock: cfg.AllowClockControl,
		allowWeak: cfg.AllowWeakTokens,
	}
	for _, rt := range c.routes() {
		if rt.admin != nil {
			api.HandleAdmin(rt.pattern, rt.admin)
		} else {
			api.HandleOpen(rt.pattern, rt.open)
		}
	}
}

// route is one row of the route table: a site administrator's handler, or
// one open to anyone.
type route struct {
	pattern string
	admin   func(w http.ResponseWriter, r *http.Request, p seatkeeper.Principal) error
	open    func(w http.ResponseWriter, r *http.Request) error
}

// routes is the control API's route table; openapi.json has an operation
// for each (TestRoutesMatchTheDocument).
func (c *API) routes() []route {
	return []route{
		{pattern: "PUT /_seatkeeper/orgs/{org}/copilot", admin: c.handlePutCopilot},
		{pattern: "DELETE /_seatkeeper/orgs/{org}/copilot", admin: c.handleDeleteCopilot},
		{pattern: "PUT /_seatkeeper/orgs/{org}/memberships/{username}", admin: c.handlePutMembership},
		{pattern: "POST /_seatkeeper/orgs/{org}/members/{username}/copilot/activity", admin: c.handlePostActivity},
		{pattern: "POST /_seatkeeper/orgs/{org}/copilot/usage", admin: c.handlePostUsage},
		{pattern: "POST /_seatkeeper/enterprises/{enterprise}/copilot/usage", admin: c.handlePostEnterpriseUsage},
		{pattern: "GET " + usage.LinkPrefix + "{scope}/{name}/{report}/{from}/{to}", open: c.handleUsageDownload},

		{pattern: "PUT /_seatkeeper/enterprises/{enterprise}/copilot", admin: c.handlePutEnterpriseCopilot},
		{pattern: "DELETE /_seatkeeper/enterprises/{enterprise}/copilot", admin: c.handleDeleteEnterpriseCopilot},
		{pattern: "PUT /_seatkeeper/enterprises/{enterprise}/members/{username}", admin: c.putEnterpriseRole(directory.EnterpriseMember)},
		{pattern: "DELETE /_seatkeeper/enterprises/{enterprise}/members/{username}", admin: c.deleteEnterpriseRole(directory.EnterpriseMember)},
		{pattern: "PUT /_seatkeeper/enterprises/{enterprise}/billing_managers/{username}", admin: c.putEnterpriseRole(directory.EnterpriseBillingManager)},
		{pattern: "DELETE /_seatkeeper/enterprises/{enterprise}/billing_managers/{username}", admin: c.deleteEnterpriseRole(directory.EnterpriseBillingManager)},
		{pattern: "POST /_seatkeeper/enterprises/{enterprise}/members/{username}/copilot/activity", admin: c.handlePostEnterpriseActivity},

		{pattern: "POST /_seatkeeper/tokens", admin: c.handleCreateToken},
		{pattern: "GET /_seatkeeper/tokens", admin: c.handleListTokens},
		{pattern: "DELETE /_seatkeeper/tokens/{id}", admin: c.handleRevokeToken},

		{pattern: "GET /_seatkeeper/clock", admin: c.handleGetClock},
		{pattern: "PUT /_seatkeeper/clock", admin: c.handlePutClock},
		{pattern: "DELETE /_seatkeeper/clock", admin: c.handleDeleteClock},

		{pattern: "POST /_seatkeeper/reset", admin: c.handleReset},
		{pattern: "POST /_seatkeeper/seed", admin: c.handleSeed},
		{pattern: "GET /_seatkeeper/export", admin: c.handleExport},
		{pattern: "GET /_seatkeeper/audit-log", admin: c.handleAuditLog},

		{pattern: "POST /_seatkeeper/faults", admin: c.handleCreateFault},
		{pattern: "GET /_seatkeeper/faults", admin: c.handleListFaults},
		{pattern: "DELETE /_seatkeeper/faults", admin: c.handleClearFaults},
		{pattern: "DELETE /_seatkeeper/faults/{id}", admin: c.handleDeleteFault},

		{pattern: "GET /_seatkeeper/requests", admin: c.handleListRequests},
		{pattern: "DELETE /_seatkeeper/requests", admin: c.handleClearRequests},

		{pattern: "GET /_seatkeeper/openapi.json", open: handleOpenAPI},
	}
}
