package edgeclient

import (
	"strings"
	"sync"
)

// maskSuffix is what replaces the hidden part of a secret, as the API docs
// mask tokens ("e82c2e9b7f...******").
const maskSuffix = "******"

// tokenPrefixLen is how many characters of a token stay visible: enough to
// tell two cookies apart on screen, far too few to replay one.
const tokenPrefixLen = 8

// MaskToken returns tok with all but a short prefix replaced by "******".
func MaskToken(tok string) string {
	if tok == "" {
		return ""
	}
	if len(tok) <= tokenPrefixLen*2 {
		return maskSuffix
	}
	return tok[:tokenPrefixLen] + maskSuffix
}

// maskAuthorization keeps the scheme of an Authorization value and hides the
// credentials ("Basic ******").
func maskAuthorization(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 {
		return v[:i+1] + maskSuffix
	}
	return maskSuffix
}

// maskTokenAssignments masks the value of every "token=" pair in s (Cookie
// and Set-Cookie values, bodies, error texts).
func maskTokenAssignments(s string) string {
	const key = "token="
	if !strings.Contains(s, key) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, key)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+len(key)])
		s = s[i+len(key):]
		end := strings.IndexAny(s, "; \t\r\n\",&")
		if end < 0 {
			end = len(s)
		}
		b.WriteString(MaskToken(s[:end]))
		s = s[end:]
	}
}

// maskCookiePath masks the token in a DeleteAuthCookie path
// (".../auth/cookies/{Token}"), whoever's token it is: the client masks
// the tokens it knows anywhere, but a Raw call may name one it never held.
func maskCookiePath(p string) string {
	const seg = "/auth/cookies/"
	i := strings.Index(p, seg)
	if i < 0 {
		return p
	}
	rest := p[i+len(seg):]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if end == 0 || strings.Contains(rest[:end], maskSuffix) {
		return p
	}
	return p[:i+len(seg)] + MaskToken(rest[:end]) + rest[end:]
}

// secrets is the set of strings that must never reach a Record in clear:
// the password, the Basic credential and every token this client has held.
// Readers take a snapshot; writers copy (tokens change once an hour).
type secrets struct {
	mu   sync.RWMutex
	list []secret
}

type secret struct {
	value, masked string
}

// minSecretLen keeps very short passwords from turning every matching
// substring of a body into "******"; such passwords are still masked where
// they are known to be (Authorization headers).
const minSecretLen = 4

func (s *secrets) add(value, masked string) {
	if len(value) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.list {
		if x.value == value {
			return
		}
	}
	// Keep the list short: the newest tokens matter, old ones are long gone
	// from any response the gateway sends.
	const maxSecrets = 16
	if len(s.list) >= maxSecrets {
		s.list = append(s.list[:2:2], s.list[3:]...) // keep password and credential
	}
	s.list = append(s.list, secret{value, masked})
}

// mask replaces every known secret in text and masks token assignments.
func (s *secrets) mask(text string) string {
	if text == "" {
		return ""
	}
	s.mu.RLock()
	for _, x := range s.list {
		if strings.Contains(text, x.value) {
			text = strings.ReplaceAll(text, x.value, x.masked)
		}
	}
	s.mu.RUnlock()
	return maskTokenAssignments(text)
}
