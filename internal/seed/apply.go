package seed

import (
	"context"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// The control API's writes of seed material, each in one transaction with
// its audit entry.

// Apply is Load with an audit entry counting what the document declared.
func (d *Document) Apply(ctx context.Context, st *store.Store, now time.Time) error {
	return st.Tx(ctx, func(tx *store.Tx) error {
		if err := d.LoadTx(ctx, tx, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.StateSeeded, Details: map[string]any{
			"users": len(d.Users), "enterprises": len(d.Enterprises), "organizations": len(d.Organizations), "tokens": len(d.Tokens)}})
	})
}

// MintToken is CreateToken with its audit entry: the token's id and hint,
// never the secret.
func MintToken(ctx context.Context, st *store.Store, t Token, now time.Time) (tok seatkeeper.Token, err error) {
	err = st.Tx(ctx, func(tx *store.Tx) error {
		if tok, err = CreateToken(ctx, tx, t, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tokenEvent(audit.TokenCreated, tok, tok.CreatedAt))
	})
	return tok, err
}

// RevokeToken revokes the token with id at now, with its audit entry;
// revoking a revoked token changes nothing. An unknown id is a 404.
func RevokeToken(ctx context.Context, st *store.Store, id int64, now time.Time) error {
	return st.Tx(ctx, func(tx *store.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		switch {
		case seatkeeper.IsNotFound(err):
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "No token with id %d.", id)
		case err != nil:
			return err
		case t.RevokedAt != nil:
			return nil
		}
		if err := tx.RevokeToken(ctx, id, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tokenEvent(audit.TokenRevoked, t, now))
	})
}

// tokenEvent is the audit entry of a token minted or revoked: its id and
// hint, never the secret.
func tokenEvent(action string, t seatkeeper.Token, at time.Time) audit.Event {
	return audit.Event{At: at, Action: action, Subject: strconv.FormatInt(t.ID, 10),
		Details: map[string]any{"kind": string(t.Kind), "hint": t.Hint, "note": t.Note}}
}
