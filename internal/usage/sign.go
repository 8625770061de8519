package usage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// LinkTTL is how long a download link works after it is made.
const LinkTTL = time.Hour

// keyName is the signing key's name in the database.
const keyName = "copilot-usage-links"

// Signer signs and checks download links, as signed-URL stores do: an
// HMAC-SHA256, with a key kept in the database (made at random on first
// use, never logged nor answered), over the link's path and its expiry.
type Signer struct {
	Keys interface {
		SigningKey(ctx context.Context, name string) ([]byte, error)
	}
	mu  sync.Mutex
	key []byte
}

func (s *Signer) mac(ctx context.Context, path string, expires int64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		k, err := s.Keys.SigningKey(ctx, keyName)
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(path + "\n" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil), nil
}

// Sign returns the query that makes path a link valid until now+LinkTTL.
func (s *Signer) Sign(ctx context.Context, path string, now time.Time) (string, error) {
	exp := now.Add(LinkTTL).Unix()
	sum, err := s.mac(ctx, path, exp)
	if err != nil {
		return "", err
	}
	return url.Values{"expires": {strconv.FormatInt(exp, 10)}, "signature": {hex.EncodeToString(sum)}}.Encode(), nil
}

// Link failures: a link altered (or signed with another key), and one
// whose time is up.
var (
	ErrSignature = linkError("Request signature does not match.")
	ErrExpired   = linkError("Request has expired.")
)

type linkError string

func (e linkError) Error() string { return string(e) }

// Verify checks a link's query against its path at now.
func (s *Signer) Verify(ctx context.Context, path string, q url.Values, now time.Time) error {
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		return ErrSignature
	}
	got, err := hex.DecodeString(q.Get("signature"))
	if err != nil {
		return ErrSignature
	}
	want, err := s.mac(ctx, path, exp)
	if err != nil {
		return err
	}
	if !hmac.Equal(got, want) {
		return ErrSignature
	}
	if now.Unix() >= exp {
		return ErrExpired
	}
	return nil
}
