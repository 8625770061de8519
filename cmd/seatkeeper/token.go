package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/client"
	"github.com/seatkeeper/seatkeeper/internal/suggest"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

const tokenUsage = `Usage: seatkeeper token COMMAND [flags]

Commands:
  create   mint a token and print it (once: only its hash is kept)
  list     list tokens, without secrets
  revoke   revoke a token by id

Run "seatkeeper help token COMMAND" for a command's flags and examples.`

func tokenCommands() []*command {
	return []*command{
		{name: "create", summary: "mint a token and print it (once: only its hash is kept)", run: runTokenCreate, examples: []string{
			"seatkeeper token create --database seats.db --kind classic --user octocat --scopes read:org,manage_billing:copilot",
			"seatkeeper token create --server http://127.0.0.1:8080 --token $ADMIN --kind fine_grained --user octocat --org octo-org \\\n" +
				"      --permissions organization_copilot_seat_management=read",
		}},
		{name: "list", summary: "list tokens, without secrets", run: runTokenList, examples: []string{
			"seatkeeper token list --database seats.db",
			"seatkeeper token list --server http://127.0.0.1:8080 --token $ADMIN --format json",
		}},
		{name: "revoke", summary: "revoke a token by id", run: runTokenRevoke, examples: []string{
			"seatkeeper token revoke --database seats.db 3",
		}},
	}
}

func runToken(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, tokenUsage)
		return errUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			return runToken(ctx, []string{args[1], "--help"}, env, stdout, stderr)
		}
		fmt.Fprintln(stdout, tokenUsage)
		return nil
	}
	subs := tokenCommands()
	if c := find(subs, args[0]); c != nil {
		return c.run(ctx, args[1:], env, stdout, stderr)
	}
	return usageErr("unknown command %q%s: want create, list or revoke", args[0], suggest.DidYouMean(args[0], names(subs), "token "))
}

func runTokenCreate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("token create", "Usage: seatkeeper token create [--database DB | --server URL --token T] --kind KIND [--user LOGIN] [--org LOGIN] [--scopes a,b]\n"+
		"                              [--permissions name=level,...] [--expires-at TIME] [--note TEXT]\n\n"+
		"Mints a token and prints it on stdout, this once: only its SHA-256 is stored. Classic and oauth\n"+
		"tokens have a user and scopes; fine_grained tokens a user, an org and permissions; installation\n"+
		"tokens an org and permissions (levels read, write, admin).", env, stderr)
	kind := fs.String("kind", "", "classic, oauth, fine_grained or installation (required)")
	user := fs.String("user", "", "login of the token's user")
	org := fs.String("org", "", "login of the organization a fine_grained or installation token acts on")
	scopes := fs.String("scopes", "", "comma-separated OAuth scopes (classic and oauth)")
	perms := fs.String("permissions", "", "comma-separated name=level permissions (fine_grained and installation)")
	expires := fs.String("expires-at", "", "expiry, RFC 3339 (default: never)")
	note := fs.String("note", "", "a note shown in listings")
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	k := seatkeeper.TokenKind(*kind)
	if !k.Valid() {
		if *kind == "" {
			return usageErr("--kind is required: classic, oauth, fine_grained or installation")
		}
		return usageErr("--kind must be classic, oauth, fine_grained or installation, not %q", *kind)
	}
	in := seed.Token{Kind: *kind, User: *user, Organization: *org, ExpiresAt: *expires, Note: *note}
	if *scopes != "" {
		in.Scopes = strings.Split(*scopes, ",")
	}
	if *perms != "" {
		in.Permissions = map[string]string{}
		for _, p := range strings.Split(*perms, ",") {
			name, level, ok := strings.Cut(p, "=")
			if !ok || name == "" {
				return usageErr("--permissions: %q is not name=level", p)
			}
			in.Permissions[name] = level
		}
	}
	if *expires != "" {
		if _, err := time.Parse(time.RFC3339, *expires); err != nil {
			return usageErr("--expires-at: %q is not an RFC 3339 time such as 2026-12-31T00:00:00Z", *expires)
		}
	}
	if c, err := srv.client(fs); err != nil || c != nil {
		if err != nil {
			return err
		}
		t, err := c.CreateToken(ctx, client.NewToken{Kind: in.Kind, User: in.User, Organization: in.Organization,
			Scopes: in.Scopes, Permissions: in.Permissions, ExpiresAt: in.ExpiresAt, Note: in.Note})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, t.Token)
		fmt.Fprintf(stderr, "created token %d (%s %s); it is not shown again\n", t.ID, t.Kind, t.Hint)
		return nil
	}
	secret, err := auth.Generate(k)
	if err != nil {
		return err
	}
	in.Token = secret
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	var tok seatkeeper.Token
	ctx = audit.WithActor(ctx, audit.CLI)
	err = st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if tok, err = seed.CreateToken(ctx, tx, in, (&clock.Clock{}).Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.TokenEvent(audit.TokenCreated, tok, tok.CreatedAt))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "created token %d (%s %s); it is not shown again\n", tok.ID, tok.Kind, tok.Hint)
	return nil
}

