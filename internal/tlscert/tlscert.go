// Package tlscert provides the certificates serve speaks TLS with: a pair
// of PEM files the operator names, or a self-signed certificate for the
// loopback names, made at start.
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Load reads a certificate chain and its private key from PEM files. Its
// errors name the file at fault and what is wrong with it.
func Load(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := readPEM(certFile, "CERTIFICATE", "certificate")
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readPEM(keyFile, "PRIVATE KEY", "private key")
	if err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s does not hold a usable key for the certificate in %s: %v", keyFile, certFile, err)
	}
	return cert, nil
}

// readPEM reads file and checks that it holds a PEM block whose type ends
// in suffix ("PRIVATE KEY" matches "EC PRIVATE KEY" and "RSA PRIVATE KEY").
func readPEM(file, suffix, what string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read: %v", file, err)
	}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("%s: holds no PEM-encoded %s", file, what)
		}
		if len(block.Type) >= len(suffix) && block.Type[len(block.Type)-len(suffix):] == suffix {
			return data, nil
		}
	}
}

// Hosts are the names a self-signed certificate is made for.
var Hosts = []string{"localhost", "127.0.0.1", "::1"}

// SelfSigned makes a new key and a certificate for Hosts, valid from now
// for a year, and writes the certificate (never the key, which stays in
// memory) to CertFileName in dir, for clients to trust.
func SelfSigned(dir string, now time.Time) (cert tls.Certificate, certFile string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"seatkeeper"}, CommonName: "localhost"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so that it can be trusted as its own root
	}
	for _, h := range Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	certFile = filepath.Join(dir, CertFileName)
	if err := writeAtomic(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certFile, nil
}

// CertFileName is the name of the self-signed certificate's file.
const CertFileName = "seatkeeper-localhost.pem"

// writeAtomic writes data to file through a temporary file and a rename,
// so a client never reads half a certificate.
func writeAtomic(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".seatkeeper-cert-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
