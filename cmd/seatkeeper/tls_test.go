package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/tlscert"
)

// TestServeTLSErrors: bad certificate or key files stop serve with one
// line naming the file and the problem, exit code 1; contradictory flags
// are usage errors, exit code 2.
func TestServeTLSErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	for _, c := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"missing certificate", nil, []string{"--tls-cert", missing, "--tls-key", garbage}, 1,
			"seatkeeper serve: " + missing + ": cannot read: no such file or directory\n"},
		{"certificate not PEM", nil, []string{"--tls-cert", garbage, "--tls-key", garbage}, 1,
			"seatkeeper serve: " + garbage + ": holds no PEM-encoded certificate\n"},
		{"from the environment", map[string]string{"SEATKEEPER_TLS_CERT": missing, "SEATKEEPER_TLS_KEY": garbage}, nil, 1,
			"seatkeeper serve: " + missing + ": cannot read: no such file or directory\n"},
		{"certificate without key", nil, []string{"--tls-cert", garbage}, 2,
			"seatkeeper serve: usage: --tls-cert and --tls-key must be given together\n"},
		{"self-signed and a certificate", nil, []string{"--tls-self-signed", "--tls-cert", garbage, "--tls-key", garbage}, 2,
			"seatkeeper serve: usage: --tls-self-signed cannot be used with --tls-cert or --tls-key\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := cli(t, c.env, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, c.args...)...)
			if code != c.code || stderr != c.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, c.code, c.stderr)
			}
		})
	}
}

// TestServeTLS: with --tls-cert and --tls-key, serve speaks HTTPS (HTTP/2
// when the client offers it), and the URLs it writes are https ones.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, certFile, err := tlscert.SelfSigned(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	banner := startServe(t, "--demo", "--tls-cert", certFile, "--tls-key", keyFile)
	base := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(banner, "\n", 2)[0], "seatkeeper demo on "))
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("served at %q, want https://127.0.0.1:PORT", base)
	}
	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	req, _ := http.NewRequest("GET", base+"/orgs/"+demo.Org, nil)
	req.Header.Set("Authorization", "Bearer "+demo.OwnerToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var org struct{ URL string }
	if err := json.NewDecoder(resp.Body).Decode(&org); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 || org.URL != base+"/orgs/"+demo.Org {
		t.Errorf("status %d, %s, url %q; want 200 over HTTP/2, url %s/orgs/%s", resp.StatusCode, resp.Proto, org.URL, base, demo.Org)
	}
}
