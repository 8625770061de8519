package auth

import (
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper"
)

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range seatkeeper.TokenKinds {
		for range 50 {
			tok, err := Generate(k)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, k.Prefix()) || len(tok) != len(k.Prefix())+36 {
				t.Fatalf("%s: %q", k, tok)
			}
			if !WellFormed(tok) {
				t.Fatalf("%q is not well formed", tok)
			}
			if got, ok := KindOf(tok); !ok || got != k {
				t.Fatalf("KindOf(%q) = %s", tok, got)
			}
			if seen[tok] {
				t.Fatal("duplicate token")
			}
			seen[tok] = true
			// One changed character breaks the checksum.
			b := []byte(tok)
			i := len(k.Prefix()) + 3
			if b[i] == 'a' {
				b[i] = 'b'
			} else {
				b[i] = 'a'
			}
			if WellFormed(string(b)) {
				t.Fatalf("%q passes with a changed character", b)
			}
		}
	}
	for _, bad := range []string{"", "ghp_", "xyz_" + strings.Repeat("a", 36), "ghp_" + strings.Repeat("!", 36)} {
		if WellFormed(bad) {
			t.Errorf("WellFormed(%q)", bad)
		}
	}
}

func TestHashAndHint(t *testing.T) {
	h := Hash("ghp_secret")
	if len(h) != 64 || h == Hash("ghp_secreT") || h != Hash("ghp_secret") {
		t.Errorf("Hash = %s", h)
	}
	if got := Hint("ghp_abcdefghijklmnop1234"); got != "ghp_…1234" {
		t.Errorf("Hint = %q", got)
	}
	if got := Hint("ghp_ab"); strings.Contains(got, "ab") {
		t.Errorf("Hint of a short token shows it: %q", got)
	}
}

func TestScopes(t *testing.T) {
	for _, c := range []struct {
		have, want []string
		ok         bool
	}{
		{[]string{"read:org"}, []string{"read:org"}, true},
		{[]string{"write:org"}, []string{"read:org"}, true},
		{[]string{"admin:org"}, []string{"read:org"}, true},
		{[]string{"admin:org"}, []string{"manage_billing:copilot", "admin:org"}, true},
		{[]string{"write:org"}, []string{"manage_billing:copilot", "admin:org"}, false},
		{[]string{"copilot"}, []string{"manage_billing:copilot"}, true},
		{[]string{"manage_billing:copilot"}, []string{"copilot"}, false},
		{[]string{"admin:enterprise"}, []string{"read:enterprise"}, true},
		{[]string{"repo", "user"}, []string{"read:org"}, false},
		{nil, []string{"read:org"}, false},
	} {
		if got := HasAnyScope(c.have, c.want); got != c.ok {
			t.Errorf("HasAnyScope(%v, %v) = %v", c.have, c.want, got)
		}
	}
}

