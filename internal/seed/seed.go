// Package seed loads a seed document into the store: users, enterprises
// with their owners and teams, organizations with their members, teams,
// Copilot subscription, seats and activity, and tokens given as literal
// values so that test suites can use them as they are.
//
// A document is YAML (JSON is accepted, since it is YAML); unknown keys are
// errors. examples/seed.yaml shows and explains every key. Load checks the
// whole document, against itself and against what the database already
// holds, before it writes anything, and writes it in one transaction: all
// of it or nothing.
//
// Logins, slugs and team names are matched without regard to case, as
// GitHub does. References may name entries of the document or accounts,
// organizations and enterprises already stored, so a document can be loaded
// on top of existing data; declaring again something that exists is an
// error.
package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Document is a parsed seed document. Its fields mirror the YAML keys;
// optional values left out are empty and take their defaults in Load.
type Document struct {
	Users         []User         `yaml:"users,omitempty"`
	Enterprises   []Enterprise   `yaml:"enterprises,omitempty"`
	Organizations []Organization `yaml:"organizations,omitempty"`
	Tokens        []Token        `yaml:"tokens,omitempty"`
}

// User is a user account. Only Login is required; ID 0 lets the store pick
// one.
type User struct {
	Login     string `yaml:"login"`
	ID        int64  `yaml:"id,omitempty"`
	Name      string `yaml:"name,omitempty"`
	Email     string `yaml:"email,omitempty"`
	SiteAdmin bool   `yaml:"site_admin,omitempty"`
}

// Enterprise is an enterprise account; Name defaults to Slug. Owners are
// user logins.
type Enterprise struct {
	Slug   string           `yaml:"slug"`
	Name   string           `yaml:"name,omitempty"`
	Owners []string         `yaml:"owners,omitempty"`
	Teams  []EnterpriseTeam `yaml:"teams,omitempty"`
}

// EnterpriseTeam is a team of an enterprise. Slug defaults to the slugified
// Name; Members are user logins.
type EnterpriseTeam struct {
	Name        string   `yaml:"name"`
	Slug        string   `yaml:"slug,omitempty"`
	Description string   `yaml:"description,omitempty"`
	Members     []string `yaml:"members,omitempty"`
}

// Organization is an organization with everything that lives in it.
// Enterprise is the slug of the enterprise it belongs to, if any; a nil
// Copilot means Copilot is not enabled.
type Organization struct {
	Login       string     `yaml:"login"`
	ID          int64      `yaml:"id,omitempty"`
	Enterprise  string     `yaml:"enterprise,omitempty"`
	Description string     `yaml:"description,omitempty"`
	Copilot     *Copilot   `yaml:"copilot,omitempty"`
	Members     []Member   `yaml:"members,omitempty"`
	Teams       []Team     `yaml:"teams,omitempty"`
	Seats       []Seat     `yaml:"seats,omitempty"`
	Activity    []Activity `yaml:"activity,omitempty"`
}

// Copilot is an organization's Copilot subscription. Empty values take the
// defaults of seatkeeper.DefaultSubscription.
type Copilot struct {
	PlanType              string `yaml:"plan_type,omitempty"`
	SeatManagementSetting string `yaml:"seat_management_setting,omitempty"`
	PublicCodeSuggestions string `yaml:"public_code_suggestions,omitempty"`
	IDEChat               string `yaml:"ide_chat,omitempty"`
	PlatformChat          string `yaml:"platform_chat,omitempty"`
	CLI                   string `yaml:"cli,omitempty"`
	BillingCycleDay       *int   `yaml:"billing_cycle_day,omitempty"` // nil: 1
}

// Member is a user's membership of an organization. Role defaults to
// member and State to active; a pending State is an invitation.
type Member struct {
	Login string `yaml:"login"`
	Role  string `yaml:"role,omitempty"`
	State string `yaml:"state,omitempty"`
}

