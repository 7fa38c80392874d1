package model

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query is a compiled filter expression: what an operator types at the /
// prompt, in --filter and in --fail-on. Everything is resolved when it is
// parsed (values, globs, regular expressions, times), so Match neither
// allocates nor compiles. A Query is immutable, and safe to share.
//
// The grammar, in short (keywords, field names and values are
// case-insensitive):
//
//	classes   2xx 3xx 4xx 5xx 1xx, err (transport error; also net), errors (4xx, 5xx or err)
//	statuses  421, 0 (no response), >=500 >499 <400 <=399 =404, 400-499
//	latency   >200ms >=1s <50ms =1.5s (a comparison with a duration unit)
//	fields    op: dev: code: method: kind: (whole value, * globs);
//	          path: gw: msg: (substring, or a whole-value glob with *);
//	          status: (the status forms); "" selects an empty field
//	time      since:06:25 since:06:25:30 since:2026-12-01T06:25:00Z, until: alike, last:5m
//	text      a word or a "quoted phrase": a substring of any searchable field
//	          (a bare word's * is a wildcard); /regex/ on each field alone
//	combine   not (or !) > and (or nothing) > or, and parentheses
type Query struct {
	root *node
	str  string // the canonical text
	key  string // the canonical text with time terms resolved, for Equal
}

// QueryError is a mistake in a query: Pos and End are the byte offsets of
// the wrong part of the text, Msg says what is wrong in a few plain words.
type QueryError struct {
	Pos, End int
	Msg      string
	col      int // 1-based column of Pos in runes
}

// Error is "column N: msg", N counting runes from 1.
func (e *QueryError) Error() string {
	col := e.col
	if col == 0 {
		col = e.Pos + 1
	}
	return "column " + strconv.Itoa(col) + ": " + e.Msg
}

// ParseQuery compiles src. ref is "now" for the time terms: since:HH:MM is
// that time on ref's date in ref's location (the day before when that is
// after ref), and last:5m means since ref minus 5 minutes, resolved here
// once. An empty or all-blank src is no query: nil and no error. The error
// is a *QueryError.
func ParseQuery(src string, ref time.Time) (*Query, error) {
	p := &parser{src: src, ref: ref}
	root, err := p.parse()
	if err != nil {
		err.col = utf8.RuneCountInString(src[:err.Pos]) + 1
		return nil, err
	}
	if root == nil {
		return nil, nil
	}
	var b, k strings.Builder
	root.write(&b, false)
	root.write(&k, true)
	return &Query{root: root, str: b.String(), key: k.String()}, nil
}

// String is the canonical text of the query ("" for nil): parsing it again
// with the same ref gives a Query with the same String that matches the
// same records.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	return q.str
}

// Match reports whether r passes the query; a nil Query passes every
// record. It does not allocate.
func (q *Query) Match(r *Record) bool {
	return q == nil || q.root.match(r)
}

// fixedOnly reports whether the query reads only a record's ID, Start,
// Duration, Status and whether Err is set: what a Log matches without
// decoding the rest.
func (q *Query) fixedOnly() bool { return q == nil || q.root.fixedOnly() }

func (n *node) fixedOnly() bool {
	switch n.op {
	case opAnd, opOr, opNot:
		for _, x := range n.kids {
			if !x.fixedOnly() {
				return false
			}
		}
		return true
	case opClass, opStatus, opDur, opTime:
		return true
	}
	return false
}

// Equal reports whether q and o have the same canonical text and their
// time terms resolved to the same instants (nil equals nil): last:5m typed
// now and an hour ago are different queries.
func (q *Query) Equal(o *Query) bool {
	if q == nil || o == nil {
		return q == o
	}
	return q.str == o.str && q.key == o.key
}