func TestCheckOrgToken(t *testing.T) {
	req := Requirement{
		Scopes:      []string{"read:org"},
		Permissions: []Permission{{"organization_copilot_seat_management", "read"}, {"organization_administration", "read"}},
	}
	for _, c := range []struct {
		name string
		tok  seatkeeper.Token
		kind seatkeeper.ErrorKind
		ok   bool
	}{
		{"classic with scope", seatkeeper.Token{Kind: seatkeeper.TokenClassic, Scopes: []string{"admin:org"}}, 0, true},
		{"oauth without scope", seatkeeper.Token{Kind: seatkeeper.TokenOAuth, Scopes: []string{"repo"}}, seatkeeper.KindNotFound, false},
		{"fine-grained, write covers read", seatkeeper.Token{Kind: seatkeeper.TokenFineGrained, OrgID: 7, Permissions: map[string]string{"organization_administration": "write"}}, 0, true},
		{"fine-grained, other org", seatkeeper.Token{Kind: seatkeeper.TokenFineGrained, OrgID: 8, Permissions: map[string]string{"organization_administration": "write"}}, seatkeeper.KindForbidden, false},
		{"installation, no permission", seatkeeper.Token{Kind: seatkeeper.TokenInstallation, OrgID: 7, Permissions: map[string]string{"members": "write"}}, seatkeeper.KindForbidden, false},
	} {
		err := req.CheckOrgToken(c.tok, 7)
		if (err == nil) != c.ok || (err != nil && seatkeeper.KindOf(err) != c.kind) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if got := req.AcceptedPermissions(); got != "organization_copilot_seat_management=read; organization_administration=read" {
		t.Errorf("AcceptedPermissions = %q", got)
	}
}

// TestCheckSiteAdmin: the one rule the API's /admin and control routes
// and the dashboard's every-org view apply.
func TestCheckSiteAdmin(t *testing.T) {
	admin := &seatkeeper.User{Login: "root", SiteAdmin: true}
	user := &seatkeeper.User{Login: "ann"}
	for _, c := range []struct {
		name string
		p    seatkeeper.Principal
		want string // "" when allowed
	}{
		{"admin with the scope", seatkeeper.Principal{User: admin, Token: seatkeeper.Token{Kind: seatkeeper.TokenClassic, Scopes: []string{"site_admin"}}}, ""},
		{"admin, OAuth, with the scope", seatkeeper.Principal{User: admin, Token: seatkeeper.Token{Kind: seatkeeper.TokenOAuth, Scopes: []string{"read:org", "site_admin"}}}, ""},
		{"admin without the scope", seatkeeper.Principal{User: admin, Token: seatkeeper.Token{Kind: seatkeeper.TokenClassic, Scopes: []string{"read:org", "admin:enterprise"}}}, MsgSiteAdmin},
		{"user with the scope", seatkeeper.Principal{User: user, Token: seatkeeper.Token{Kind: seatkeeper.TokenClassic, Scopes: []string{"site_admin"}}}, MsgSiteAdmin},
		{"admin, fine-grained", seatkeeper.Principal{User: admin, Token: seatkeeper.Token{Kind: seatkeeper.TokenFineGrained}}, MsgNotAccessiblePAT},
		{"installation", seatkeeper.Principal{Token: seatkeeper.Token{Kind: seatkeeper.TokenInstallation, Scopes: []string{"site_admin"}}}, MsgNotAccessibleIntegration},
	} {
		err := CheckSiteAdmin(c.p)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestWeakToken(t *testing.T) {
	generated, err := Generate("classic")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tok  string
		weak bool
	}{
		{generated, false},
		{"ghp_controlTestAdminToken0000000000000001", false},
		{"some-long-random-looking-K7fQ2xPz9LmW", false},
		{"ghp_billing", true},                              // short
		{"ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true}, // few characters
		{"ghp_0000000000000000000000000000000001", true},   // few characters
		{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", true}, // a run
		{"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", true}, // the demo's
		{"ghp_16C7e42F292c6912E7710c838347Ae178B4a", true}, // GitHub's documentation
		{"github_pat_" + strings.Repeat("ab", 20), true},   // two characters
		{"changeme-changeme-changeme-changeme", true},      // few characters
		{"ghs_" + strings.Repeat("Xy7", 6), true},          // short
	} {
		why := WeakToken(c.tok)
		if (why != "") != c.weak {
			t.Errorf("WeakToken(%s) = %q, want weak %v", Hint(c.tok), why, c.weak)
		}
		if strings.Contains(why, c.tok) {
			t.Errorf("the reason quotes the token: %q", why)
		}
	}
}

// TestGeneratedTokensAreNeverWeak: the tokens seatkeeper mints (the
// control API's POST /_seatkeeper/tokens and `token create`, which take
// no literal) always pass the rule seeds' literals must pass.
func TestGeneratedTokensAreNeverWeak(t *testing.T) {
	for _, k := range seatkeeper.TokenKinds {
		for range 2000 {
			tok, err := Generate(k)
			if err != nil {
				t.Fatal(err)
			}
			if why := WeakToken(tok); why != "" {
				t.Fatalf("generated %s token refused: %s", k, why)
			}
		}
	}
}
