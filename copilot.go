package seatkeeper

import (
	"fmt"
	"slices"
	"time"
)

// Copilot plan types and policy values, exactly as GitHub spells them.
const (
	PlanBusiness   = "business"
	PlanEnterprise = "enterprise"

	SeatsAssignAll      = "assign_all"
	SeatsAssignSelected = "assign_selected"
	SeatsDisabled       = "disabled"
	SeatsUnconfigured   = "unconfigured"

	PolicyAllow        = "allow"
	PolicyBlock        = "block"
	PolicyUnconfigured = "unconfigured"

	FeatureEnabled      = "enabled"
	FeatureDisabled     = "disabled"
	FeatureUnconfigured = "unconfigured"
)

var (
	PlanTypes              = []string{PlanBusiness, PlanEnterprise}
	SeatManagementSettings = []string{SeatsAssignAll, SeatsAssignSelected, SeatsDisabled, SeatsUnconfigured}
	PublicCodeSuggestions  = []string{PolicyAllow, PolicyBlock, PolicyUnconfigured}
	FeatureSettings        = []string{FeatureEnabled, FeatureDisabled, FeatureUnconfigured}
)

// Subscription is an organization's Copilot Business or Enterprise
// subscription. An organization without one does not have Copilot enabled.
type Subscription struct {
	OrgID                 int64
	EnterpriseID          int64 // set instead of OrgID for an enterprise's own subscription
	PlanType              string
	SeatManagementSetting string
	PublicCodeSuggestions string
	IDEChat               string
	PlatformChat          string
	CLI                   string
	BillingCycleDay       int // 1-28: the day of the month a billing cycle starts
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// DefaultSubscription is what enabling Copilot with no settings gives.
func DefaultSubscription() Subscription {
	return Subscription{
		PlanType:              PlanBusiness,
		SeatManagementSetting: SeatsAssignSelected,
		PublicCodeSuggestions: PolicyUnconfigured,
		IDEChat:               FeatureUnconfigured,
		PlatformChat:          FeatureUnconfigured,
		CLI:                   FeatureUnconfigured,
		BillingCycleDay:       1,
	}
}

// Validate reports the first field whose value GitHub would not accept.
func (s Subscription) Validate() error {
	check := func(field, v string, allowed []string) error {
		if !slices.Contains(allowed, v) {
			return Errorf(KindInvalid, "%s: %q is not one of %v", field, v, allowed)
		}
		return nil
	}
	for _, c := range []struct {
		field, v string
		allowed  []string
	}{
		{"plan_type", s.PlanType, PlanTypes},
		{"seat_management_setting", s.SeatManagementSetting, SeatManagementSettings},
		{"public_code_suggestions", s.PublicCodeSuggestions, PublicCodeSuggestions},
		{"ide_chat", s.IDEChat, FeatureSettings},
		{"platform_chat", s.PlatformChat, FeatureSettings},
		{"cli", s.CLI, FeatureSettings},
	} {
		if err := check(c.field, c.v, c.allowed); err != nil {
			return err
		}
	}
	if s.BillingCycleDay < 1 || s.BillingCycleDay > 28 {
		return Errorf(KindInvalid, "billing_cycle_day: %d is not between 1 and 28", s.BillingCycleDay)
	}
	return nil
}

// Date is a calendar day in UTC, GitHub's YYYY-MM-DD.
type Date struct{ time.Time }

// DateLayout is the wire form of a Date.
const DateLayout = "2006-01-02"

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
	}
	return Date{t}, nil
}

// DateOf returns the UTC calendar day containing t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func (d Date) String() string { return d.Format(DateLayout) }

// CycleStart returns the start of the billing cycle containing now, for a
// subscription whose cycles begin on day (1-28) of each month, at 00:00 UTC.
func CycleStart(day int, now time.Time) time.Time {
	now = now.UTC()
	y, m, _ := now.Date()
	start := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	if now.Before(start) {
		start = start.AddDate(0, -1, 0)
	}
	return start
}

// NextCycleStart returns the first day of the billing cycle after the one
// containing now: the date a seat cancelled now stops.
func NextCycleStart(day int, now time.Time) Date {
	return Date{CycleStart(day, now).AddDate(0, 1, 0)}
}

// GrantKind says what a seat grant was given to.
type GrantKind int

const (
	GrantUser           GrantKind = iota + 1 // one user, directly
	GrantTeam                                // every member of an org team and its child teams
	GrantEnterpriseTeam                      // every member of an enterprise team
)

