package main

import (
	"context"
	"net"
	"net/url"
	"slices"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// checkServeFlags explains an --addr or --base-url serve cannot use.
func checkServeFlags(addr, baseURL string) error {
	if _, err := strconv.Atoi(addr); err == nil {
		return usageErr("--addr %q has no host part: use \":%s\" (every interface) or \"127.0.0.1:%s\" (this machine only)", addr, addr, addr)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErr("--addr %q is not HOST:PORT, such as 127.0.0.1:8080 or :8080", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usageErr("--addr %q: port %q is not a number from 0 to 65535", addr, port)
	}
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return usageErr("--base-url %q is not an http:// or https:// URL such as https://seats.example.com", baseURL)
		}
	}
	return nil
}

// refuseDemoOver fails when the database already holds data other than
// the demo's: the demo's tokens would not be there, and the token it
// prints would not work.
func refuseDemoOver(ctx context.Context, st *store.Store, database string) error {
	empty, err := isEmpty(ctx, st)
	if err != nil || empty {
		return err
	}
	if _, err := st.TokenByHash(ctx, auth.Hash(demo.OwnerToken)); err == nil {
		return nil // the demo, loaded before
	} else if !seatkeeper.IsNotFound(err) {
		return err
	}
	return usageErr("--demo: the database %s already holds data, so the demo cannot be loaded into it: "+
		"leave out --database (and SEATKEEPER_DATABASE_URL) to run the demo in memory, or give an empty database", redact(database))
}

// redact drops the password from a database URL, for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// isEmpty reports whether the database holds no users but the bootstrap
// administrator.
func isEmpty(ctx context.Context, st *store.Store) (bool, error) {
	users, err := st.Users(ctx)
	if err != nil {
		return false, err
	}
	users = slices.DeleteFunc(users, func(u seatkeeper.User) bool { return u.Login == bootstrap.Login })
	return len(users) == 0, nil
}
