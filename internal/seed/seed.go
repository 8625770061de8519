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
	"encoding/json"
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
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// Document is a parsed seed document. Its fields mirror the YAML keys (and
// the JSON ones: a document marshals to either); optional values left out
// are empty and take their defaults in Load.
//
// Every created_at and updated_at is optional: created_at defaults to the
// time of loading and updated_at to created_at. Export writes them all, so
// that an exported document loads back to the same state.
type Document struct {
	Users         []User         `yaml:"users,omitempty" json:"users,omitempty"`
	Enterprises   []Enterprise   `yaml:"enterprises,omitempty" json:"enterprises,omitempty"`
	Organizations []Organization `yaml:"organizations,omitempty" json:"organizations,omitempty"`
	Tokens        []Token        `yaml:"tokens,omitempty" json:"tokens,omitempty"`

	// Progress, when set, is called as loading writes the document, with
	// the entries (users, enterprises, organizations' members, teams,
	// seats and activity, tokens) written so far and their total.
	Progress func(done, total int) `yaml:"-" json:"-"`

	// AllowWeakTokens lets the document give literal tokens that are
	// guessable (auth.WeakToken: short, repetitive, published); without it
	// such a token is refused, naming its entry (serve and seed
	// --allow-weak-tokens set it; the demo sets it for its own tokens).
	AllowWeakTokens bool `yaml:"-" json:"-"`
}

// User is a user account. Only Login is required; ID 0 lets the store pick
// one.
type User struct {
	Login     string `yaml:"login" json:"login"`
	ID        int64  `yaml:"id,omitempty" json:"id,omitempty"`
	Name      string `yaml:"name,omitempty" json:"name,omitempty"`
	Email     string `yaml:"email,omitempty" json:"email,omitempty"`
	SiteAdmin bool   `yaml:"site_admin,omitempty" json:"site_admin,omitempty"`
	CreatedAt string `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt string `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
}

// Enterprise is an enterprise account; Name defaults to Slug. Owners,
// BillingManagers and Members (users added to the enterprise directly,
// who may belong to no org of it) are user logins. Copilot is the
// enterprise's own subscription (nil: none); Seats are its
// enterprise-level grants, each to a user or an enterprise team (by
// slug), Activity the last use recorded for them, and Usage their usage.
type Enterprise struct {
	Slug            string           `yaml:"slug" json:"slug"`
	ID              int64            `yaml:"id,omitempty" json:"id,omitempty"`
	Name            string           `yaml:"name,omitempty" json:"name,omitempty"`
	CreatedAt       string           `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt       string           `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	Owners          []string         `yaml:"owners,omitempty" json:"owners,omitempty"`
	BillingManagers []string         `yaml:"billing_managers,omitempty" json:"billing_managers,omitempty"`
	Members         []string         `yaml:"members,omitempty" json:"members,omitempty"`
	Teams           []EnterpriseTeam `yaml:"teams,omitempty" json:"teams,omitempty"`
	Copilot         *Copilot         `yaml:"copilot,omitempty" json:"copilot,omitempty"`
	Seats           []Seat           `yaml:"seats,omitempty" json:"seats,omitempty"`
	Activity        []Activity       `yaml:"activity,omitempty" json:"activity,omitempty"`
	// Usage are the Copilot usage events of users whose only seat is the
	// enterprise's own, recorded at the enterprise (an org's usage: list
	// the events under the org).
	Usage []usage.Event `yaml:"usage,omitempty" json:"usage,omitempty"`
}

// EnterpriseTeam is a team of an enterprise. Slug defaults to the slugified
// Name; Members are users, by login or as {login, joined_at}.
type EnterpriseTeam struct {
	Name        string       `yaml:"name" json:"name"`
	ID          int64        `yaml:"id,omitempty" json:"id,omitempty"`
	Slug        string       `yaml:"slug,omitempty" json:"slug,omitempty"`
	Description string       `yaml:"description,omitempty" json:"description,omitempty"`
	CreatedAt   string       `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt   string       `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	Members     []TeamMember `yaml:"members,omitempty" json:"members,omitempty"`
}

