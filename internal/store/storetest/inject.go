package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// InjectedFailure is the message of the error FailWrites makes the
// database raise.
const InjectedFailure = "storetest: injected failure"

// FailWrites makes the database itself refuse, with InjectedFailure, every
// insert or update of a row of table whose column equals value, until the
// returned func removes the rule (or the test's database goes). It is a
// real database error, raised by a trigger in the middle of whatever
// transaction writes that row: what ran before it in the transaction has
// already been written, and must not be kept.
func FailWrites(t testing.TB, st *store.Store, table, column, value string) (remove func()) {
	t.Helper()
	ctx := context.Background()
	lit := "'" + strings.ReplaceAll(value, "'", "''") + "'"
	var create, drop []string
	if st.Dialect() == store.Postgres {
		create = []string{
			`CREATE OR REPLACE FUNCTION storetest_fail() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '` + InjectedFailure + `'; END $$`,
			`CREATE TRIGGER storetest_fail BEFORE INSERT OR UPDATE ON ` + table + ` FOR EACH ROW
			WHEN (NEW.` + column + ` = ` + lit + `) EXECUTE FUNCTION storetest_fail()`,
		}
		drop = []string{`DROP TRIGGER storetest_fail ON ` + table}
	} else {
		for _, event := range []string{"INSERT", "UPDATE"} {
			name := "storetest_fail_" + strings.ToLower(event)
			create = append(create, `CREATE TRIGGER `+name+` BEFORE `+event+` ON `+table+
				` WHEN NEW.`+column+` = `+lit+` BEGIN SELECT RAISE(ABORT, '`+InjectedFailure+`'); END`)
			drop = append(drop, `DROP TRIGGER `+name)
		}
	}
	for _, q := range create {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("inject a failure: %v", err)
		}
	}
	return func() {
		t.Helper()
		for _, q := range drop {
			if _, err := st.DB().ExecContext(ctx, q); err != nil {
				t.Fatalf("remove an injected failure: %v", err)
			}
		}
	}
}
