package edgeclient

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

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
// them: as is, JSON-escaped, URL-escaped, base64, padded or not), every
// token CreateAuthCookie issued (the newest maxTokens), and the values of
// other cookies the gateway set (the newest maxCookies, kept apart so that
// a gateway setting many cookies cannot push the real token out). Writers
// lock; secrets change about once per cookie lifetime.
type secrets struct {
	mu      sync.RWMutex
	fixed   []secret // the credentials: never forgotten
	tokens  []secret // the newest auth tokens, oldest first
	cookies []secret // the newest other cookie values, oldest first
}

type secret struct {
	value, lower, masked string
}

// minSecretLen keeps very short passwords from turning every matching
// substring of a body into "******"; such passwords are still masked where
// they are known to be (Authorization headers).
const minSecretLen = 4

// maxTokens and maxCookies are how many issued tokens and other cookie
// values are remembered for masking. Older tokens are long gone from
// anything a gateway sends; a token in any "token=" assignment is masked
// whether it is known or not.
const (
	maxTokens  = 64
	maxCookies = 16
)

// previewMargin is how much more of a body than BodyPreviewMax a record
// holds until it is masked: a secret that straddles the preview's end is
// masked whole, then the preview is cut.
const previewMargin = 1024

// Caps on the API's Code and Message in a record (a body can be 8 MiB),
// and on the response headers net/http reads at all.
const (
	maxAPICode             = 256
	maxAPIMessage          = 2048
	maxResponseHeaderBytes = 64 << 10
)

func newSecret(value, masked string) secret {
	return secret{value: value, lower: asciiLower(value), masked: masked}
}

// addCredential registers the password or the Basic credential, with the
// escaped and encoded forms a gateway or proxy might echo it in.
func (s *secrets) addCredential(value string) {
	if len(value) < minSecretLen {
		return
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(value))
	forms := []string{
		value, url.QueryEscape(value), url.PathEscape(value),
		b64, strings.TrimRight(b64, "="), base64.RawURLEncoding.EncodeToString([]byte(value)),
	}
	if strings.TrimRight(value, "=") != value {
		forms = append(forms, strings.TrimRight(value, "=")) // a base64 credential without its padding
	}
	// Matching folds ASCII case only (offsets must stay put): a password
	// with other letters is also looked for upper- and lower-cased whole,
	// as a gateway that shouts or whispers it back would write it.
	for _, f := range []string{strings.ToUpper(value), strings.ToLower(value)} {
		if asciiLower(f) != asciiLower(value) {
			forms = append(forms, f)
		}
	}
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
		if len(f) >= minSecretLen && !slices.ContainsFunc(s.fixed, func(x secret) bool { return x.value == f }) {
			s.fixed = append(s.fixed, newSecret(f, maskSuffix))
		}
	}
}

// addToken registers a token CreateAuthCookie issued, before anything that
// carries it is recorded.
func (s *secrets) addToken(tok string) { s.remember(&s.tokens, tok, maxTokens) }

// addCookie registers the value of another cookie the gateway set.
func (s *secrets) addCookie(v string) { s.remember(&s.cookies, v, maxCookies) }

func (s *secrets) remember(list *[]secret, v string, most int) {
	if len(v) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(*list, func(x secret) bool { return x.value == v }) {
		return
	}
	if len(*list) >= most {
		*list = slices.Delete(*list, 0, 1)
	}
	*list = append(*list, newSecret(v, MaskToken(v)))
}

