package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgress: a line at each tenth off a terminal; a bar redrawn in
// place on one, ended by Done; the count alone without a total.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "seed", "entries", 2500)
	for i := int64(0); i <= 2500; i += 100 {
		p.Set(i)
	}
	p.Done()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 10 || lines[0] != "seed: 300/2,500 entries (10%)" || lines[9] != "seed: 2,500/2,500 entries (100%)" {
		t.Errorf("lines:\n%s", b.String())
	}

	b.Reset()
	p = newProgress(&b, "generate", "orgs", 4)
	p.terminal = true
	p.Set(1) // drawn: the first
	p.Set(4) // drawn: the last
	p.Done()
	if want := "\rgenerate [#######                       ] 1/4 orgs" +
		"\rgenerate [##############################] 4/4 orgs" +
		"\rgenerate [##############################] 4/4 orgs\n"; b.String() != want {
		t.Errorf("bar %q, want %q", b.String(), want)
	}

	b.Reset()
	p = newProgress(&b, "export", "bytes", 0)
	p.Set(5 << 20)
	p.Set(21 << 20)
	if want := "export: 22,020,096 bytes\n"; b.String() != want {
		t.Errorf("unknown total: %q, want %q", b.String(), want)
	}
}

// TestSeedProgress: the seed command reports its progress on stderr.
func TestSeedProgress(t *testing.T) {
	file := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(file, []byte(cliSeed), 0o600)
	code, out, errs := cli(t, nil, "seed", "--allow-weak-tokens", "--database", filepath.Join(t.TempDir(), "s.db"), file)
	if code != 0 || out != "loaded "+file+"\n" || !strings.HasSuffix(errs, "seed: 18/18 entries (100%)\n") {
		t.Errorf("seed: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
