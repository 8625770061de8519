package storetest

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Recompiles reports, for each statement prepared on one of db's SQLite
// connections, by its SQL text, how many times SQLite has compiled it
// again since it was prepared (sqlite3_stmt_status's
// SQLITE_STMTSTATUS_REPREPARE). SQLite does so after a schema change, and
// at every run of a statement whose plan it judges to depend on a value
// bound to a parameter: such a statement costs a compilation each time,
// more than the lookup it makes.
//
// The connection is the one db hands out next: a caller that wants every
// statement it ran counted sets db.SetMaxOpenConns(1) first. The count is
// read through the driver's connection handle (modernc.org/sqlite's
// unexported field db), which no API exposes: Recompiles fails the test
// if the driver no longer has it.
func Recompiles(t testing.TB, db *sql.DB) map[string]int {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("recompiles: %v", err)
	}
	defer conn.Close()
	out := map[string]int{}
	err = conn.Raw(func(dc any) error {
		v := reflect.ValueOf(dc)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		f := v.FieldByName("db")
		if !f.IsValid() || f.Kind() != reflect.Uintptr {
			t.Fatalf("recompiles: the driver's connection (%T) has no handle field db", dc)
		}
		handle := uintptr(f.Uint())
		tls := libc.NewTLS()
		defer tls.Close()
		for p := sqlite3.Xsqlite3_next_stmt(tls, handle, 0); p != 0; p = sqlite3.Xsqlite3_next_stmt(tls, handle, p) {
			q := libc.GoString(sqlite3.Xsqlite3_sql(tls, p))
			out[q] += int(sqlite3.Xsqlite3_stmt_status(tls, p, sqlite3.SQLITE_STMTSTATUS_REPREPARE, 0))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("recompiles: %v", err)
	}
	return out
}
