package httpapi

import (
	"bytes"
	"sync"

	"github.com/seatkeeper/seatkeeper"
)

// encodeSeat encodes a seat's details (seatDetails) for the read cache.
// The organization and the assigning team are the same objects in many
// seats' bodies: each is encoded once, kept in s.objects, and the body is
// the seat's own fields with those shared encodings as pieces of it.
// Encoding a miss then costs the seat's own fields, and every cached body
// of an org holds one copy of its organization. The bytes are exactly
// those of encodeJSON(s.urls.seatDetails(seat)) (TestEncodeSeatIsSeatDetails).
func (s *Server) encodeSeat(seat seatkeeper.Seat) (encodedJSON, error) {
	own, err := marshalJSON(s.urls.seatOwn(seat))
	if err != nil {
		return encodedJSON{}, err
	}
	// own is {...}\n: the pieces after it continue the same object.
	own = own[:len(own)-len("}\n")]
	parts := make([][]byte, 0, 5)
	if key, ok := teamObjectOf(seat); ok {
		team, err := s.objects.encoded(key, func() any { return s.urls.assigningTeam(seat) })
		if err != nil {
			return encodedJSON{}, err
		}
		parts = append(parts, append(own, `,"assigning_team":`...), team, jsonOrganizationField)
	} else {
		parts = append(parts, append(own, jsonOrganizationField...))
	}
	if seat.AtEnterprise() { // an enterprise-level seat has organization null
		parts = append(parts, jsonNullEnd)
	} else {
		org, err := s.objects.encoded(orgObject{seat.Org}, func() any { return s.urls.orgSimple(seat.Org) })
		if err != nil {
			return encodedJSON{}, err
		}
		parts = append(parts, org, jsonEnd)
	}
	return encodeParts(parts), nil
}

// The constant pieces of a seat's body (never written to).
var (
	jsonOrganizationField = []byte(`,"organization":`)
	jsonEnd               = []byte("}\n")
	jsonNullEnd           = []byte("null}\n")
)

// Keys of sharedObjects: the values an object's encoding is made from,
// compared whole, so that a key names one encoding (a renamed org or team
// is a new key; its old encoding ages out).
type (
	orgObject  struct{ org seatkeeper.Organization }
	teamObject struct {
		team, parent seatkeeper.Team
		hasParent    bool
		org          seatkeeper.Organization
	}
	enterpriseTeamObject struct {
		team seatkeeper.EnterpriseTeam
		ent  seatkeeper.Enterprise
	}
)

// teamObjectOf is the key of a team-held seat's assigning_team; false for
// a seat granted directly.
func teamObjectOf(seat seatkeeper.Seat) (any, bool) {
	switch {
	case seat.Team != nil:
		k := teamObject{team: *seat.Team, org: seat.Org}
		if seat.TeamParent != nil {
			k.parent, k.hasParent = *seat.TeamParent, true
		}
		return k, true
	case seat.EnterpriseTeam != nil:
		return enterpriseTeamObject{*seat.EnterpriseTeam, teamEnterprise(seat)}, true
	}
	return nil, false
}

// sharedObjects keeps the encodings of objects that many bodies hold,
// keyed by what each is encoded from. It is bounded: when full, it starts
// afresh (bodies keep the pieces they hold).
type sharedObjects struct {
	mu sync.Mutex
	m  map[any][]byte
}

const maxSharedObjects = 4096

// encoded returns the encoding of the object key names, made by encoding
// v() the first time (without its newline). The slice is shared: never
// written to.
func (c *sharedObjects) encoded(key any, v func() any) ([]byte, error) {
	c.mu.Lock()
	b, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := marshalJSON(v())
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxSharedObjects {
		c.m = make(map[any][]byte)
	}
	c.m[key] = b
	return b, nil
}
