package model

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The terms of a query: each compiles once at parse time and matches a
// record without allocating.

// classNode matches records by Record.Class.
type classNode struct {
	set  ClassSet
	name string
}

func (n classNode) match(r *Record) bool { return n.set.Has(r.Class()) }

// statusNode matches statuses in [lo, hi]; op and n are how it was typed
// ("" for a bare code, "-" for the range n-hi).
type statusNode struct {
	op     string
	n      int
	lo, hi int
}

func (n statusNode) match(r *Record) bool { return n.lo <= r.Status && r.Status <= n.hi }

func (n statusNode) write(b *strings.Builder) {
	switch {
	case n.op == "-":
		b.WriteString(strconv.Itoa(n.lo) + "-" + strconv.Itoa(n.hi))
	case n.op == "" && (n.n == 0 || n.n >= 100):
		b.WriteString(strconv.Itoa(n.n))
	case n.op == "":
		b.WriteString("=" + strconv.Itoa(n.n))
	default:
		b.WriteString(n.op + strconv.Itoa(n.n))
	}
}

// durNode compares Record.Duration with d.
type durNode struct {
	op string
	d  time.Duration
}

func (n durNode) match(r *Record) bool {
	switch n.op {
	case ">":
		return r.Duration > n.d
	case ">=":
		return r.Duration >= n.d
	case "<":
		return r.Duration < n.d
	case "<=":
		return r.Duration <= n.d
	}
	return r.Duration == n.d
}

// fmtDur is d as Go duration text without the zero tails: 5m, not 5m0s.
func fmtDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// timeNode keeps records that started at or after t (since, last) or at
// or before it (until); text is the value as String writes it.
type timeNode struct {
	field string // "since", "until" or "last"
	text  string
	t     time.Time
}

func (n timeNode) match(r *Record) bool {
	if n.field == "until" {
		return !r.Start.After(n.t)
	}
	return !r.Start.Before(n.t)
}

func (n timeNode) write(b *strings.Builder, res bool) {
	b.WriteString(n.field + ":" + n.text)
	if res {
		b.WriteString("@" + n.t.UTC().Format(time.RFC3339Nano))
	}
}

// The fields a strNode reads.
const (
	fieldOp = iota
	fieldDev
	fieldCode
	fieldMethod
	fieldKind
	fieldPath
	fieldGw
	fieldMsg
)

// strNode matches one text field of a record (name:value).
type strNode struct {
	field  int
	name   string
	val    string // as typed (unquoted)
	quoted bool
	g      glob // nil for a substring of path, gw or msg
}

func (n *strNode) match(r *Record) bool {
	switch n.field {
	case fieldDev:
		if r.ProductKey == "" && r.DeviceName == "" {
			return n.val == ""
		}
		return n.val != "" && (n.g.match(span{a: r.DeviceName}) || n.g.match(span{a: r.ProductKey}) ||
			n.g.match(span{a: r.ProductKey, b: r.DeviceName, join: true}))
	case fieldKind:
		if r.Err == nil {
			return n.val == ""
		}
		return n.is(string(r.Err.Kind))
	case fieldOp:
		return n.is(r.Operation)
	case fieldCode:
		return n.is(r.APICode)
	case fieldMethod:
		return n.is(r.Method)
	case fieldPath:
		return n.is(r.Path)
	case fieldGw:
		return n.is(r.Gateway)
	}
	return n.is(r.APIMessage)
}

// is applies the value to one field's text.
func (n *strNode) is(s string) bool {
	switch {
	case n.val == "":
		return s == ""
	case n.g == nil:
		return containsFold(s, n.val)
	}
	return n.g.match(span{a: s})
}

func (n *strNode) write(b *strings.Builder) {
	b.WriteString(n.name + ":")
	// A bare value is never quoted in the text; a quoted one reads back
	// the same bare unless it has a star (a wildcard when bare) or a
	// character that ends a word.
	if n.val != "" && (!n.quoted || !strings.ContainsFunc(n.val, func(r rune) bool { return r == '*' || endsWord(r) })) {
		b.WriteString(n.val)
		return
	}
	writeQuoted(b, n.val)
}

