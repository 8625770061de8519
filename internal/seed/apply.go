package seed

import (
	"context"
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
		return audit.Record(ctx, tx, audit.SeedEvent(now, len(d.Users), len(d.Enterprises), len(d.Organizations), len(d.Tokens)))
	})
}

// MintToken is CreateToken with its audit entry: the token's id and hint,
// never the secret.
func MintToken(ctx context.Context, st *store.Store, t Token, now time.Time) (tok seatkeeper.Token, err error) {
	err = st.Tx(ctx, func(tx *store.Tx) error {
		if tok, err = CreateToken(ctx, tx, t, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.TokenEvent(audit.TokenCreated, tok, tok.CreatedAt))
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
		return audit.Record(ctx, tx, audit.TokenEvent(audit.TokenRevoked, t, now))
	})
}
