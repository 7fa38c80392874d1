package failures

import (
	"strconv"
	"strings"

	"edgetop/model"
)

// Query is a filter expression selecting this group's records, in the
// filter language of the dashboard's "/" prompt (model.ParseQuery): the
// status ("404", 0 for a group with no response), then "kind:X"
// (kind:"" for no transport error), "code:X" (code:"" for no API code),
// "op:X" and "dev:PK/DN" (dev:"" when the path names no device). A value
// that is empty or holds anything but ASCII letters, digits and "._/-" is
// double-quoted, '"' and '\' escaped with a backslash, which also keeps a
// "*" from acting as a wildcard.
//
// The value is not sanitised: it must match the records exactly. A face
// that shows it takes it through its sanitiser first.
//
// Where the query and Match differ: the language compares values without
// regard to case, and "err" selects every exchange without a usable answer,
// so "err kind:X" also selects answers with a status that failed below the
// API with the same kind, which have groups of their own (with their
// status); both are rare.
func (k Key) Query() string {
	var b strings.Builder
	// The status exactly (0: no response), when the language can say it
	// (a hostile file may carry any number).
	if k.Status == 0 || k.Status >= 100 && k.Status <= 999 {
		b.WriteString(strconv.Itoa(k.Status))
	}
	if knownKind(k.ErrKind) {
		b.WriteString(" kind:" + quote(string(k.ErrKind)))
	}
	b.WriteString(" code:" + quote(k.APICode))
	b.WriteString(" op:" + quote(k.Operation))
	b.WriteString(" dev:" + quote(k.Device))
	return b.String()
}

// quote returns v as a value of the filter language: bare when it is
// plain, else double-quoted with escapes.
func quote(v string) string {
	if v != "" && isPlain(v) {
		return v
	}
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// isPlain reports whether v holds only ASCII letters, digits and "._/-",
// which need no quotes.
func isPlain(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._/-", c) >= 0) {
			return false
		}
	}
	return true
}

// knownKind reports a transport error kind the language knows (a hostile
// file may carry any text there: the group is then selected without it).
func knownKind(k model.ErrKind) bool {
	switch k {
	case "", model.ErrRefused, model.ErrDNS, model.ErrTimeout, model.ErrTLS, model.ErrReset,
		model.ErrCanceled, model.ErrMalformed, model.ErrTruncated, model.ErrOther:
		return true
	}
	return false
}
