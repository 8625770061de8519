// Package copilot holds the business rules of GitHub Copilot seat
// management: who holds a seat, through which grant, until when. It reads
// and writes through the store and answers with seatkeeper errors carrying
// GitHub's messages.
package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Documentation URLs GitHub attaches to Copilot errors.
const (
	DocSeatDetails = "https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-assignment-details-for-a-user"
	DocPlans       = "https://docs.github.com/copilot/about-github-copilot/subscription-plans-for-github-copilot"
	DocGrantAccess = "https://docs.github.com/copilot/managing-copilot/managing-github-copilot-in-your-organization/managing-access-to-github-copilot-in-your-organization/granting-access-to-copilot-for-members-of-your-organization"
)

// GitHub's messages.
const (
	MsgNotEnabled        = "Copilot Business is not enabled for this organization."
	MsgPendingInvitation = "User has a pending organization invitation."
	MsgNotOrgMember      = "User does not exist in this organization."
	MsgNoSeat            = "No seat found for this user in this organization."
)

// Service answers Copilot questions from the store at the clock's time.
type Service struct {
	Store *store.Store
	Clock *clock.Clock
}

// Reader is what seat resolution needs: a Store, or a Tx for reads inside a
// write.
type Reader interface {
	Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error)
	Membership(ctx context.Context, orgID, userID int64) (seatkeeper.Membership, error)
	Reaches(ctx context.Context, orgID, userID int64) ([]seatkeeper.Reach, error)
	Activity(ctx context.Context, orgID, userID int64) (seatkeeper.Activity, error)
}

// SeatDetails answers GET /orgs/{org}/members/{username}/copilot for a
// caller already allowed to see org's seats, checking in GitHub's order:
// Copilot enabled, user exists, membership, seat.
func (s *Service) SeatDetails(ctx context.Context, org seatkeeper.Organization, username string) (seatkeeper.Seat, error) {
	sub, err := s.Store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindInvalid, MsgNotEnabled).WithDoc(DocPlans)
	}
	if err != nil {
		return seatkeeper.Seat{}, err
	}
	user, err := s.Store.UserByLogin(ctx, username)
	if err != nil {
		return seatkeeper.Seat{}, err // Not Found
	}
	m, err := s.Store.Membership(ctx, org.ID, user.ID)
	switch {
	case seatkeeper.IsNotFound(err):
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNotOrgMember).WithDoc(DocSeatDetails)
	case err != nil:
		return seatkeeper.Seat{}, err
	case m.State == seatkeeper.StatePending:
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindInvalid, MsgPendingInvitation).WithDoc(DocSeatDetails)
	}
	seat, ok, err := ResolveSeat(ctx, s.Store, org, user, sub, m, s.Clock.Now())
	if err != nil {
		return seat, err
	}
	if !ok {
		return seat, seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNoSeat).WithDoc(DocGrantAccess)
	}
	return seat, nil
}

// ResolveSeat works out the seat an active member holds at now under the
// org's seat management setting: nobody when disabled; every member under
// assign_all; otherwise whoever a live grant reaches. ok is false when the
// user holds no seat.
func ResolveSeat(ctx context.Context, r Reader, org seatkeeper.Organization, user seatkeeper.User,
	sub seatkeeper.Subscription, m seatkeeper.Membership, now time.Time) (seatkeeper.Seat, bool, error) {
	if m.State != seatkeeper.StateActive || sub.SeatManagementSetting == seatkeeper.SeatsDisabled {
		return seatkeeper.Seat{}, false, nil
	}
	reaches, err := r.Reaches(ctx, org.ID, user.ID)
	if err != nil {
		return seatkeeper.Seat{}, false, err
	}
	if sub.SeatManagementSetting == seatkeeper.SeatsAssignAll {
		// Every active member holds a seat from when both the member and
		// the subscription existed.
		since := sub.CreatedAt
		if m.CreatedAt.After(since) {
			since = m.CreatedAt
		}
		reaches = append(reaches, seatkeeper.Reach{Grant: seatkeeper.Grant{
			OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: user.ID, CreatedAt: since, UpdatedAt: since,
		}})
	}
	chosen, pending, ok := seatkeeper.ResolveSeat(reaches, now)
	if !ok {
		return seatkeeper.Seat{}, false, nil
	}
	act, err := r.Activity(ctx, org.ID, user.ID)
	if err != nil {
		return seatkeeper.Seat{}, false, err
	}
	updated := chosen.Grant.UpdatedAt
	if since := chosen.Since(); since.After(updated) {
		updated = since
	}
	return seatkeeper.Seat{
		Org:                     org,
		User:                    user,
		PlanType:                sub.PlanType,
		Team:                    chosen.Team,
		EnterpriseTeam:          chosen.ETeam,
		CreatedAt:               chosen.Since(),
		UpdatedAt:               updated,
		PendingCancellationDate: pending,
		Activity:                act,
	}, true, nil
}