// Organization is an organization with everything that lives in it.
// Enterprise is the slug of the enterprise it belongs to, if any; a nil
// Copilot means Copilot is not enabled.
type Organization struct {
	Login         string         `yaml:"login" json:"login"`
	ID            int64          `yaml:"id,omitempty" json:"id,omitempty"`
	Enterprise    string         `yaml:"enterprise,omitempty" json:"enterprise,omitempty"`
	Name          string         `yaml:"name,omitempty" json:"name,omitempty"` // display name (GitHub's profile name)
	Description   string         `yaml:"description,omitempty" json:"description,omitempty"`
	CreatedAt     string         `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt     string         `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	Copilot       *Copilot       `yaml:"copilot,omitempty" json:"copilot,omitempty"`
	Members       []Member       `yaml:"members,omitempty" json:"members,omitempty"`
	Teams         []Team         `yaml:"teams,omitempty" json:"teams,omitempty"`
	Seats         []Seat         `yaml:"seats,omitempty" json:"seats,omitempty"`
	ResidualSeats []ResidualSeat `yaml:"residual_seats,omitempty" json:"residual_seats,omitempty"`
	Activity      []Activity     `yaml:"activity,omitempty" json:"activity,omitempty"`
	// Usage are Copilot usage events (internal/usage.Event; at required),
	// taken as given: a seed states the model, seats and usage together.
	Usage []usage.Event `yaml:"usage,omitempty" json:"usage,omitempty"`
	// PullRequests are pull-request events in the org's repositories
	// (internal/usage.PullRequest; at required, repository the name or
	// org/name), taken as given as Usage is; their users are any of the
	// document's or the database's users (a seat may be enterprise-level).
	PullRequests []usage.PullRequest `yaml:"pull_requests,omitempty" json:"pull_requests,omitempty"`
}

// Copilot is an organization's Copilot subscription. Empty values take the
// defaults of seatkeeper.DefaultSubscription.
type Copilot struct {
	PlanType              string `yaml:"plan_type,omitempty" json:"plan_type,omitempty"`
	SeatManagementSetting string `yaml:"seat_management_setting,omitempty" json:"seat_management_setting,omitempty"`
	PublicCodeSuggestions string `yaml:"public_code_suggestions,omitempty" json:"public_code_suggestions,omitempty"`
	IDEChat               string `yaml:"ide_chat,omitempty" json:"ide_chat,omitempty"`
	PlatformChat          string `yaml:"platform_chat,omitempty" json:"platform_chat,omitempty"`
	CLI                   string `yaml:"cli,omitempty" json:"cli,omitempty"`
	BillingCycleDay       *int   `yaml:"billing_cycle_day,omitempty" json:"billing_cycle_day,omitempty"` // nil: 1
	CreatedAt             string `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt             string `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
}

// Member is a user's membership of an organization. Role defaults to
// member and State to active; a pending State is an invitation. Public
// makes an active membership visible to everyone (GitHub's public
// members).
type Member struct {
	Login     string `yaml:"login" json:"login"`
	Role      string `yaml:"role,omitempty" json:"role,omitempty"`
	State     string `yaml:"state,omitempty" json:"state,omitempty"`
	Public    bool   `yaml:"public,omitempty" json:"public,omitempty"`
	CreatedAt string `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt string `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
}

// Team is an organization team. Slug defaults to the slugified Name;
// Parent is the slug of another team of the organization; Members are
// members of the organization, by login or as {login, role, joined_at}.
// Privacy defaults to secret, or to closed for a nested team (GitHub
// requires it), NotificationSetting to notifications_enabled and Permission
// to pull.
type Team struct {
	Name                string       `yaml:"name" json:"name"`
	ID                  int64        `yaml:"id,omitempty" json:"id,omitempty"`
	Slug                string       `yaml:"slug,omitempty" json:"slug,omitempty"`
	Description         string       `yaml:"description,omitempty" json:"description,omitempty"`
	Privacy             string       `yaml:"privacy,omitempty" json:"privacy,omitempty"`
	NotificationSetting string       `yaml:"notification_setting,omitempty" json:"notification_setting,omitempty"`
	Permission          string       `yaml:"permission,omitempty" json:"permission,omitempty"`
	Parent              string       `yaml:"parent,omitempty" json:"parent,omitempty"`
	CreatedAt           string       `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt           string       `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	Members             []TeamMember `yaml:"members,omitempty" json:"members,omitempty"`
}

