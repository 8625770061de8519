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

// SetPruning sets how often data_changes is pruned and to how many rows,
// and returns a function that restores the defaults.
func SetPruning(every uint64, keep int) (restore func()) {
	oldEvery, oldKeep := pruneEvery, keepChanges
	pruneEvery, keepChanges = every, keep
	return func() { pruneEvery, keepChanges = oldEvery, oldKeep }
}

// SetBigOrgSeats sets how many listed seats make an org big (a page by
// login walks the users' login index), and returns a function that
// restores the default.
func SetBigOrgSeats(n int) (restore func()) {
	old := bigOrgSeats
	bigOrgSeats = n
	return func() { bigOrgSeats = old }
}

// SetSearchFew sets the most users a search is resolved to by id, and
// returns a function that restores it.
func SetSearchFew(n int) (restore func()) {
	old := searchFew
	searchFew = n
	return func() { searchFew = old }
}

// SetEachSeatHead sets how many seats EachSeat reads a day idle at a
// time, and returns a function that restores it.
func SetEachSeatHead(n int) (restore func()) {
	old := eachSeatHead
	eachSeatHead = n
	return func() { eachSeatHead = old }
}

// UserSeatByLoginQuery is the text of UserSeatByLogin's query as SQLite
// runs it (its plan is checked there).
var UserSeatByLoginQuery = rebind(SQLite, userSeatByLogin)