// node is one operator or term of a compiled query: op says which, and
// the one field that goes with it is set. It is a concrete type walked by
// a switch, not an interface, so that escape analysis sees Match keep no
// pointer to the record: a caller's Record on the stack stays there (an
// interface call would move every record passed to Filter.Match to the
// heap, Log.Append's included).
type node struct {
	op     nodeOp
	kids   []*node // the parts of an and or an or (never one of the same op: join flattens them), or what not negates
	class  classNode
	status statusNode
	dur    durNode
	tm     timeNode
	str    *strNode
	text   *textNode
	regex  *regexNode
}

type nodeOp uint8

const (
	opAnd nodeOp = iota
	opOr
	opNot
	opClass
	opStatus
	opDur
	opTime
	opStr
	opText
	opRegex
)

func (n *node) match(r *Record) bool {
	switch n.op {
	case opAnd:
		for _, x := range n.kids {
			if !x.match(r) {
				return false
			}
		}
		return true
	case opOr:
		for _, x := range n.kids {
			if x.match(r) {
				return true
			}
		}
		return false
	case opNot:
		return !n.kids[0].match(r)
	case opClass:
		return n.class.match(r)
	case opStatus:
		return n.status.match(r)
	case opDur:
		return n.dur.match(r)
	case opTime:
		return n.tm.match(r)
	case opStr:
		return n.str.match(r)
	case opText:
		return n.text.match(r)
	}
	return n.regex.match(r)
}

// write appends the canonical text; resolved writes time terms as the
// instants they stand for.
func (n *node) write(b *strings.Builder, res bool) {
	switch n.op {
	case opAnd:
		writeList(b, n.kids, " and ", precAnd, res)
	case opOr:
		writeList(b, n.kids, " or ", precOr, res)
	case opNot:
		b.WriteString("not ")
		writeIn(b, n.kids[0], precTerm, res)
	case opClass:
		b.WriteString(n.class.name)
	case opStatus:
		n.status.write(b)
	case opDur:
		b.WriteString(n.dur.op + fmtDur(n.dur.d))
	case opTime:
		n.tm.write(b, res)
	case opStr:
		n.str.write(b)
	case opText:
		n.text.write(b)
	case opRegex:
		n.regex.write(b)
	}
}

// Operator precedence, loosest first, for the parentheses String needs.
const (
	precOr = iota + 1
	precAnd
	precTerm
)

func precOf(n *node) int {
	switch n.op {
	case opOr:
		return precOr
	case opAnd:
		return precAnd
	}
	return precTerm
}

// writeIn writes n, in parentheses when it binds more loosely than prec.
func writeIn(b *strings.Builder, n *node, prec int, res bool) {
	if precOf(n) >= prec {
		n.write(b, res)
		return
	}
	b.WriteByte('(')
	n.write(b, res)
	b.WriteByte(')')
}

func writeList(b *strings.Builder, parts []*node, sep string, prec int, res bool) {
	for i, x := range parts {
		if i > 0 {
			b.WriteString(sep)
		}
		writeIn(b, x, prec+1, res)
	}
}

// join builds an and or an or of parts, flattening nested ones of the
// same op, so that String is stable.
func join(op nodeOp, parts []*node) *node {
	if len(parts) == 1 {
		return parts[0]
	}
	n := &node{op: op}
	for _, p := range parts {
		if p.op == op {
			n.kids = append(n.kids, p.kids...)
		} else {
			n.kids = append(n.kids, p)
		}
	}
	return n
}

// parser reads a query: lex cuts the text into tokens, compiling each term
// as it is read, then or, and and unary build the tree by precedence.
type parser struct {
	src  string
	ref  time.Time
	pos  int
	toks []token
	i    int
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokErr         // a term that does not compile: the last token
	tokLParen
	tokRParen
	tokNot
	tokAnd
	tokOr
	tokTerm
)

type token struct {
	kind     tokKind
	pos, end int
	n        *node
	err      *QueryError
}