// TeamMember is a member of a team: a login, or {login, role, joined_at}.
// Role (member or maintainer; org teams only) defaults to member; JoinedAt
// (RFC 3339) defaults to the time of loading. When a user joined a team
// matters: a seat held through a team dates from the later of the grant
// and the joining.
type TeamMember struct {
	Login    string `yaml:"login" json:"login"`
	Role     string `yaml:"role,omitempty" json:"role,omitempty"`
	JoinedAt string `yaml:"joined_at,omitempty" json:"joined_at,omitempty"`
}

// Seat grants Copilot seats to exactly one of a member (User), a team of the
// organization (Team, by slug) or a team of its enterprise (EnterpriseTeam,
// by slug). CreatedAt is RFC 3339; PendingCancellationDate is YYYY-MM-DD.
type Seat struct {
	User                    string `yaml:"user,omitempty" json:"user,omitempty"`
	Team                    string `yaml:"team,omitempty" json:"team,omitempty"`
	EnterpriseTeam          string `yaml:"enterprise_team,omitempty" json:"enterprise_team,omitempty"`
	CreatedAt               string `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt               string `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	PendingCancellationDate string `yaml:"pending_cancellation_date,omitempty" json:"pending_cancellation_date,omitempty"`
}

// ResidualSeat is a seat a member keeps, pending cancellation, after losing
// the team membership that carried it: GitHub bills and lists it until
// PendingCancellationDate (YYYY-MM-DD, required). Team or EnterpriseTeam,
// at most one, names the team that carried it.
type ResidualSeat struct {
	User                    string `yaml:"user" json:"user"`
	Team                    string `yaml:"team,omitempty" json:"team,omitempty"`
	EnterpriseTeam          string `yaml:"enterprise_team,omitempty" json:"enterprise_team,omitempty"`
	CreatedAt               string `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	UpdatedAt               string `yaml:"updated_at,omitempty" json:"updated_at,omitempty"`
	PendingCancellationDate string `yaml:"pending_cancellation_date" json:"pending_cancellation_date"`
}

// Activity is a member's last Copilot use and last Copilot sign-in in the
// organization, each RFC 3339; at least one of them is given.
type Activity struct {
	User                string `yaml:"user" json:"user"`
	LastActivityAt      string `yaml:"last_activity_at,omitempty" json:"last_activity_at,omitempty"`
	LastActivityEditor  string `yaml:"last_activity_editor,omitempty" json:"last_activity_editor,omitempty"`
	LastAuthenticatedAt string `yaml:"last_authenticated_at,omitempty" json:"last_authenticated_at,omitempty"`
}

// Token is a credential, given by its literal value (Token) or, as Export
// writes it, by the hex SHA-256 of that value (TokenSHA256): only the hash
// is ever stored. Kind (classic, oauth, fine_grained or installation)
// defaults to the kind a literal's prefix implies, and is required with
// TokenSHA256. Classic and OAuth tokens have a User and Scopes;
// fine-grained tokens a User, an Organization and Permissions; installation
// tokens an Organization and Permissions. Permissions map a permission name
// to read, write or admin. ExpiresAt is RFC 3339. Hint, what listings show
// of the token, is derived from a literal and may be given with
// TokenSHA256.
type Token struct {
	Token        string            `yaml:"token,omitempty" json:"token,omitempty"`
	TokenSHA256  string            `yaml:"token_sha256,omitempty" json:"token_sha256,omitempty"`
	Hint         string            `yaml:"hint,omitempty" json:"hint,omitempty"`
	Kind         string            `yaml:"kind,omitempty" json:"kind,omitempty"`
	User         string            `yaml:"user,omitempty" json:"user,omitempty"`
	Organization string            `yaml:"organization,omitempty" json:"organization,omitempty"`
	Scopes       []string          `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	Permissions  map[string]string `yaml:"permissions,omitempty" json:"permissions,omitempty"`
	ExpiresAt    string            `yaml:"expires_at,omitempty" json:"expires_at,omitempty"`
	Note         string            `yaml:"note,omitempty" json:"note,omitempty"`
	CreatedAt    string            `yaml:"created_at,omitempty" json:"created_at,omitempty"`
}

