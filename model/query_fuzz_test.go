package model

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseQuery checks that parsing any text never panics, that a
// mistake is a *QueryError inside the text, and that whatever parses has a
// canonical String that parses again to the same String, an Equal query,
// and the same matches over a fixed, varied set of records.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "5xx", "errors op:Set* or !dev:a1pk/Light0*", `msg:"device offline" >200ms`, "not (4xx or 5xx) and 0",
		"status:>=500 400-499 =404", "since:06:25 until:2026-12-01T06:25:00Z last:5m", `/light0[12]\/prop/ "a\"b"`,
		`code:"" kind:t* gw:https://gw2* path:*/services`, "((", "a and or b", `"unclosed`, "/bad(/", "foo:x",
		"!!!5xx", "a*b* *", ">1.5s <=1ms", "2020-04-30", "é (", `\ "\\"`, "since:13:30", "net NET Err",
	} {
		f.Add(s)
	}
	fx := queryFixture()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := ParseQuery(src, qref)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || q != nil || qe.Msg == "" || qe.Pos < 0 || qe.Pos > qe.End || qe.End > len(src) {
				t.Fatalf("ParseQuery(%q) = %v, %#v", src, q, err)
			}
			return
		}
		if blank := strings.TrimFunc(src, unicode.IsSpace) == ""; (q == nil) != blank {
			t.Fatalf("ParseQuery(%q) = %v, blank %v", src, q, blank)
		}
		if q == nil {
			return
		}
		s := q.String()
		again, err := ParseQuery(s, qref)
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", src, s, err)
		}
		if again.String() != s || !again.Equal(q) {
			t.Fatalf("%q: canonical %q reads back as %q", src, s, again)
		}
		for i := range fx {
			if q.Match(&fx[i].r) != again.Match(&fx[i].r) {
				t.Fatalf("%q: canonical %q matches %s differently", src, s, fx[i].name)
			}
		}
	})
}