// mask replaces every known secret in text, ignoring ASCII case, and masks
// token assignments. When the text holds what a terminal would drop
// (escape sequences, controls, bidi and zero-width characters), it is also
// checked as it would read once those are gone: a secret split by them is
// masked, and the text returned without them. So is a text with escapes
// written out (`\x1b`, `\u202e`, `\u0048`: Go's %q in an error quoting
// what a gateway sent, a JSON body; `%48` in a URL, every byte encoded),
// read with them decoded, up to unquoteRounds levels deep. It is idempotent: masking masked text
// changes nothing.
func (s *secrets) mask(text string) string {
	if text == "" {
		return ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	masked := s.maskPlain(text)
	if !mayHideText(masked) && !strings.ContainsAny(masked, `\%`) {
		return masked
	}
	joined := joinHidden(masked)
	for round := 0; ; round++ {
		if again := s.maskPlain(joined); again != joined {
			return again
		}
		u := unquoteEscapes(joined)
		if round == unquoteRounds || u == joined {
			return masked
		}
		joined = joinHidden(u)
	}
}

// unquoteRounds is how many levels of written-out escapes mask decodes: a
// JSON body's \u0048 quoted again by an error's %q is two.
const unquoteRounds = 2

// unquoteEscapes decodes the escapes Go, JSON and C write out (\xHH,
// \uHHHH, \UHHHHHHHH, three octal digits, \a \b \f \n \r \t \v, and
// \\ \" \' \/) and a URL's %HH, one level; anything else stays as it is.
func unquoteEscapes(s string) string {
	if !strings.ContainsAny(s, `\%`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		c := s[i+1]
		if r, n, ok := hexEscape(s[i+1:]); ok {
			if c == 'x' {
				b.WriteByte(byte(r))
			} else {
				b.WriteRune(rune(r))
			}
			i += n
			continue
		}
		if c >= '0' && c <= '3' && i+3 < len(s) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((c-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		if k := strings.IndexByte(`abfnrtv\"'/`, c); k >= 0 {
			b.WriteByte("\a\b\f\n\r\t\v\\\"'/"[k])
			i++
			continue
		}
		b.WriteByte('\\')
	}
	return b.String()
}

// hexEscape reads x HH, u HHHH or U HHHHHHHH at the start of s (after a
// backslash): the value and how many bytes it took.
func hexEscape(s string) (v uint64, n int, ok bool) {
	digits := 0
	switch s[0] {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	}
	if digits == 0 || len(s) < 1+digits {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(s[1:1+digits], 16, 32)
	if err != nil || s[0] == 'U' && v > utf8.MaxRune {
		return 0, 0, false
	}
	return v, 1 + digits, true
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// maskPlain replaces the known secrets, whatever their ASCII case, and the
// token assignments in text; the caller holds mu.
func (s *secrets) maskPlain(text string) string {
	lower := asciiLower(text)
	for _, list := range [3][]secret{s.fixed, s.tokens, s.cookies} {
		for _, x := range list {
			if strings.Contains(lower, x.lower) {
				text = replaceFold(text, lower, x)
				lower = asciiLower(text)
			}
		}
	}
	return maskTokenAssignments(text)
}

// replaceFold replaces x in text (lower is asciiLower(text)) whatever the
// ASCII case.
func replaceFold(text, lower string, x secret) string {
	var b strings.Builder
	for i := 0; ; {
		j := strings.Index(lower[i:], x.lower)
		if j < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		b.WriteString(text[i : i+j])
		b.WriteString(x.masked)
		i += j + len(x.lower)
	}
}

// asciiLower is s with A-Z in lower case and every other byte as it is, so
// that offsets in it are offsets in s (strings.ToLower can change the
// length of non-ASCII text).
func asciiLower(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// mayHideText reports whether s holds a byte that could be, or start,
// something a terminal does not show: a control (but '\n' and '\t'), DEL,
// or any non-ASCII byte.
func mayHideText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return true
		}
	}
	return false
}

// joinHidden removes what a terminal would not show, so that text split by
// it reads as it would on screen: escape sequences (removed by ansi.Strip,
// as the screen's sanitiser removes them, so both agree on where one
// ends), then C0 controls (but '\n' and '\t'), DEL, C1 controls, bidi
// controls, zero-width characters and invalid bytes. It removes at least
// what the sanitiser removes (the sanitiser shows some invalid bytes as
// U+FFFD), so nothing it joins is missed; ui/termtext's FuzzMaskedOnScreen
// checks that.
func joinHidden(s string) string {
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 || hiddenRune(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hiddenRune reports the runes a terminal does not show.
func hiddenRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidi controls
	case r >= 0x200b && r <= 0x200d, r >= 0x2060 && r <= 0x2064, r == 0xfeff, r == 0x00ad, r == 0x034f, r == 0x180e:
		return true // zero-width characters and the soft hyphen
	}
	return false
}

// maskRecord masks every field of r that holds text from the request or
// the network, with every secret known now, then cuts what is bounded (a
// body preview, the API's Code and Message) so that no secret is left half
// shown at a cut. The client calls it as a record is reported, so a token
// registered while the answer was decoded (CreateAuthCookie) is masked in
// that very record.
func (s *secrets) maskRecord(r *model.Record) {
	r.Gateway = s.mask(r.Gateway)
	r.Path = maskCookiePath(s.mask(r.Path))
	r.ProductKey = s.mask(r.ProductKey)
	r.DeviceName = s.mask(r.DeviceName)
	r.APICode = cutText(s.mask(r.APICode), maxAPICode)
	r.APIMessage = cutText(s.mask(r.APIMessage), maxAPIMessage)
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
	// Cut after masking, so that no cut leaves part of a secret unmasked.
	var cut int
	r.ResponseHeaders, cut = capHeaders(r.ResponseHeaders)
	r.HeadersCut += cut
	for _, b := range [2]*model.Body{&r.RequestBody, &r.ResponseBody} {
		b.ContentType = s.mask(b.ContentType)
		b.Preview = s.mask(b.Preview)
		if len(b.Preview) > model.BodyPreviewMax {
			b.Preview, b.Truncated = cutText(b.Preview, model.BodyPreviewMax), true
		}
	}
}

// capHeaders keeps at most model.HeadersMax bytes of header lines, each
// value cut at model.HeaderValueMax, and says how many lines it left out.
func capHeaders(hs []model.Header) ([]model.Header, int) {
	size := 0
	for i := range hs {
		if len(hs[i].Value) > model.HeaderValueMax {
			hs[i].Value = cutText(hs[i].Value, model.HeaderValueMax) + "…"
		}
		hs[i].Name = cutText(hs[i].Name, model.HeaderValueMax)
		if size += len(hs[i].Name) + len(hs[i].Value); size > model.HeadersMax {
			return hs[:i:i], len(hs) - i
		}
	}
	return hs, 0
}

// cutText cuts s to at most n bytes at a rune boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
