//go:build unix

package store

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The byte of the -shm file whose shared lock each SQLite connection holds
// while the WAL index is in use (UNIX_SHM_DMS in SQLite's os_unix.c): a
// connection that gets it exclusively resets the index.
const shmDMS = 128

// TestHelperProcessDMSLock is not a test: TestWALIndexKeepsSQLiteLocks
// runs it in a separate process (POSIX locks are per process) to ask
// whether the DMS byte could be locked exclusively.
func TestHelperProcessDMSLock(t *testing.T) {
	path := os.Getenv("SEATKEEPER_TEST_SHM")
	if path == "" {
		t.Skip("helper process only")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if os.IsNotExist(err) {
		os.Stdout.WriteString("DMS:free\n") // SQLite removed it: nobody holds it
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: shmDMS, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		os.Stdout.WriteString("DMS:busy\n")
		return
	}
	os.Stdout.WriteString("DMS:free\n")
}

// dmsLockFree reports whether another process could take the DMS byte of
// path's WAL index exclusively: false while any connection of this process
// holds SQLite's shared lock on it.
func dmsLockFree(t *testing.T, dbPath string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessDMSLock$", "-test.v")
	cmd.Env = append(os.Environ(), "SEATKEEPER_TEST_SHM="+dbPath+"-shm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	switch {
	case strings.Contains(string(out), "DMS:busy"):
		return false
	case strings.Contains(string(out), "DMS:free"):
		return true
	}
	t.Fatalf("helper process said neither: %s", out)
	return false
}

// TestWALIndexKeepsSQLiteLocks guards against the POSIX lock pitfall:
// closing any descriptor of a file drops every lock the process holds on
// it. Mapping the WAL index must not release SQLite's locks, neither when
// a store opens nor when another store on the same file closes.
func TestWALIndexKeepsSQLiteLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "locks.db")
	a, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, ok := a.probe.wal.header(); !ok {
		t.Fatal("the WAL index header is not mapped")
	}
	if dmsLockFree(t, path) {
		t.Fatal("after a store opened, another process could reset the WAL index: this process's SQLite locks were dropped")
	}
	b, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.probe.wal != b.probe.wal {
		t.Error("two stores on one file map its WAL index twice")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if dmsLockFree(t, path) {
		t.Fatal("after a second store on the file closed, the first store's SQLite locks were dropped")
	}
	if _, ok := a.probe.wal.header(); !ok {
		t.Fatal("the first store lost its mapping when the second closed")
	}
	// A write still shows, through the mapping.
	before, _ := a.DataVersion(ctx)
	if _, err := a.DB().ExecContext(ctx, `INSERT INTO id_sequences (name, last_id) VALUES ('locks-test', 1)`); err != nil {
		t.Fatal(err)
	}
	if after, _ := a.DataVersion(ctx); after == before || !strings.HasPrefix(after, "w:") {
		t.Errorf("DataVersion %q -> %q after a write", before, after)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !dmsLockFree(t, path) {
		t.Error("after every store closed, the DMS byte is still locked")
	}
	walIndexes.Lock()
	n := len(walIndexes.m)
	walIndexes.Unlock()
	if n != 0 {
		t.Errorf("%d WAL index mappings left after every store closed", n)
	}
}
