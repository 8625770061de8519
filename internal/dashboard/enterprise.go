package dashboard

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

// The enterprise page: every seat of an enterprise, in its organizations
// and granted at the enterprise itself, for its owners and billing
// managers, under the API's rule for the enterprise seat list
// (auth.EnterpriseSeatsRead). It only reads.

// enterpriseSummary is an enterprise the principal may see, as the orgs
// page links it.
type enterpriseSummary struct{ Slug, Name string }

// enterprisePage is the body of the enterprise page.
type enterprisePage struct {
	Enterprise seatkeeper.Enterprise
	Plan       string // of the enterprise's own subscription; "" for none
	Report     report.Report
	AtOrgs     int // rows held in an org
	AtItself   int // rows granted at the enterprise
}

// mayReadEnterprise reports whether p may see ent's seats, as GET
// /enterprises/{enterprise}/copilot/billing/seats decides.
func (d *Dashboard) mayReadEnterprise(ctx context.Context, p seatkeeper.Principal, ent seatkeeper.Enterprise) (bool, error) {
	return d.mayReadEnterpriseBy(ctx, p, ent, auth.EnterpriseSeatsRead)
}

// mayReadEnterpriseBy reports whether p may read what rule guards of ent
// through the API.
func (d *Dashboard) mayReadEnterpriseBy(ctx context.Context, p seatkeeper.Principal, ent seatkeeper.Enterprise, rule auth.Requirement) (bool, error) {
	if auth.CheckEnterpriseToken(p.Token) != nil {
		return false, nil
	}
	err := auth.CheckEnterpriseCaller(ctx, d.store, p, ent.ID, rule, true)
	switch kind := seatkeeper.KindOf(err); {
	case err == nil:
		return true, nil
	case kind == seatkeeper.KindNotFound || kind == seatkeeper.KindForbidden:
		return false, nil // a refusal
	}
	return false, err
}

// visibleEnterprises lists the enterprises p may see, by slug.
func (d *Dashboard) visibleEnterprises(ctx context.Context, p seatkeeper.Principal) ([]enterpriseSummary, error) {
	all, err := d.store.Enterprises(ctx)
	if err != nil {
		return nil, err
	}
	var out []enterpriseSummary
	for _, ent := range all {
		ok, err := d.mayReadEnterprise(ctx, p, ent)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, enterpriseSummary{Slug: ent.Slug, Name: ent.Name})
		}
	}
	slices.SortFunc(out, func(a, b enterpriseSummary) int {
		return strings.Compare(seatkeeper.LoginKey(a.Slug), seatkeeper.LoginKey(b.Slug))
	})
	return out, nil
}

// readableEnterprise is the enterprise slug names, when rc's principal may
// read what rule guards of it (what, in the refusal); else a Not Found
// or Forbidden page's error.
func (d *Dashboard) readableEnterprise(ctx context.Context, rc *reqCtx, slug string, rule auth.Requirement, what string) (seatkeeper.Enterprise, error) {
	ent, err := d.store.EnterpriseBySlug(ctx, slug)
	if seatkeeper.IsNotFound(err) {
		return ent, notFound("There is no enterprise named " + slug + ".")
	}
	if err != nil {
		return ent, err
	}
	ok, err := d.mayReadEnterpriseBy(ctx, rc.p, ent, rule)
	if err != nil {
		return ent, err
	}
	if !ok {
		return ent, forbidden("You cannot see " + ent.Slug + "'s " + what + ": only its owners and billing managers can, with a classic or OAuth token that has the " +
			strings.Join(rule.Scopes, " or ") + " scope.")
	}
	return ent, nil
}

// handleEnterprise serves GET /ui/enterprises/{enterprise}.
func (d *Dashboard) handleEnterprise(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	ent, err := d.readableEnterprise(ctx, rc, r.PathValue("enterprise"), auth.EnterpriseSeatsRead, "Copilot seats")
	if err != nil {
		return err
	}
	seats, _, err := d.copilot.EnterpriseSeats(ctx, ent)
	if err != nil {
		return err
	}
	page := enterprisePage{Enterprise: ent, Report: report.BuildEnterprise(ent.Slug, seats, d.clock.Now(), report.Options{Prices: d.cfg.Prices})}
	if sub, err := d.store.EnterpriseSubscription(ctx, ent.ID); err == nil {
		page.Plan = sub.PlanType
	} else if !seatkeeper.IsNotFound(err) {
		return err
	}
	for _, row := range page.Report.Seats {
		if row.Organization == report.EnterpriseLevel {
			page.AtItself++
		} else {
			page.AtOrgs++
		}
	}
	d.render(w, r, http.StatusOK, "enterprise", d.signedInLayout(rc, ent.Name, page,
		crumb{Label: "Organizations", Href: Prefix + "/"}, crumb{Label: ent.Name}))
	return nil
}
