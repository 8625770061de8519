package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/tlscert"
)

// tlsFlags are serve's TLS flags.
type tlsFlags struct {
	certFile, keyFile string
	selfSigned        bool
}

func (f *tlsFlags) register(fs *flag.FlagSet, env func(string) string) {
	fs.StringVar(&f.certFile, "tls-cert", env("SEATKEEPER_TLS_CERT"), "serve HTTPS with the certificate chain in this PEM file (env SEATKEEPER_TLS_CERT; needs --tls-key)")
	fs.StringVar(&f.keyFile, "tls-key", env("SEATKEEPER_TLS_KEY"), "the private key of --tls-cert, a PEM file (env SEATKEEPER_TLS_KEY)")
	fs.BoolVar(&f.selfSigned, "tls-self-signed", false, "serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1 made at start; "+
		"it is written next to the database (a temporary directory for one in memory or in PostgreSQL), for clients to trust")
}

func (f *tlsFlags) check() error {
	switch {
	case f.selfSigned && (f.certFile != "" || f.keyFile != ""):
		return usageErr("--tls-self-signed cannot be used with --tls-cert or --tls-key")
	case (f.certFile == "") != (f.keyFile == ""):
		return usageErr("--tls-cert and --tls-key must be given together")
	}
	return nil
}

// servedTLS is how serve speaks TLS; nil config means plain HTTP.
type servedTLS struct {
	config *tls.Config
	// selfSignedFile is the self-signed certificate's file, "" otherwise.
	selfSignedFile string
}

// load returns the TLS setup the flags ask for; dsn is the database's, so
// a self-signed certificate is written next to it.
func (f *tlsFlags) load(dsn string, now time.Time) (servedTLS, error) {
	var (
		cert tls.Certificate
		out  servedTLS
		err  error
	)
	switch {
	case f.selfSigned:
		dir := filepath.Dir(dsn)
		if dsn == ":memory:" || store.IsPostgresURL(dsn) {
			if dir, err = os.MkdirTemp("", "seatkeeper-tls-"); err != nil {
				return servedTLS{}, err
			}
		}
		cert, out.selfSignedFile, err = tlscert.SelfSigned(dir, now)
	case f.certFile != "":
		cert, err = tlscert.Load(f.certFile, f.keyFile)
	default:
		return servedTLS{}, nil
	}
	if err != nil {
		return servedTLS{}, err
	}
	out.config = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return out, nil
}

// scheme is the URL scheme served.
func (t servedTLS) scheme() string {
	if t.config != nil {
		return "https"
	}
	return "http"
}

// publicHost is the host[:port] the API's URLs use by default: the
// listening address, or localhost on its port for a self-signed
// certificate, which names localhost (and gh sends its token only to the
// host it logged in to).
func (t servedTLS) publicHost(addr net.Addr) string {
	if t.selfSignedFile != "" {
		if tcp, ok := addr.(*net.TCPAddr); ok {
			return fmt.Sprintf("localhost:%d", tcp.Port)
		}
	}
	return addr.String()
}

// curlFlags are the flags curl needs to trust the served certificate.
func (t servedTLS) curlFlags() string {
	if t.selfSignedFile == "" {
		return ""
	}
	return " --cacert " + t.selfSignedFile
}

// printGHRecipe prints the line that points gh at a self-signed serve.
func (t servedTLS) printGHRecipe(w io.Writer, host, token, path string) {
	if t.selfSignedFile == "" {
		return
	}
	fmt.Fprintf(w, "  gh (trusting the self-signed certificate):\n\n  SSL_CERT_FILE=%s GH_HOST=%s GH_ENTERPRISE_TOKEN=%s gh api %s\n\n",
		t.selfSignedFile, host, token, path)
}
