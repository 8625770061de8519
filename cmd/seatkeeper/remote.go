package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/seatkeeper/seatkeeper/internal/client"
)

// apiTransport, when set (by tests), carries the requests of --server.
var apiTransport http.RoundTripper

// serverFlags choose a running server to work through instead of a
// database: --server and --token (env SEATKEEPER_SERVER, SEATKEEPER_TOKEN).
type serverFlags struct {
	server, token string
}

func registerServer(fs *flagSet, env func(string) string) *serverFlags {
	f := &serverFlags{}
	fs.StringVar(&f.server, "server", env("SEATKEEPER_SERVER"),
		"work through the API of this running server (seatkeeper, https://api.github.com, or GitHub Enterprise Server's https://HOST/api/v3) instead of a database (env SEATKEEPER_SERVER)")
	fs.StringVar(&f.token, "token", env("SEATKEEPER_TOKEN"), "the token to call --server with (env SEATKEEPER_TOKEN)")
	return f
}

// client returns the client of --server, or nil to work on the database.
// --server and --database on one command line are a usage error; a server
// named only in the environment gives way to a --database flag.
func (f *serverFlags) client(fs *flagSet) (*client.Client, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch {
	case set["server"] && set["database"]:
		return nil, usageErr("give --server or --database, not both")
	case f.server == "" || set["database"]:
		return nil, nil
	}
	c, err := client.New(f.server, f.token, apiTransport)
	if err != nil {
		return nil, usageErr("--server: %v", err)
	}
	return c, nil
}

// remoteTokenRevoke revokes through the control API, which (unlike the
// database) answers 204 for a token already revoked: that is checked first.
func remoteTokenRevoke(ctx context.Context, c *client.Client, id int64, stdout io.Writer) error {
	tokens, err := c.Tokens(ctx)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(tokens, func(t client.Token) bool { return t.ID == id && t.RevokedAt == "" }); i < 0 {
		return fmt.Errorf("no active token with id %d", id)
	}
	if err := c.RevokeToken(ctx, id); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "revoked token %d\n", id)
	return err
}