// parse compiles the whole text; nil and no error when it is blank.
func (p *parser) parse() (*node, *QueryError) {
	p.toks = p.lex()
	if p.toks[0].kind == tokEOF {
		return nil, nil
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != tokEOF { // or stops early only at a ")"
		return nil, p.errAt(t, "unmatched )")
	}
	return n, nil
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// startsTerm reports whether the next token can begin an operand.
func (p *parser) startsTerm() bool {
	k := p.toks[p.i].kind
	return k == tokTerm || k == tokLParen || k == tokNot || k == tokErr
}

func (p *parser) errAt(t token, msg string) *QueryError {
	return &QueryError{Pos: t.pos, End: t.end, Msg: msg}
}

// opName is the operator as typed, lower-cased, for messages.
func (p *parser) opName(t token) string { return strings.ToLower(p.src[t.pos:t.end]) }

func (p *parser) or() (*node, *QueryError) {
	var parts []*node
	for {
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		parts = append(parts, x)
		if p.toks[p.i].kind != tokOr {
			return join(opOr, parts), nil
		}
		if op := p.next(); !p.startsTerm() {
			return nil, p.errAt(op, "want a term after "+p.opName(op))
		}
	}
}

// and reads terms joined by "and" or by nothing at all.
func (p *parser) and() (*node, *QueryError) {
	var parts []*node
	for {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		parts = append(parts, x)
		switch t := p.toks[p.i]; t.kind {
		case tokAnd:
			if p.next(); !p.startsTerm() {
				return nil, p.errAt(t, "want a term after "+p.opName(t))
			}
		case tokTerm, tokLParen, tokNot, tokErr:
		default:
			return join(opAnd, parts), nil
		}
	}
}

func (p *parser) unary() (*node, *QueryError) {
	t := p.next()
	switch t.kind {
	case tokTerm:
		return t.n, nil
	case tokErr:
		return nil, t.err
	case tokNot:
		if !p.startsTerm() {
			return nil, p.errAt(t, "want a term after "+p.opName(t))
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, kids: []*node{x}}, nil
	case tokLParen:
		switch p.toks[p.i].kind {
		case tokRParen:
			return nil, &QueryError{Pos: t.pos, End: p.next().end, Msg: "empty ( )"}
		case tokEOF:
			return nil, p.errAt(t, "unclosed (")
		}
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.toks[p.i].kind != tokRParen {
			return nil, p.errAt(t, "unclosed (")
		}
		p.next()
		return x, nil
	case tokRParen:
		return nil, p.errAt(t, "unmatched )")
	}
	return nil, p.errAt(t, "want a term before "+p.opName(t)) // and, or
}

// lex cuts the whole text into tokens, ending with tokEOF, or with tokErr
// at the first term that does not compile.
func (p *parser) lex() []token {
	var toks []token
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return append(toks, token{kind: tokEOF, pos: p.pos, end: p.pos})
		}
		t, err := p.token()
		if err != nil {
			return append(toks, token{kind: tokErr, pos: err.Pos, end: err.End, err: err})
		}
		toks = append(toks, t)
	}
}

func (p *parser) token() (token, *QueryError) {
	start := p.pos
	kind := tokLParen
	switch p.src[start] {
	case '(':
	case ')':
		kind = tokRParen
	case '!':
		kind = tokNot
	case '"':
		s, err := p.quoted()
		if err != nil {
			return token{}, err
		}
		if s == "" {
			return token{}, &QueryError{Pos: start, End: p.pos, Msg: `empty "": put text between the quotes`}
		}
		return p.term(start, &node{op: opText, text: newText(s, false)}), nil
	case '/':
		return p.regex()
	case '<', '>', '=':
		return p.comparison()
	default:
		return p.word()
	}
	p.pos++
	return token{kind: kind, pos: start, end: p.pos}, nil
}

func (p *parser) term(start int, n *node) token {
	return token{kind: tokTerm, pos: start, end: p.pos, n: n}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += size
	}
}

// wordEnd is where the bare word at i ends.
func (p *parser) wordEnd(i int) int {
	for i < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[i:])
		if endsWord(r) {
			return i
		}
		i += size
	}
	return i
}

