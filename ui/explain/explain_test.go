package explain

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"edgetop/ui/theme"
	"edgetop/ui/uitest"
)

func TestRenderCodesPlainHasEveryCodeAndNoEscapes(t *testing.T) {
	cat, codes := uitest.Catalogs(t)
	out := Codes(cat, codes, Options{Theme: theme.NoColorTheme()})
	if strings.Contains(out, "\x1b") {
		t.Fatalf("plain output has an escape sequence:\n%q", out)
	}
	for _, e := range cat.Entries() {
		want := e.Message
		if !strings.Contains(out, want) {
			t.Errorf("code %d: message %q missing", e.Code, want)
		}
	}
	for _, c := range codes.All() {
		if !strings.Contains(out, c.Code) {
			t.Errorf("API Code %s missing", c.Code)
		}
	}
	for _, g := range []string{"✓", "✗", "⚡"} {
		if strings.Contains(out, g) {
			t.Errorf("piped output should have no glyphs, found %q", g)
		}
	}
	// Aligned: every code line starts its message in the same column.
	col := -1
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 && l[0] >= '1' && l[0] <= '5' {
			i := strings.Index(l, "  ")
			rest := strings.TrimLeft(l[i:], " ")
			c := len(l) - len(rest)
			if col == -1 {
				col = c
			} else if c != col {
				t.Errorf("description column %d, want %d: %q", c, col, l)
			}
		}
	}
}

func TestRenderCodesTerminalColoursByClassWithGlyphs(t *testing.T) {
	cat, codes := uitest.Catalogs(t)
	out := Codes(cat, codes, Options{Theme: theme.NewTheme(true), Glyphs: true, Width: 80})
	if !strings.Contains(out, "\x1b[") {
		t.Fatal("terminal output has no colour")
	}
	plain := ansi.Strip(out)
	for _, want := range []string{"✓ 200 Success", "↪ 302 Move temporarily", "! 421 Too Many Connections", "✗ 503 Service Unavailable"} {
		if !strings.Contains(plain, want) {
			t.Errorf("missing %q in\n%s", want, plain)
		}
	}
	for _, l := range strings.Split(plain, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line wider than 80 (%d): %q", w, l)
		}
	}
	// Wrapped lines of the status table start under the description (a
	// bullet's own continuation two further in).
	head := strings.Split(plain, "\n")[0]
	col := ansi.StringWidth(head) - ansi.StringWidth(strings.TrimLeft(head[strings.Index(head, "Success")+len("Success"):], " "))
	for _, l := range strings.Split(strings.Split(plain, "API error Codes")[0], "\n") {
		if !strings.HasPrefix(l, " ") {
			continue
		}
		if in := len(l) - len(strings.TrimLeft(l, " ")); in != col && in != col+2 {
			t.Errorf("wrapped line indented %d, want %d (or %d): %q", in, col, col+2, l)
		}
	}
}

func TestCode(t *testing.T) {
	cat, codes := uitest.Catalogs(t)
	o := Options{Theme: theme.NoColorTheme()}
	tests := []struct {
		arg  string
		want []string
	}{
		{"421", []string{"421 Too Many Connections", "reached the upper limit", "Note: The IP address is the address of the client"}},
		{"400", []string{"400 Bad Request", "• The semantic of the request was invalid", "• The request parameters contained an error."}},
		{"InvalidParameter", []string{"InvalidParameter", "HTTP 400 Bad Request", "parameter is invalid"}},
		{"Message.FailedReply", []string{"Message.FailedReply", "HTTP 500 Internal Server Error"}},
		{"429", []string{"429 Too Many Requests", "Not from the edge API"}},
		{"0", []string{"No response"}},
	}
	for _, tt := range tests {
		out, err := Code(cat, codes, tt.arg, o)
		if err != nil {
			t.Errorf("%s: %v", tt.arg, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("explain %s: missing %q in\n%s", tt.arg, w, out)
			}
		}
	}
}

func TestRenderExplainUnknownIsOneLineError(t *testing.T) {
	cat, codes := uitest.Catalogs(t)
	for _, arg := range []string{"999", "42", "nope", "", "-1"} {
		_, err := Code(cat, codes, arg, Options{Theme: theme.NoColorTheme()})
		if !errors.Is(err, ErrUnknownCode) {
			t.Errorf("explain %q: err = %v, want ErrUnknownCode", arg, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("explain %q: error is not one line: %q", arg, err)
		}
	}
}