// tokenRow is a token as "token list" shows it, from the database or
// from a server's control API.
type tokenRow = client.Token

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func runTokenList(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("token list", "Usage: seatkeeper token list [--database DB | --server URL --token T] [--format table|json]\n\nLists every token, revoked ones included, without secrets.", env, stderr)
	format := fs.String("format", "table", "output format: table or json")
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *format != "table" && *format != "json" {
		return usageErr("--format must be table or json, not %q", *format)
	}
	c, err := srv.client(fs)
	if err != nil {
		return err
	}
	var rows []tokenRow
	if c != nil {
		rows, err = c.Tokens(ctx)
	} else {
		rows, err = localTokenList(ctx, db, env)
	}
	if err != nil {
		return err
	}
	return writeTokens(stdout, rows, *format)
}

// localTokenList lists the database's tokens.
func localTokenList(ctx context.Context, db *dbFlags, env func(string) string) ([]tokenRow, error) {
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	tokens, err := st.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]tokenRow, 0, len(tokens))
	for _, t := range tokens {
		row := tokenRow{ID: t.ID, Kind: string(t.Kind), Hint: t.Hint, Scopes: t.Scopes, Permissions: t.Permissions,
			ExpiresAt: fmtTime(t.ExpiresAt), CreatedAt: fmtTime(&t.CreatedAt), RevokedAt: fmtTime(t.RevokedAt), Note: t.Note}
		if t.UserID != 0 {
			u, err := st.UserByID(ctx, t.UserID)
			if err != nil {
				return nil, err
			}
			row.User = u.Login
		}
		if t.OrgID != 0 {
			o, err := st.OrgByID(ctx, t.OrgID)
			if err != nil {
				return nil, err
			}
			row.Organization = o.Login
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func writeTokens(stdout io.Writer, rows []tokenRow, format string) error {
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tHINT\tUSER\tORG\tSCOPES/PERMISSIONS\tEXPIRES\tSTATUS\tNOTE")
	for _, r := range rows {
		grants := strings.Join(r.Scopes, ",")
		if len(r.Permissions) > 0 {
			var ps []string
			for name, level := range r.Permissions {
				ps = append(ps, name+"="+level)
			}
			slices.Sort(ps)
			grants = strings.Join(ps, ",")
		}
		status := "active"
		if r.RevokedAt != "" {
			status = "revoked " + r.RevokedAt
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Hint, dash(r.User), dash(r.Organization),
			dash(grants), dash(r.ExpiresAt), status, r.Note)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runTokenRevoke(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("token revoke", "Usage: seatkeeper token revoke [--database DB | --server URL --token T] ID\n\nRevokes the token with that id (see \"seatkeeper token list\").", env, stderr)
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("want exactly one token ID")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usageErr("%q is not a token id", fs.Arg(0))
	}
	if c, err := srv.client(fs); err != nil || c != nil {
		if err != nil {
			return err
		}
		return remoteTokenRevoke(ctx, c, id, stdout)
	}
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = audit.WithActor(ctx, audit.CLI)
	err = st.Tx(ctx, func(tx *store.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		if err != nil {
			return err
		}
		now := (&clock.Clock{}).Now()
		if err := tx.RevokeToken(ctx, id, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.TokenEvent(audit.TokenRevoked, t, now))
	})
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no active token with id %d", id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %d\n", id)
	return nil
}