// Grant is one assignment of Copilot seats in an organization or, with
// EnterpriseID set instead of OrgID, at an enterprise (to a user or an
// enterprise team, with no organization in between).
type Grant struct {
	ID                      int64
	OrgID                   int64
	EnterpriseID            int64
	Kind                    GrantKind
	UserID                  int64 // GrantUser
	TeamID                  int64 // GrantTeam
	EnterpriseTeamID        int64 // GrantEnterpriseTeam
	CreatedAt               time.Time
	UpdatedAt               time.Time
	PendingCancellationDate *Date
}

// Lapsed reports whether the grant's pending cancellation has taken effect.
func (g Grant) Lapsed(now time.Time) bool {
	return g.PendingCancellationDate != nil && !now.Before(g.PendingCancellationDate.Time)
}

// Activity is the last Copilot use and sign-in recorded for a user in an
// organization; nil times were never recorded.
type Activity struct {
	LastActivityAt      *time.Time
	LastActivityEditor  string
	LastAuthenticatedAt *time.Time
}

// Update returns a with what u records: a use (time and editor) when u
// has a use time, a sign-in when u has a sign-in time.
func (a Activity) Update(u Activity) Activity {
	if u.LastActivityAt != nil {
		a.LastActivityAt, a.LastActivityEditor = u.LastActivityAt, u.LastActivityEditor
	}
	if u.LastAuthenticatedAt != nil {
		a.LastAuthenticatedAt = u.LastAuthenticatedAt
	}
	return a
}

// Recorded reports whether a holds anything.
func (a Activity) Recorded() bool { return a.LastActivityAt != nil || a.LastAuthenticatedAt != nil }

// Seat is a user's Copilot seat in an organization, resolved from every
// grant that reaches the user. A seat granted at the enterprise has no
// org (Org.ID 0) and names its Enterprise.
type Seat struct {
	Org        Organization
	Enterprise *Enterprise // an enterprise-level seat's enterprise; nil for an org's seat
	User       User
	PlanType   string
	// Exactly one of Team and EnterpriseTeam is set when the seat is held
	// through a team; both are nil for a direct (or assign_all) seat.
	Team           *Team
	EnterpriseTeam *EnterpriseTeam
	// What the assigning team's object names beyond the team, loaded
	// with the seat: an org team's parent (nil for a top-level team), an
	// enterprise team's enterprise.
	TeamParent              *Team
	TeamEnterprise          *Enterprise
	CreatedAt               time.Time
	UpdatedAt               time.Time
	PendingCancellationDate *Date
	Activity                Activity
}

// AtEnterprise reports whether the seat was granted at the enterprise, in
// no organization (GitHub's "organization": null).
func (s Seat) AtEnterprise() bool { return s.Org.ID == 0 }

// Reach is one way a grant reaches a user: the grant and, for a team grant,
// when the user joined the team (or a child team) that carries it.
type Reach struct {
	Grant    Grant
	JoinedAt time.Time // zero for direct grants
	Team     *Team
	ETeam    *EnterpriseTeam
}

// ResolveSeat picks the seat a user holds from the grants that reach them,
// as GitHub reports it: a grant without a pending cancellation wins over one
// with; a direct grant wins over a team grant; among team grants the oldest
// wins. The seat is pending cancellation only when every live grant is, and
// then until the latest of their dates. ok is false when no live grant
// remains at now.
func ResolveSeat(reaches []Reach, now time.Time) (chosen Reach, pending *Date, ok bool) {
	live := reaches[:0:0]
	for _, r := range reaches {
		if !r.Grant.Lapsed(now) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return Reach{}, nil, false
	}
	better := func(a, b Reach) bool { // is a preferred over b?
		ap, bp := a.Grant.PendingCancellationDate == nil, b.Grant.PendingCancellationDate == nil
		if ap != bp {
			return ap
		}
		ad, bd := a.Grant.Kind == GrantUser, b.Grant.Kind == GrantUser
		if ad != bd {
			return ad
		}
		if !a.Grant.CreatedAt.Equal(b.Grant.CreatedAt) {
			return a.Grant.CreatedAt.Before(b.Grant.CreatedAt)
		}
		return a.Grant.ID < b.Grant.ID
	}
	chosen = live[0]
	for _, r := range live[1:] {
		if better(r, chosen) {
			chosen = r
		}
	}
	if chosen.Grant.PendingCancellationDate != nil {
		latest := *chosen.Grant.PendingCancellationDate
		for _, r := range live {
			if d := r.Grant.PendingCancellationDate; d.After(latest.Time) {
				latest = *d
			}
		}
		pending = &latest
	}
	return chosen, pending, true
}