// Team is an organization team. Slug defaults to the slugified Name;
// Parent is the slug of another team of the organization; Members are
// logins of the organization's members. Privacy defaults to secret, or to
// closed for a nested team (GitHub requires it), NotificationSetting to
// notifications_enabled and Permission to pull.
type Team struct {
	Name                string   `yaml:"name"`
	Slug                string   `yaml:"slug,omitempty"`
	Description         string   `yaml:"description,omitempty"`
	Privacy             string   `yaml:"privacy,omitempty"`
	NotificationSetting string   `yaml:"notification_setting,omitempty"`
	Permission          string   `yaml:"permission,omitempty"`
	Parent              string   `yaml:"parent,omitempty"`
	Members             []string `yaml:"members,omitempty"`
}

// Seat grants Copilot seats to exactly one of a member (User), a team of the
// organization (Team, by slug) or a team of its enterprise (EnterpriseTeam,
// by slug). CreatedAt is RFC 3339 and defaults to the load time;
// PendingCancellationDate is YYYY-MM-DD.
type Seat struct {
	User                    string `yaml:"user,omitempty"`
	Team                    string `yaml:"team,omitempty"`
	EnterpriseTeam          string `yaml:"enterprise_team,omitempty"`
	CreatedAt               string `yaml:"created_at,omitempty"`
	PendingCancellationDate string `yaml:"pending_cancellation_date,omitempty"`
}

// Activity is a member's last Copilot use in the organization;
// LastActivityAt is RFC 3339.
type Activity struct {
	User               string `yaml:"user"`
	LastActivityAt     string `yaml:"last_activity_at"`
	LastActivityEditor string `yaml:"last_activity_editor,omitempty"`
}

// Token is a credential given by its literal value; only its hash is
// stored. Kind (classic, oauth, fine_grained or installation) defaults to
// the kind the value's prefix implies. Classic and OAuth tokens have a User
// and Scopes; fine-grained tokens a User, an Organization and Permissions;
// installation tokens an Organization and Permissions. Permissions map a
// permission name to read, write or admin. ExpiresAt is RFC 3339.
type Token struct {
	Token        string            `yaml:"token"`
	Kind         string            `yaml:"kind,omitempty"`
	User         string            `yaml:"user,omitempty"`
	Organization string            `yaml:"organization,omitempty"`
	Scopes       []string          `yaml:"scopes,omitempty"`
	Permissions  map[string]string `yaml:"permissions,omitempty"`
	ExpiresAt    string            `yaml:"expires_at,omitempty"`
}

// Parse reads a seed document in YAML (JSON is accepted, since it is YAML).
// Unknown keys are errors naming the key and its line. An empty input is an
// empty document. Errors are *seatkeeper.Error of kind KindInvalid.
func Parse(data []byte) (*Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var d Document
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	switch err := dec.Decode(new(yaml.Node)); {
	case errors.Is(err, io.EOF):
		return &d, nil
	case err != nil:
		return nil, yamlError(err)
	default:
		return nil, invalid("a seed file holds a single YAML document")
	}
}

var unknownKey = regexp.MustCompile(`^(line \d+): field (.+) not found in type \S+$`)

// yamlError turns a decoding error into a KindInvalid error, naming unknown
// keys in the document's terms rather than Go's.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return invalid("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = unknownKey.ReplaceAllString(m, `$1: unknown key "$2"`)
	}
	return invalid("%s", strings.Join(msgs, "; "))
}

// Load checks the whole document against itself and the database, then
// writes it in one transaction; on any error nothing is written. Entries
// without a creation time are created at now. A document that does not
// hold together gives a *seatkeeper.Error of kind KindInvalid whose message
// names the entry and field at fault; database failures are plain errors.
func (d *Document) Load(ctx context.Context, st *store.Store, now time.Time) error {
	now = now.UTC()
	return st.Tx(ctx, func(tx *store.Tx) error {
		p, err := newPlanner(ctx, tx, now).plan(d)
		if err != nil {
			return err
		}
		return p.write(ctx, tx)
	})
}

// LoadFile reads, parses and loads the seed document at path. Errors name
// the file.
func LoadFile(ctx context.Context, st *store.Store, path string, now time.Time) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err // names the file already
	}
	d, err := Parse(data)
	if err == nil {
		err = d.Load(ctx, st, now)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, format, args...)
}
