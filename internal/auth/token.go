// Package auth is seatkeeper's access policy: the format of GitHub tokens,
// how they are hashed, which OAuth scopes imply which, and whether a
// principal meets a route's requirement. It knows nothing of HTTP or SQL.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Generate returns a new token of the given kind in GitHub's format: the
// kind's prefix, 30 random base62 characters and a 6-character base62
// encoding of the CRC32 of those 30 characters.
func Generate(kind seatkeeper.TokenKind) (string, error) {
	var b [30]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	body := make([]byte, 30)
	for i, c := range b {
		// 62*4 = 248: rejection would be exact, but the bias of a plain
		// modulo over 256 values is under 2% per character and harmless for
		// a 178-bit secret.
		body[i] = base62[int(c)%62]
	}
	return kind.Prefix() + string(body) + checksum(body), nil
}

// checksum encodes CRC32(body) in base62, left-padded to 6 characters.
func checksum(body []byte) string {
	n := crc32.ChecksumIEEE(body)
	out := []byte("000000")
	for i := 5; i >= 0 && n > 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out)
}

// WellFormed reports whether tok has a known prefix, 30 base62 characters and
// a matching checksum. Seeded literal tokens need not be well formed; this
// only lets callers reject typos before a lookup.
func WellFormed(tok string) bool {
	for _, k := range seatkeeper.TokenKinds {
		rest, ok := strings.CutPrefix(tok, k.Prefix())
		if !ok || len(rest) != 36 {
			continue
		}
		body := []byte(rest[:30])
		for _, c := range body {
			if strings.IndexByte(base62, c) < 0 {
				return false
			}
		}
		return checksum(body) == rest[30:]
	}
	return false
}

// KindOf infers a token's kind from its prefix; ok is false for an unknown
// prefix.
func KindOf(tok string) (seatkeeper.TokenKind, bool) {
	for _, k := range seatkeeper.TokenKinds {
		if strings.HasPrefix(tok, k.Prefix()) {
			return k, true
		}
	}
	return "", false
}

// Hash returns the hex SHA-256 of a token, the only form ever stored.
func Hash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Hint returns what listings may show of a token: its prefix and last four
// characters.
func Hint(tok string) string {
	prefix := ""
	if k, ok := KindOf(tok); ok {
		prefix = k.Prefix()
	}
	if len(tok) < len(prefix)+8 {
		return prefix + "…"
	}
	return prefix + "…" + tok[len(tok)-4:]
}
