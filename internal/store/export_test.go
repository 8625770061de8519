package store

// MayWrite exposes mayWrite to the external tests (version_test.go).
var MayWrite = mayWrite

// VersionFromWALIndex reports whether st's DataVersion is read from the
// mapped WAL index header (rather than the pragma) right now.
func VersionFromWALIndex(st *Store) bool {
	if st.probe.wal == nil {
		return false
	}
	_, ok := st.probe.wal.header()
	return ok
}
