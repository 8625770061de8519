//go:build unix

package store

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walIndex reads the header of a SQLite database's WAL index (the -shm
// file) without a lock or a system call: the cheapest way to learn that
// another connection has committed.
//
// The WAL index begins with two copies of a 48-byte header
// (https://www.sqlite.org/walformat.html#the_wal_index_header). Every
// commit rewrites it (mxFrame, the salts and the checksums change), the
// second copy first and then, after a memory barrier, the first; readers
// read the first and then the second, and trust them only if they agree.
// SQLite's own readers decide whether their cache is stale exactly this
// way. header does the same with atomic loads: two copies that agree are
// the committed state; copies that differ mean a commit is being written,
// and the caller falls back to PRAGMA data_version, which takes the locks.
//
// One mapping serves every store of the process on the same file, and its
// file descriptor is closed only when the last of them has closed its
// SQLite connections: closing any descriptor of a file drops every POSIX
// lock the process holds on it, SQLite's included (the locks that keep
// the WAL index from being reset, and checkpointers from overwriting what
// a reader reads).
type walIndex struct {
	key  walKey
	refs int // under walIndexes.mu
	fd   int

	mu    sync.RWMutex // unmapping waits for readers
	mem   []byte
	words *[24]uint32 // the two copies, 12 words each; nil once unmapped
}

type walKey struct{ dev, ino uint64 }

var walIndexes = struct {
	sync.Mutex
	m map[walKey]*walIndex
}{m: map[walKey]*walIndex{}}

// walIndexVersion is the iVersion field SQLite writes into the header.
const walIndexVersion = 3007000

// openWALIndex maps dbPath's WAL index, or takes another reference to the
// process's mapping of it. The database must be open (and in WAL mode),
// so that the -shm file exists and SQLite holds its locks.
func openWALIndex(dbPath string) (*walIndex, error) {
	path := dbPath + "-shm"
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return nil, err
	}
	key := walKey{uint64(st.Dev), uint64(st.Ino)}
	walIndexes.Lock()
	defer walIndexes.Unlock()
	if w := walIndexes.m[key]; w != nil {
		w.refs++
		return w, nil
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	// From here fd stays open until the last reference goes (see above),
	// even when mapping fails: closing it now would drop SQLite's locks.
	w := &walIndex{key: key, refs: 1, fd: fd}
	walIndexes.m[key] = w
	var fst syscall.Stat_t
	if err := syscall.Fstat(fd, &fst); err != nil || uint64(fst.Dev) != key.dev || uint64(fst.Ino) != key.ino {
		return w, nil // replaced between stat and open: never read; header reports false
	}
	mem, err := syscall.Mmap(fd, 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return w, fmt.Errorf("store: map the WAL index: %w", err)
	}
	w.mem, w.words = mem, (*[24]uint32)(unsafe.Pointer(&mem[0]))
	return w, nil
}

// header returns the header as a version string, or false when the two
// copies disagree, the header is not initialized, or nothing is mapped.
func (w *walIndex) header() (string, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.words == nil {
		return "", false
	}
	var a, b [12]uint32
	for i := range a {
		a[i] = atomic.LoadUint32(&w.words[i])
	}
	for i := range b {
		b[i] = atomic.LoadUint32(&w.words[12+i])
	}
	if a != b || a[0] != walIndexVersion {
		return "", false
	}
	buf := make([]byte, 0, 2+12*9)
	buf = append(buf, 'w', ':')
	for i, v := range a {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = strconv.AppendUint(buf, uint64(v), 16)
	}
	return string(buf), true
}

// close drops a reference; the last one unmaps the header and closes the
// descriptor. Call it only after the store's SQLite connections are closed.
func (w *walIndex) close() error {
	walIndexes.Lock()
	defer walIndexes.Unlock()
	if w.refs--; w.refs > 0 {
		return nil
	}
	delete(walIndexes.m, w.key)
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	if w.words != nil {
		w.words = nil
		err = syscall.Munmap(w.mem)
	}
	if cerr := syscall.Close(w.fd); err == nil {
		err = cerr
	}
	return err
}
