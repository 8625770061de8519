package auth

import (
	"math"
	"slices"
	"strings"
)

// Weak literal tokens. A seed document may give a token's literal, and a
// literal someone typed is often guessable: short, made of few characters,
// or published. WeakToken says why a literal is weak, so that seeds can
// refuse it unless told otherwise (serve and seed --allow-weak-tokens).

// minTokenBody is the fewest characters a token may have after its prefix;
// GitHub's own have 36 (classic) to 82 (fine-grained).
const minTokenBody = 20

// minTokenBits is the least a token's characters may carry, estimated
// from their frequencies (Shannon entropy times length): a generated
// token's 36 base-62 characters carry about 190 bits by this measure.
const minTokenBits = 64

// wellKnownTokens are literals published where anyone reads them:
// seatkeeper's demo (documented in its README; the demo loads them with
// the allowance, internal/demo's tests keep this list in step with it) and
// the example in GitHub's REST documentation.
var wellKnownTokens = []string{
	"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",
	"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",
	"github_pat_demoFineGrainedSeatsToken000001Liqks",
	"ghs_demoInstallationSeatsToken000043w4Nd",
	"ghp_16C7e42F292c6912E7710c838347Ae178B4a",
}

// IsWellKnownToken reports whether tok is a published literal.
func IsWellKnownToken(tok string) bool { return slices.Contains(wellKnownTokens, tok) }

// WeakToken returns why the literal tok is guessable, or "" when it is
// not. The reason never quotes the token.
func WeakToken(tok string) string {
	body := tok
	if k, ok := KindOf(tok); ok {
		body = strings.TrimPrefix(tok, k.Prefix())
	}
	switch {
	case IsWellKnownToken(tok):
		return "it is published (seatkeeper's demo or GitHub's documentation)"
	case len(body) < minTokenBody:
		return "it has fewer than 20 characters after its prefix"
	case entropyBits(body) < minTokenBits:
		return "its characters repeat too much to be hard to guess"
	case sequential(body):
		return "its characters run in sequence"
	case repeats(body):
		return "it repeats a shorter text"
	}
	return ""
}

// entropyBits estimates the information in s from its characters'
// frequencies: Shannon entropy per character times the length.
func entropyBits(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	var perChar float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		perChar -= p * math.Log2(p)
	}
	return perChar * float64(n)
}

// sequential reports whether most neighbouring characters of s are one
// apart, as in abcdef… or 123456….
func sequential(s string) bool {
	steps := 0
	for i := 1; i < len(s); i++ {
		if d := int(s[i]) - int(s[i-1]); d == 1 || d == -1 {
			steps++
		}
	}
	return steps*2 > len(s)
}

// repeats reports whether s is a shorter text said at least three times
// over (the last time perhaps cut short).
func repeats(s string) bool {
	for p := 1; p*3 <= len(s); p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}
