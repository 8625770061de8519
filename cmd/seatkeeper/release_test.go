package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionStamp: the version the release script stamps with -ldflags
// is what --version and version print.
func TestVersionStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "seatkeeper")
	if b, err := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7-test", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	want := "seatkeeper v9.8.7-test (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, arg := range []string{"--version", "version"} {
		if b, err := exec.Command(bin, arg).Output(); err != nil || string(b) != want {
			t.Errorf("seatkeeper %s = %q, %v; want %q", arg, b, err, want)
		}
	}
}

// TestReleaseScript builds this platform's binary with scripts/release and
// checks the version stamped into it and that it is static (no cgo). Its
// -trimpath build compiles everything anew (minutes on a small machine), so
// it runs only with SEATKEEPER_TEST_RELEASE=1.
func TestReleaseScript(t *testing.T) {
	if os.Getenv("SEATKEEPER_TEST_RELEASE") == "" {
		t.Skip("set SEATKEEPER_TEST_RELEASE=1 to build with scripts/release")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	out := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("bash", "../../scripts/release", "v9.8.7-test")
	cmd.Env = append(os.Environ(), "TARGETS="+target, "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, b)
	}
	bin := filepath.Join(out, "seatkeeper-v9.8.7-test-"+runtime.GOOS+"-"+runtime.GOARCH)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	want := "seatkeeper v9.8.7-test (" + runtime.Version() + " " + target + ")\n"
	for _, arg := range []string{"--version", "version"} {
		if b, err := exec.Command(bin, arg).Output(); err != nil || string(b) != want {
			t.Errorf("%s %s = %q, %v; want %q", bin, arg, b, err, want)
		}
	}
	if b, err := exec.Command("go", "version", "-m", bin).Output(); err != nil || !strings.Contains(string(b), "CGO_ENABLED=0") {
		t.Errorf("go version -m: %v\n%s", err, b)
	}
	if sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS")); err != nil || !strings.Contains(string(sums), filepath.Base(bin)) {
		t.Errorf("SHA256SUMS: %v %q", err, sums)
	}
}
