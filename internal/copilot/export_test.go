package copilot

// SetOrderChunk sets how many members a list's order is resolved at a
// time, for tests that walk a small org in several ranges; it returns the
// old value.
func SetOrderChunk(n int) int {
	old := orderChunk
	orderChunk = n
	return old
}

// SeatOrder exposes seatOrder.
var SeatOrder = seatOrder
