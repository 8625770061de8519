//go:build unix

package store

import (
	"os"
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
type walIndex struct {
	mu    sync.RWMutex // close waits for readers: the mapping must outlive them
	mem   []byte
	words *[24]uint32 // the two copies, 12 words each; nil once closed
}

// walIndexVersion is the iVersion field SQLite writes into the header.
const walIndexVersion = 3007000

func openWALIndex(dbPath string) (*walIndex, error) {
	f, err := os.Open(dbPath + "-shm")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mem, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &walIndex{mem: mem, words: (*[24]uint32)(unsafe.Pointer(&mem[0]))}, nil
}

// header returns the header as a version string, or false when the two
// copies disagree or the header is not initialized.
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

func (w *walIndex) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.words == nil {
		return nil
	}
	w.words = nil
	return syscall.Munmap(w.mem)
}