// textNode is free text: a substring (or, with a bare word's stars, an
// unanchored glob) of any searchable field.
type textNode struct {
	text  string
	g     glob // nil without a wildcard
	slash bool // the text has a "/": try ProductKey/DeviceName too
}

func (n *textNode) in(s span) bool {
	if n.g != nil {
		return n.g.match(s)
	}
	if !s.join {
		return containsFold(s.a, n.text)
	}
	return s.index(0, s.size(), n.text) >= 0
}

func (n *textNode) has(s string) bool {
	if n.g == nil {
		return containsFold(s, n.text)
	}
	return n.g.match(span{a: s})
}

func (n *textNode) match(r *Record) bool {
	if n.has(r.Operation) || n.has(r.Path) || n.has(r.Method) || n.has(r.ProductKey) ||
		n.has(r.DeviceName) || n.has(r.APICode) || n.has(r.APIMessage) || n.has(statusDigits(r.Status)) {
		return true
	}
	if n.slash && r.ProductKey != "" && n.in(span{a: r.ProductKey, b: r.DeviceName, join: true}) {
		return true
	}
	return r.Err != nil && (n.has(string(r.Err.Kind)) || n.has(r.Err.Text))
}

func (n *textNode) write(b *strings.Builder) {
	if isBareText(n.text, n.g != nil) {
		b.WriteString(n.text)
		return
	}
	writeQuoted(b, n.text)
}

// regexNode is a /regex/ tried on each non-empty searchable field alone.
// lits, when set, are literals one of which every match holds (ignoring
// case): a field without any is skipped without running the regex; exact
// says the regex is its one literal, so finding it is the match.
type regexNode struct {
	src   string
	re    *regexp.Regexp
	lits  []string
	exact bool
}

func (n *regexNode) has(s string) bool {
	if s == "" {
		return false
	}
	if len(n.lits) > 0 {
		found := false
		for _, l := range n.lits {
			if containsFold(s, l) {
				found = true
				break
			}
		}
		if !found || n.exact {
			return found
		}
	}
	return n.re.MatchString(s)
}

func (n *regexNode) match(r *Record) bool {
	if n.has(r.Operation) || n.has(r.Path) || n.has(r.Method) || n.has(r.ProductKey) ||
		n.has(r.DeviceName) || n.has(r.APICode) || n.has(r.APIMessage) || n.has(statusDigits(r.Status)) {
		return true
	}
	return r.Err != nil && (n.has(string(r.Err.Kind)) || n.has(r.Err.Text))
}