// quoted reads the "..." at p.pos; a backslash takes the next byte as is.
func (p *parser) quoted() (string, *QueryError) {
	start := p.pos
	var b strings.Builder
	for i := start + 1; i < len(p.src); i++ {
		switch c := p.src[i]; {
		case c == '"':
			p.pos = i + 1
			return b.String(), nil
		case c == '\\' && i+1 < len(p.src):
			i++
			b.WriteByte(p.src[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", &QueryError{Pos: start, End: len(p.src), Msg: `unclosed "`}
}

// regex reads /.../ at p.pos: \/ is a slash, other escapes go to RE2.
func (p *parser) regex() (token, *QueryError) {
	start := p.pos
	var b strings.Builder
	i := start + 1
	for ; i < len(p.src) && p.src[i] != '/'; i++ {
		if p.src[i] == '\\' && i+1 < len(p.src) {
			if i++; p.src[i] != '/' {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(p.src[i])
	}
	if i == len(p.src) {
		return token{}, &QueryError{Pos: start, End: i, Msg: `unclosed /regex/ (quote text that starts with /)`}
	}
	p.pos = i + 1
	src := b.String()
	if src == "" {
		return token{}, &QueryError{Pos: start, End: p.pos, Msg: "empty //: put a regex between the slashes"}
	}
	re, err := regexp.Compile("(?i)" + src)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		msg, _, _ = strings.Cut(msg, ": `")
		return token{}, &QueryError{Pos: start, End: p.pos, Msg: "bad regex: " + msg}
	}
	lits, exact := regexLiterals(src)
	return p.term(start, &node{op: opRegex, regex: &regexNode{src: src, re: re, lits: lits, exact: exact}}), nil
}

// comparison reads >, >=, <, <= or = and its value (spaces between are
// allowed): a status when the value is a number, else a duration.
func (p *parser) comparison() (token, *QueryError) {
	start := p.pos
	op := cmpOp(p.src[start:])
	p.pos += len(op)
	opEnd := p.pos
	p.skipSpace()
	vs := p.pos
	p.pos = p.wordEnd(vs)
	n, msg := compare(op, p.src[vs:p.pos])
	if msg != "" {
		end := p.pos
		if vs == p.pos { // no value: point at the operator alone
			end = opEnd
		}
		return token{}, &QueryError{Pos: start, End: end, Msg: msg}
	}
	return p.term(start, n), nil
}

// cmpOp is the comparison operator s starts with.
func cmpOp(s string) string {
	if len(s) > 1 && s[0] != '=' && s[1] == '=' {
		return s[:2]
	}
	return s[:1]
}

// compare compiles op value: a status comparison for digits, else latency.
func compare(op, v string) (*node, string) {
	if isDigits(v) {
		n, ok := statusNum(v)
		if !ok {
			// >=5 is a status class typed in a hurry: say so rather than
			// match every status from 5 up.
			return nil, "want a three-digit status after " + op + ", e.g. " + op + "500 (0: no response), or a duration, e.g. " + op + "200ms"
		}
		lo, hi := n, n
		switch op {
		case ">":
			lo, hi = n+1, math.MaxInt
		case ">=":
			hi = math.MaxInt
		case "<":
			lo, hi = math.MinInt, n-1
		case "<=":
			lo = math.MinInt
		case "=":
			op = ""
		}
		return &node{op: opStatus, status: statusNode{op: op, n: n, lo: lo, hi: hi}}, ""
	}
	d, err := time.ParseDuration(v)
	if err == nil {
		return &node{op: opDur, dur: durNode{op: op, d: d}}, ""
	}
	if v != "" && strings.ContainsRune("0123456789.+-", rune(v[0])) {
		return nil, "want a duration after " + op + ", e.g. " + op + "200ms"
	}
	return nil, "want a status or a duration after " + op + ", e.g. " + op + "500 or " + op + "200ms"
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// statusNum reads a status: three digits, or 0 (no response). One or two
// digits are refused: >=5 is a class typed in a hurry, not "from 5 up".
func statusNum(s string) (int, bool) {
	if len(s) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && (n == 0 || n >= 100)
}