// Since returns when the reach first gave access: the grant's creation, or
// the user's joining of the team if that came later.
func (r Reach) Since() time.Time {
	if r.JoinedAt.After(r.Grant.CreatedAt) {
		return r.JoinedAt
	}
	return r.Grant.CreatedAt
}

// MemberReaches returns the ways a grant reaches an org member under the
// subscription: none under "disabled"; under "assign_all" also the
// implicit grant every member holds, from when both they and the
// subscription existed; otherwise the grants that reach them.
func MemberReaches(sub Subscription, m Membership, reaches []Reach) []Reach {
	switch sub.SeatManagementSetting {
	case SeatsDisabled:
		return nil
	case SeatsAssignAll:
		at := time.Unix(max(sub.CreatedAt.Unix(), m.CreatedAt.Unix()), 0).UTC()
		return append(reaches[:len(reaches):len(reaches)], Reach{Grant: Grant{
			OrgID: m.OrgID, Kind: GrantUser, UserID: m.UserID, CreatedAt: at, UpdatedAt: at,
		}})
	}
	return reaches
}

// EnterpriseReaches returns the ways an enterprise-level grant reaches a
// user under the enterprise's own subscription: none under "disabled",
// otherwise the grants that reach them (an enterprise has no "assign_all":
// ValidateEnterprise refuses it).
func EnterpriseReaches(sub Subscription, reaches []Reach) []Reach {
	if sub.SeatManagementSetting == SeatsDisabled {
		return nil
	}
	return reaches
}

// ValidateEnterprise is Validate for an enterprise's own subscription,
// which seats only the users and enterprise teams it selects.
func (s Subscription) ValidateEnterprise() error {
	if s.SeatManagementSetting == SeatsAssignAll {
		return Errorf(KindInvalid, "seat_management_setting: %q is not available for an enterprise; grant seats to users or enterprise teams", SeatsAssignAll)
	}
	return s.Validate()
}

// SeatSpan is a seat as ResolveSeat gives it at every moment from From
// (inclusive; zero for any time before Until) to Until (exclusive; zero
// for no end).
type SeatSpan struct {
	From, Until time.Time
	Chosen      Reach
	Pending     *Date
}

// SeatSpans is ResolveSeat at every moment at once: the seat a user holds
// over time, in time order, one span for each stretch in which the answer
// is the same. It changes only when a grant's pending cancellation takes
// effect, so a seat with no pending cancellation has one span without an
// end, and one pending cancellation one span ending on that date. Moments
// at which ResolveSeat finds no seat are in no span.
func SeatSpans(reaches []Reach) []SeatSpan {
	var dates []time.Time
	for _, r := range reaches {
		if d := r.Grant.PendingCancellationDate; d != nil {
			dates = append(dates, d.Time)
		}
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	dates = slices.CompactFunc(dates, func(a, b time.Time) bool { return a.Equal(b) })
	var spans []SeatSpan
	from := time.Time{} // stands for every moment before the first date
	for i := 0; i <= len(dates); i++ {
		var until time.Time
		if i < len(dates) {
			until = dates[i]
		}
		chosen, pending, ok := ResolveSeat(reaches, from)
		switch {
		case !ok:
		case len(spans) > 0 && spans[len(spans)-1].Until.Equal(from) && sameSeat(spans[len(spans)-1], chosen, pending):
			spans[len(spans)-1].Until = until
		default:
			spans = append(spans, SeatSpan{From: from, Until: until, Chosen: chosen, Pending: pending})
		}
		from = until
	}
	return spans
}

// sameSeat reports whether a span's seat is the one chosen, pending
// until pending.
func sameSeat(s SeatSpan, chosen Reach, pending *Date) bool {
	samePending := (s.Pending == nil) == (pending == nil) && (pending == nil || s.Pending.Equal(pending.Time))
	return samePending && s.Chosen.Grant.ID == chosen.Grant.ID && s.Chosen.Grant.Kind == chosen.Grant.Kind &&
		s.Chosen.Since().Equal(chosen.Since()) && s.Chosen.Grant.UpdatedAt.Equal(chosen.Grant.UpdatedAt) &&
		s.Chosen.Team == chosen.Team && s.Chosen.ETeam == chosen.ETeam
}
