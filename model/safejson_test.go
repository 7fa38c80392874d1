package model_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"edgetop/model"
)

// hostileRunes are the characters AppendSafeJSON must never leave raw.
var hostileRunes = []rune{
	0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xad, 0x34f, 0x61c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
	0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
}

func TestAppendSafeJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{"{\n  \"a\": \"x\"\n}", "{\n  \"a\": \"x\"\n}"},
		{`"é😀ü"`, `"é😀ü"`},
		{"\"\u202eabc\"", `"\u202eabc"`},
		{"\"a\u0085b\u009bc\"", `"a\u0085b\u009bc"`},
		{"\"\x7f\"", `"\u007f"`},
		{"\"\u00ad\u200b\ufeff\u2060\"", `"\u00ad\u200b\ufeff\u2060"`},
		{"\"\u2028\u2029\"", `"\u2028\u2029"`},
		{"\"\u061c\u200e\u200f\u2066\u2069\"", `"\u061c\u200e\u200f\u2066\u2069"`},
		{"\"\xff\xc3\"", `"\ufffd\ufffd"`},
		{"\"\ufffd\"", "\"\ufffd\""},
		{"\x1b[2J", `\u001b[2J`}, // not JSON, but no raw ESC either
	} {
		got := string(model.AppendSafeJSON(nil, []byte(tc.in)))
		if got != tc.want {
			t.Errorf("AppendSafeJSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := string(model.AppendSafeJSON([]byte("x="), []byte(`"\u202e"`))); got != "x=\"\\u202e\"" {
		t.Errorf("appends to dst: got %q", got)
	}
}

// TestAppendSafeJSONMarshal runs every hostile rune through json.Marshal
// and back.
func TestAppendSafeJSONMarshal(t *testing.T) {
	var b strings.Builder
	for _, r := range hostileRunes {
		b.WriteRune(r)
		b.WriteString("x")
	}
	b.WriteString("\x1b]0;title\x07\x00\t\n")
	in := map[string]any{"s": b.String(), b.String(): []string{b.String()}}
	enc, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := model.AppendSafeJSON(nil, enc)
	checkNoRaw(t, out)
	var back map[string]any
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	_ = json.Unmarshal(enc, &want)
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("decoded %q, want %q", back, want)
	}
}

func checkNoRaw(t *testing.T, out []byte) {
	t.Helper()
	for i, r := range string(out) {
		if r == utf8.RuneError && !bytes.HasPrefix(out[i:], []byte("\ufffd")) {
			t.Fatalf("invalid UTF-8 at byte %d in %q", i, out)
		}
		if model.NeedsEscape(r) && r != '\n' && r != '\t' && r != '\r' {
			t.Fatalf("raw %U at byte %d in %q", r, i, out)
		}
	}
}

func TestNeedsEscape(t *testing.T) {
	for _, r := range hostileRunes {
		if !model.NeedsEscape(r) {
			t.Errorf("NeedsEscape(%U) = false", r)
		}
	}
	for _, r := range []rune{' ', 'a', '~', 0xa0, 'é', 0x2010, 0x2030, 0x2065, 0x206a, 0xfffd, 0x1f600} {
		if model.NeedsEscape(r) {
			t.Errorf("NeedsEscape(%U) = true", r)
		}
	}
}

// FuzzAppendSafeJSON: for any valid JSON input, the output is valid JSON,
// decodes to the same value, and holds none of the escaped runes raw; for
// any input at all, no raw control or hidden rune gets through.
func FuzzAppendSafeJSON(f *testing.F) {
	for _, s := range []string{`{"a":"\u202e"}`, "\"\u2028\"", "[1,2,\"\xff\"]", "\"\x7f\u0085\"", `null`, "{\n\"k\u200b\":[true]}", "\x1b[m"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := model.AppendSafeJSON(nil, in)
		checkNoRaw(t, out)
		if !json.Valid(in) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("valid %q became invalid %q", in, out)
		}
		var a, b any
		if err := json.Unmarshal(in, &a); err != nil {
			return // valid but not decodable into any (e.g. a huge number): nothing to compare
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("decoding %q: %v", out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q decodes to %#v, its safe form %q to %#v", in, a, out, b)
		}
	})
}
