package edgeclient

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"

	"edgetop/model"
)

// maskSuffix is what replaces the hidden part of a secret, as the API docs
// mask tokens ("e82c2e9b7f...******").
const maskSuffix = "******"

// tokenPrefixLen is how many characters of a token stay visible: enough to
// tell two cookies apart on screen, far too few to replay one.
const tokenPrefixLen = 8

// MaskToken returns tok with all but a short prefix replaced by "******".
// A value that is already masked is returned as is.
func MaskToken(tok string) string {
	if tok == "" || strings.HasSuffix(tok, maskSuffix) {
		return tok
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
// the password and the Basic credential (in the forms a gateway could echo
// them: as is, JSON-escaped, URL-escaped) and the newest tokens this client
// was issued. Writers lock; tokens change about once per cookie lifetime.
type secrets struct {
	mu     sync.RWMutex
	fixed  []secret // the credentials: never forgotten
	tokens []secret // the newest tokens, oldest first
}

type secret struct {
	value, masked string
}

// minSecretLen keeps very short passwords from turning every matching
// substring of a body into "******"; such passwords are still masked where
// they are known to be (Authorization headers).
const minSecretLen = 4

// maxTokens is how many issued tokens are remembered for masking. Older
// tokens are long gone from anything a gateway sends; a token in any
// "token=" assignment is masked whether it is known or not.
const maxTokens = 16

// addCredential registers the password or the Basic credential, with the
// escaped forms a gateway or proxy might echo it in.
func (s *secrets) addCredential(value string) {
	if len(value) < minSecretLen {
		return
	}
	forms := []string{value, url.QueryEscape(value), url.PathEscape(value)}
	// JSON as encoding/json writes it (HTML-escaped), as most encoders do
	// (not), and as Lua's cjson does on a gateway (with "\/").
	if b, err := json.Marshal(value); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(value) == nil {
		plain := strings.TrimSuffix(buf.String(), "\n")
		plain = plain[1 : len(plain)-1]
		forms = append(forms, plain, strings.ReplaceAll(plain, "/", `\/`))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range forms {
		if !slices.ContainsFunc(s.fixed, func(x secret) bool { return x.value == f }) {
			s.fixed = append(s.fixed, secret{f, maskSuffix})
		}
	}
}

// addToken registers a token the gateway issued, before anything that
// carries it is recorded.
func (s *secrets) addToken(tok string) {
	if len(tok) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(s.tokens, func(x secret) bool { return x.value == tok }) {
		return
	}
	if len(s.tokens) >= maxTokens {
		s.tokens = slices.Delete(s.tokens, 0, 1)
	}
	s.tokens = append(s.tokens, secret{tok, MaskToken(tok)})
}

// mask replaces every known secret in text and masks token assignments.
// It is idempotent: masking masked text changes nothing.
func (s *secrets) mask(text string) string {
	if text == "" {
		return ""
	}
	s.mu.RLock()
	for _, list := range [2][]secret{s.fixed, s.tokens} {
		for _, x := range list {
			if strings.Contains(text, x.value) {
				text = strings.ReplaceAll(text, x.value, x.masked)
			}
		}
	}
	s.mu.RUnlock()
	return maskTokenAssignments(text)
}

// maskRecord masks every field of r that holds text from the request or
// the network, with every secret known now. The client calls it as a
// record is reported, so a token registered while the answer was decoded
// (CreateAuthCookie) is masked in that very record.
func (s *secrets) maskRecord(r *model.Record) {
	r.Path = maskCookiePath(s.mask(r.Path))
	r.APICode = s.mask(r.APICode)
	r.APIMessage = s.mask(r.APIMessage)
	if r.Err != nil {
		e := *r.Err
		e.Text = s.mask(e.Text)
		r.Err = &e
	}
	r.Action.Detail = s.mask(r.Action.Detail)
	for _, hs := range [2][]model.Header{r.RequestHeaders, r.ResponseHeaders} {
		for i := range hs {
			hs[i].Name = s.mask(hs[i].Name)
			hs[i].Value = s.mask(hs[i].Value)
		}
	}
	for _, b := range [2]*model.Body{&r.RequestBody, &r.ResponseBody} {
		b.ContentType = s.mask(b.ContentType)
		b.Preview = s.mask(b.Preview)
	}
}
