package model

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Filter selects records for a View. Every set field must match (AND); the
// zero Filter matches every record. The class toggles (Classes) are kept
// apart from the typed Query, so that clearing one leaves the other.
type Filter struct {
	// Classes holds the wanted status classes; 0 means every class.
	Classes ClassSet
	// Codes holds the wanted HTTP statuses (0 for "no response"); empty
	// means every code.
	Codes []int
	// Operation is the wanted operation, compared case-insensitively;
	// "" means every operation.
	Operation string
	// Device is the wanted device: "ProductKey/DeviceName" matches exactly
	// (case-insensitively); a value without "/" matches either the
	// ProductKey or the DeviceName. "" means every device.
	Device string
	// Query is the typed filter expression (ParseQuery); nil means every
	// record.
	Query *Query
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	if f.Classes != 0 && !f.Classes.Has(r.Class()) {
		return false
	}
	if len(f.Codes) > 0 && !slices.Contains(f.Codes, r.Status) {
		return false
	}
	if f.Operation != "" && !strings.EqualFold(f.Operation, r.Operation) {
		return false
	}
	if f.Device != "" && !f.matchDevice(r) {
		return false
	}
	return f.Query.Match(r)
}

// fixedOnly reports whether Match reads only what a Log's slots hold (see
// Query.fixedOnly).
func (f *Filter) fixedOnly() bool {
	return f.Operation == "" && f.Device == "" && f.Query.fixedOnly()
}

// matchDevice applies the Device field.
func (f Filter) matchDevice(r *Record) bool {
	pk, dn, both := strings.Cut(f.Device, "/")
	if both {
		return strings.EqualFold(pk, r.ProductKey) && strings.EqualFold(dn, r.DeviceName)
	}
	return strings.EqualFold(f.Device, r.ProductKey) || strings.EqualFold(f.Device, r.DeviceName)
}

// IsZero reports whether the filter matches every record: no field set, or
// Classes holding every class and nothing else set.
func (f Filter) IsZero() bool {
	return (f.Classes == 0 || f.Classes&AllClasses == AllClasses) &&
		len(f.Codes) == 0 && f.Operation == "" && f.Device == "" && f.Query == nil
}

// Equal reports whether f and g select the same records by the same fields
// (Codes compared as sets of values in order, Query by Query.Equal).
func (f Filter) Equal(g Filter) bool {
	return f.Classes == g.Classes && slices.Equal(f.Codes, g.Codes) &&
		f.Operation == g.Operation && f.Device == g.Device && f.Query.Equal(g.Query)
}

// clone returns f with its own copy of Codes (a Query is immutable, so it
// is shared).
func (f Filter) clone() Filter {
	f.Codes = slices.Clone(f.Codes)
	return f
}