func (n *regexNode) write(b *strings.Builder) {
	b.WriteByte('/')
	for i := 0; i < len(n.src); i++ {
		switch c := n.src[i]; {
		case c == '\\' && i+1 < len(n.src):
			b.WriteString(n.src[i : i+2])
			i++
		case c == '/':
			b.WriteString(`\/`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('/')
}

// writeQuoted writes s in double quotes, escaping quotes and backslashes.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// endsWord reports whether r ends a bare word.
func endsWord(r rune) bool { return r == '(' || r == ')' || r == '"' || unicode.IsSpace(r) }

// isBareText reports whether text, written without quotes, reads back as
// the same free-text term (not a keyword, class, status, field, regex or
// operator, and with the same wildcards).
func isBareText(text string, wild bool) bool {
	p := &parser{src: text}
	toks := p.lex()
	if len(toks) != 2 || toks[1].kind != tokEOF {
		return false
	}
	n := toks[0].n
	return n != nil && n.op == opText && n.text.text == text && (n.text.g != nil) == wild
}

// newText compiles free text; wild says a * in it is a wildcard (a bare
// word, not a quoted phrase).
func newText(s string, wild bool) *textNode {
	n := &textNode{text: s, slash: strings.Contains(s, "/")}
	if wild && strings.Contains(s, "*") {
		n.g = compileGlob("*" + s + "*")
	}
	return n
}

// word reads a bare word: an operator, a class, a status, a field term
// (name:value) or free text.
func (p *parser) word() (token, *QueryError) {
	start := p.pos
	p.pos = p.wordEnd(start)
	w := p.src[start:p.pos]
	if i := strings.IndexByte(w, ':'); i >= 0 {
		return p.field(start, w[:i], start+i+1)
	}
	lw := strings.ToLower(w)
	switch lw {
	case "and":
		return token{kind: tokAnd, pos: start, end: p.pos}, nil
	case "or":
		return token{kind: tokOr, pos: start, end: p.pos}, nil
	case "not":
		return token{kind: tokNot, pos: start, end: p.pos}, nil
	}
	if c, ok := classTerms[lw]; ok {
		return p.term(start, &node{op: opClass, class: c}), nil
	}
	if isDigits(w) && (w == "0" || len(w) == 3 && w[0] != '0') {
		n, _ := statusNum(w)
		return p.term(start, &node{op: opStatus, status: statusNode{n: n, lo: n, hi: n}}), nil
	}
	if a, b, ok := strings.Cut(w, "-"); ok && isDigits(a) && isDigits(b) && len(a) <= 3 && len(b) <= 3 {
		n, msg := statusRange(a, b)
		if msg != "" {
			return token{}, &QueryError{Pos: start, End: p.pos, Msg: msg}
		}
		return p.term(start, n), nil
	}
	return p.term(start, &node{op: opText, text: newText(w, true)}), nil
}

// classTerms are the class keywords; net is the screen's name for err.
var classTerms = map[string]classNode{
	"1xx":    {1 << Class1xx, "1xx"},
	"2xx":    {1 << Class2xx, "2xx"},
	"3xx":    {1 << Class3xx, "3xx"},
	"4xx":    {1 << Class4xx, "4xx"},
	"5xx":    {1 << Class5xx, "5xx"},
	"err":    {1 << ClassNet, "err"},
	"net":    {1 << ClassNet, "err"},
	"errors": {1<<Class4xx | 1<<Class5xx | 1<<ClassNet, "errors"},
}

// stringFields maps the text fields' names to what they read.
var stringFields = map[string]int{
	"op": fieldOp, "dev": fieldDev, "code": fieldCode, "method": fieldMethod,
	"kind": fieldKind, "path": fieldPath, "gw": fieldGw, "msg": fieldMsg,
}

const fieldList = "op, dev, code, method, path, gw, msg, kind, status, since, until or last"

// errKinds are the values kind: accepts without a wildcard.
var errKinds = []ErrKind{ErrRefused, ErrDNS, ErrTimeout, ErrTLS, ErrReset, ErrCanceled, ErrMalformed, ErrTruncated, ErrOther}

// field reads name:value, the value bare or quoted, starting at vs.
func (p *parser) field(start int, name string, vs int) (token, *QueryError) {
	lname := strings.ToLower(name)
	f, isString := stringFields[lname]
	if !isString && lname != "status" && lname != "since" && lname != "until" && lname != "last" {
		msg := "unknown field " + strconv.Quote(name) + ": want " + fieldList
		if name == "" {
			msg = "want a field name before : (" + fieldList + "); quote text that has a colon"
		}
		return token{}, &QueryError{Pos: start, End: start + len(name) + 1, Msg: msg}
	}
	val, quoted := p.src[vs:p.pos], false
	if vs == p.pos && p.pos < len(p.src) && p.src[p.pos] == '"' {
		s, err := p.quoted()
		if err != nil {
			return token{}, err
		}
		val, quoted = s, true
	}
	fail := func(msg string) (token, *QueryError) {
		return token{}, &QueryError{Pos: vs, End: max(p.pos, vs), Msg: msg}
	}
	switch {
	case val == "" && (!quoted || !isString):
		return token{}, &QueryError{Pos: start, End: p.pos, Msg: "want a value after " + lname + ":"}
	case lname == "status":
		n, msg := statusValue(val)
		if msg != "" {
			return fail(msg)
		}
		return p.term(start, n), nil
	case !isString:
		n, msg := p.timeValue(lname, val)
		if msg != "" {
			return fail(msg)
		}
		return p.term(start, n), nil
	}
	n, msg := newStrNode(f, lname, val, quoted)
	if msg != "" {
		return fail(msg)
	}
	return p.term(start, &node{op: opStr, str: n}), nil
}

// newStrNode compiles a text field's value: op, dev, code, method and kind
// compare whole values, path, gw and msg look for a substring, and a bare
// value's stars make either a whole-value glob.
func newStrNode(f int, name, val string, quoted bool) (*strNode, string) {
	n := &strNode{field: f, name: name, val: val, quoted: quoted}
	switch {
	case val == "":
	case quoted && f < fieldPath:
		n.g = glob{val}
	case !quoted && (f < fieldPath || strings.Contains(val, "*")):
		n.g = compileGlob(val)
	}
	if f == fieldKind && len(n.g) == 1 && !slices.ContainsFunc(errKinds, func(k ErrKind) bool { return strings.EqualFold(string(k), val) }) {
		return nil, "unknown kind " + strconv.Quote(val) + ": want refused, dns, timeout, tls, reset, canceled, malformed, truncated or other"
	}
	return n, ""
}

// statusValue compiles status:'s value: a code, a comparison or a range.
func statusValue(v string) (*node, string) {
	const want = "want a status after status:, e.g. status:421, status:>=500 or status:400-499"
	if strings.ContainsRune("<>=", rune(v[0])) {
		op := cmpOp(v)
		if !isDigits(v[len(op):]) {
			return nil, want
		}
		return compare(op, v[len(op):])
	}
	if a, b, ok := strings.Cut(v, "-"); ok && isDigits(a) && isDigits(b) {
		return statusRange(a, b)
	}
	n, ok := statusNum(v)
	if !ok || !isDigits(v) {
		return nil, want
	}
	return &node{op: opStatus, status: statusNode{n: n, lo: n, hi: n}}, ""
}

// statusRange compiles lo-hi.
func statusRange(a, b string) (*node, string) {
	lo, okLo := statusNum(a)
	hi, okHi := statusNum(b)
	switch {
	case !okLo || !okHi:
		return nil, "want statuses from 0 to 999 in a range, e.g. 400-499"
	case lo > hi:
		return nil, "the range runs backwards: write " + b + "-" + a
	}
	return &node{op: opStatus, status: statusNode{op: "-", lo: lo, hi: hi}}, ""
}

// timeValue compiles since:, until: (a time of day or an RFC 3339 time)
// and last: (a duration back from ref).
func (p *parser) timeValue(field, v string) (*node, string) {
	if field == "last" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, "want a duration after last:, e.g. last:5m or last:2h"
		}
		return &node{op: opTime, tm: timeNode{field: field, text: fmtDur(d), t: p.ref.Add(-d)}}, ""
	}
	if h, m, s, secs, ok := parseClock(v); ok {
		ref := p.ref
		t := time.Date(ref.Year(), ref.Month(), ref.Day(), h, m, s, 0, ref.Location())
		if t.After(ref) {
			t = time.Date(ref.Year(), ref.Month(), ref.Day()-1, h, m, s, 0, ref.Location())
		}
		text := two(h) + ":" + two(m)
		if secs {
			text += ":" + two(s)
		}
		return &node{op: opTime, tm: timeNode{field: field, text: text, t: t}}, ""
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &node{op: opTime, tm: timeNode{field: field, text: t.Format(time.RFC3339Nano), t: t}}, ""
	}
	return nil, "want a time after " + field + ":, e.g. " + field + ":06:25, " + field + ":06:25:30 or " + field + ":2026-12-01T06:25:00Z"
}

// parseClock reads H:MM or H:MM:SS (hours 0-23).
func parseClock(v string) (h, m, s int, secs, ok bool) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) > 2 {
		return 0, 0, 0, false, false
	}
	var n [3]int
	for i, part := range parts {
		if !isDigits(part) || i > 0 && len(part) != 2 {
			return 0, 0, 0, false, false
		}
		n[i], _ = strconv.Atoi(part)
	}
	if n[0] > 23 || n[1] > 59 || n[2] > 59 {
		return 0, 0, 0, false, false
	}
	return n[0], n[1], n[2], len(parts) == 3, true
}

func two(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
