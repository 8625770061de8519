package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSelfSigned checks that the written certificate, trusted as a root,
// verifies the served one for every loopback name, and for nothing else.
func TestSelfSigned(t *testing.T) {
	dir := t.TempDir()
	cert, file, err := SelfSigned(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if file != filepath.Join(dir, CertFileName) {
		t.Errorf("certificate written to %s", file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "PRIVATE KEY") {
		t.Error("the key was written with the certificate")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		t.Fatal("the written file holds no certificate")
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range Hosts {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "example.com"}); err == nil {
		t.Error("the certificate verifies for example.com")
	}
	// The pair is usable: the key matches the certificate.
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(data, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})); err != nil {
		t.Error(err)
	}
}

// TestLoad checks Load on a good pair and that each bad file gets an
// error naming it and the problem.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	cert, certFile, err := SelfSigned(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	write := func(name, data string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	keyFile := write("key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	if _, err := Load(certFile, keyFile); err != nil {
		t.Fatalf("a good pair: %v", err)
	}
	other, _, err := SelfSigned(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherDER, _ := x509.MarshalPKCS8PrivateKey(other.PrivateKey)
	otherKey := write("other-key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: otherDER})))
	garbage := write("garbage.pem", "not a certificate\n")
	missing := filepath.Join(dir, "missing.pem")
	for _, c := range []struct {
		name, cert, key, want string
	}{
		{"missing certificate", missing, keyFile, missing + ": cannot read: no such file or directory"},
		{"missing key", certFile, missing, missing + ": cannot read: no such file or directory"},
		{"certificate not PEM", garbage, keyFile, garbage + ": holds no PEM-encoded certificate"},
		{"key not PEM", certFile, garbage, garbage + ": holds no PEM-encoded private key"},
		{"key given as certificate", keyFile, keyFile, keyFile + ": holds no PEM-encoded certificate"},
		{"key of another certificate", certFile, otherKey, otherKey + " does not hold a usable key for the certificate in " + certFile},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.cert, c.key)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Load = %v, want one line starting %q", err, c.want)
			}
		})
	}
}