// statusText holds the statuses 0..999 as decimal text, so that matching
// text against a record's status builds no string.
var statusText = func() (t [1000]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// statusDigits is the status as decimal text. Only a status outside
// 0..999, which no HTTP response has, costs an allocation.
func statusDigits(status int) string {
	if status >= 0 && status < len(statusText) {
		return statusText[status]
	}
	return strconv.Itoa(status)
}

// containsFold reports whether substr is in s, ignoring case (Unicode simple
// folding, as strings.EqualFold). It does not allocate.
func containsFold(s, substr string) bool {
	n := len(substr)
	if n == 0 {
		return true
	}
	if n > len(s) {
		return false
	}
	c0 := substr[0]
	ascii := c0 < utf8.RuneSelf
	lo, up := toLowerASCII(c0), toUpperASCII(c0)
	for i := 0; i+n <= len(s); i++ {
		if ascii && s[i] != lo && s[i] != up && s[i] < utf8.RuneSelf {
			continue
		}
		if strings.EqualFold(s[i:i+n], substr) {
			return true
		}
	}
	return false
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func toUpperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// span is text read where it lies: a alone, or a+"/"+b when join is set
// (a device as ProductKey/DeviceName), so that matching builds no string.
// Like containsFold it compares byte runs of equal length, ignoring case.
type span struct {
	a, b string
	join bool
}

// size is the length of the text in bytes.
func (s span) size() int {
	if !s.join {
		return len(s.a)
	}
	return len(s.a) + 1 + len(s.b)
}

// eqAt reports whether seg is the text at byte i, ignoring case; the caller
// makes sure i+len(seg) <= s.size().
func (s span) eqAt(i int, seg string) bool {
	if !s.join {
		return strings.EqualFold(s.a[i:i+len(seg)], seg)
	}
	if i < len(s.a) {
		k := min(len(seg), len(s.a)-i)
		if !strings.EqualFold(s.a[i:i+k], seg[:k]) {
			return false
		}
		seg, i = seg[k:], i+k
	}
	if seg == "" {
		return true
	}
	if i == len(s.a) {
		if seg[0] != '/' {
			return false
		}
		seg, i = seg[1:], i+1
	}
	j := i - len(s.a) - 1
	return strings.EqualFold(s.b[j:j+len(seg)], seg)
}

// index returns the first byte i >= from where seg is found ending at or
// before end, or -1.
func (s span) index(from, end int, seg string) int {
	if seg == "" {
		return from
	}
	c0 := seg[0]
	ascii := c0 < utf8.RuneSelf
	lo, up := toLowerASCII(c0), toUpperASCII(c0)
	for i := from; i+len(seg) <= end; i++ {
		if ascii && !s.join && s.a[i] != lo && s.a[i] != up && s.a[i] < utf8.RuneSelf {
			continue
		}
		if s.eqAt(i, seg) {
			return i
		}
	}
	return -1
}

// glob is a pattern with * wildcards (each any run of bytes, possibly
// empty), split at its stars: the first part must begin the text, the last
// must end it, the others must come in order between. A glob of one part
// has no star: the whole text must equal it.
type glob []string

// compileGlob splits p at its stars, dropping the empty parts that runs of
// stars leave between them.
func compileGlob(p string) glob {
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return glob{p}
	}
	g := glob{parts[0]}
	for _, m := range parts[1 : len(parts)-1] {
		if m != "" {
			g = append(g, m)
		}
	}
	return append(g, parts[len(parts)-1])
}

// match reports whether the whole text s matches the pattern, ignoring
// case. Taking each middle part at its first place is enough: a star can
// always stretch over what a later place would have left.
func (g glob) match(s span) bool {
	n := s.size()
	if len(g) == 1 {
		if !s.join {
			return strings.EqualFold(s.a, g[0])
		}
		return n == len(g[0]) && s.eqAt(0, g[0])
	}
	first, last := g[0], g[len(g)-1]
	if len(first)+len(last) > n || !s.eqAt(0, first) || !s.eqAt(n-len(last), last) {
		return false
	}
	pos, end := len(first), n-len(last)
	for _, m := range g[1 : len(g)-1] {
		i := s.index(pos, end, m)
		if i < 0 {
			return false
		}
		pos = i + len(m)
	}
	return true
}

// regexLiterals finds literals one of which every match of src holds, as
// a cheap test before the regex runs: the literal prefix of each top-level
// alternative, cut to its longest run of ASCII without k or s (the only
// ASCII letters whose case folds reach beyond ASCII, where containsFold's
// byte lengths would differ). exact says src is its one literal.
func regexLiterals(src string) (lits []string, exact bool) {
	alts := splitAlternatives(src)
	for _, alt := range alts {
		re, err := regexp.Compile(alt)
		if err != nil {
			return nil, false
		}
		prefix, complete := re.LiteralPrefix()
		run := plainRun(prefix)
		if run == "" {
			return nil, false
		}
		lits = append(lits, run)
		// Anchors, flags and escapes (\A \z \b) change what a "complete"
		// literal means: such a regexp is always run.
		exact = len(alts) == 1 && complete && run == prefix && !strings.ContainsAny(alt, `^$(\`)
	}
	return lits, exact
}

// splitAlternatives cuts src at its top-level |, skipping escapes, \Q...\E,
// character classes and groups.
func splitAlternatives(src string) []string {
	var alts []string
	depth, last := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if strings.HasPrefix(src[i:], `\Q`) {
				e := strings.Index(src[i+2:], `\E`)
				if e < 0 {
					return append(alts, src[last:])
				}
				i += e + 3
			} else {
				i++
			}
		case '[':
			i = classEnd(src, i)
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				alts = append(alts, src[last:i])
				last = i + 1
			}
		}
	}
	return append(alts, src[last:])
}

// classEnd is the index of the ] closing the class opened at i.
func classEnd(src string, i int) int {
	j := i + 1
	if j < len(src) && src[j] == '^' {
		j++
	}
	if j < len(src) && src[j] == ']' {
		j++
	}
	for j < len(src) {
		switch {
		case src[j] == '\\':
			j += 2
			continue
		case strings.HasPrefix(src[j:], "[:"):
			if k := strings.Index(src[j+2:], ":]"); k >= 0 {
				j += k + 4
				continue
			}
		case src[j] == ']':
			return j
		}
		j++
	}
	return len(src)
}

// plainRun is the longest run of s in ASCII without k, K, s or S.
func plainRun(s string) string {
	best, start := "", 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] >= utf8.RuneSelf || strings.IndexByte("kKsS", s[i]) >= 0 {
			if i-start > len(best) {
				best = s[start:i]
			}
			start = i + 1
		}
	}
	return best
}