// UnmarshalYAML reads a team member given as a login or as a mapping,
// refusing unknown keys as the rest of the document does.
func (m *TeamMember) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*m = TeamMember{}
		return n.Decode(&m.Login)
	case yaml.MappingNode:
		*m = TeamMember{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			var dst *string
			switch k.Value {
			case "login":
				dst = &m.Login
			case "role":
				dst = &m.Role
			case "joined_at":
				dst = &m.JoinedAt
			default:
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value)}}
			}
			if err := v.Decode(dst); err != nil {
				return err
			}
		}
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a team member is a login or a mapping of login, role and joined_at", n.Line)}}
}

// teamMember is TeamMember's mapping form, without its marshalers.
type teamMember TeamMember

// short reports whether the member is fully said by its login.
func (m TeamMember) short() bool { return m.Role == "" && m.JoinedAt == "" }

// MarshalYAML writes a member with only a login as that login.
func (m TeamMember) MarshalYAML() (any, error) {
	if m.short() {
		return m.Login, nil
	}
	return teamMember(m), nil
}

// MarshalJSON writes a member with only a login as that login.
func (m TeamMember) MarshalJSON() ([]byte, error) {
	if m.short() {
		return json.Marshal(m.Login)
	}
	return json.Marshal(teamMember(m))
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

var (
	unknownKey  = regexp.MustCompile(`^(line \d+): field (.+) not found in type \S+$`)
	loginMember = regexp.MustCompile("^(line \\d+): cannot unmarshal !!str `(.*)` into seed\\.Member$")
)

// yamlErrorsShown is how many of a document's decoding errors an error
// names; the rest are counted.
const yamlErrorsShown = 3

// yamlError turns a decoding error into a KindInvalid error, naming unknown
// keys and misshapen entries in the document's terms rather than Go's.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return invalid("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	msgs := make([]string, 0, yamlErrorsShown+1)
	for _, m := range te.Errors[:min(len(te.Errors), yamlErrorsShown)] {
		m = unknownKey.ReplaceAllString(m, `$1: unknown key "$2"`)
		m = loginMember.ReplaceAllString(m, `$1: an organization member is a mapping such as {login: $2}, not a bare login`)
		msgs = append(msgs, m)
	}
	if n := len(te.Errors) - yamlErrorsShown; n > 0 {
		msgs = append(msgs, fmt.Sprintf("and %d more", n))
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
	return st.Tx(ctx, func(tx *store.Tx) error { return d.LoadTx(ctx, tx, now) })
}

// LoadTx is Load inside a transaction the caller owns, so the load can
// commit together with other writes (its audit entry, say).
func (d *Document) LoadTx(ctx context.Context, tx *store.Tx, now time.Time) error {
	pl := newPlanner(ctx, tx, now.UTC())
	pl.allowWeak = d.AllowWeakTokens
	p, err := pl.plan(d)
	if err != nil {
		return err
	}
	p.progress = d.Progress
	return p.write(ctx, tx)
}

// FileOptions are how a file is loaded: its Document's Progress and
// AllowWeakTokens.
type FileOptions struct {
	Progress        func(done, total int)
	AllowWeakTokens bool
}

// LoadFile reads, parses and loads the seed document at path. Errors name
// the file.
func LoadFile(ctx context.Context, st *store.Store, path string, now time.Time, opts FileOptions) error {
	return loadFile(ctx, st, path, now, opts, false)
}

// ApplyFile is LoadFile with an audit entry (Document.Apply), attributed
// to ctx's actor: the CLI's "seatkeeper seed".
func ApplyFile(ctx context.Context, st *store.Store, path string, now time.Time, opts FileOptions) error {
	return loadFile(ctx, st, path, now, opts, true)
}

func loadFile(ctx context.Context, st *store.Store, path string, now time.Time, opts FileOptions, audited bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err // names the file already
	}
	d, err := Parse(data)
	if err == nil {
		d.Progress, d.AllowWeakTokens = opts.Progress, opts.AllowWeakTokens
		if audited {
			err = d.Apply(ctx, st, now.UTC())
		} else {
			err = d.Load(ctx, st, now)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, format, args...)
}
