package termtext

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "GET /2020-04-30/things", "GET /2020-04-30/things"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"cursor move", "a\x1b[2Jb\x1b[10;10Hc", "abc"},
		{"osc title", "x\x1b]0;pwned\x07y", "xy"},
		{"osc 8 link", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"8-bit csi", "a\x9b31mb", "ab"},
		{"utf-8 encoded c1", "a\u009b31mb", "a31mb"},
		{"bell and backspace", "a\x07\x08b", "ab"},
		{"carriage return", "ok\rEVIL", "okEVIL"},
		{"newline and tab", "a\nb\tc", "a b c"},
		{"del", "a\x7fb", "ab"},
		{"invalid utf8", "a\xffb", "ab"},
		{"truncated utf8", "a\xe2\x82", "a\ufffd\ufffd"},
		{"bidi override", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi isolate", "\u2066x\u2069", "x"},
		{"unicode kept", "温度 ✓ 25°C", "温度 ✓ 25°C"},
		{"lone esc", "a\x1bb", "a"},
		{"zero-width space splits a word", "pass\u200bword", "password"},
		{"word joiner and bom", "a\u2060b\ufeffc", "abc"},
		{"soft hyphen", "to\u00adken", "token"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			assertSafe(t, got, false)
		})
	}
}

func TestSanitizeBlockKeepsLines(t *testing.T) {
	got := SanitizeBlock("{\r\n\t\"a\": \"\x1b[1mb\"\n}")
	want := "{\n    \"a\": \"b\"\n}"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got, want := SanitizeBlock("a\u2028b"), "a\nb"; got != want {
		t.Errorf("line separator in a block: got %q, want %q", got, want)
	}
	if Check("a\u2028b", true) == nil {
		t.Error("Check passes a line separator")
	}
}

func TestFitWidth(t *testing.T) {
	for _, s := range []string{"", "abc", "温度温度温度", "a very long operation name indeed"} {
		for _, w := range []int{1, 3, 7, 12} {
			if got := ansi.StringWidth(Fit(s, w)); got != w {
				t.Errorf("Fit(%q,%d) has width %d", s, w, got)
			}
			if got := ansi.StringWidth(FitRight(s, w)); got > w {
				t.Errorf("FitRight(%q,%d) has width %d", s, w, got)
			}
		}
	}
}

// assertSafe fails when s holds anything a terminal would interpret.
func assertSafe(t testing.TB, s string, multiline bool) {
	t.Helper()
	if err := Check(s, multiline); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkSanitizeASCII(b *testing.B) {
	s := strings.Repeat("GET /2020-04-30/things/a1b2/dev ", 4)
	for b.Loop() {
		_ = Sanitize(s)
	}
}

func TestCellMiddle(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"PowerMeter02", 9, "Powe…er02"},
		{"PowerMeter02", 12, "PowerMeter02"},
		{"Light01", 10, "Light01   "},
		{"温度计温度计温度计", 6, Fit("温度计温度计温度计", 6)},
		{"ab\x1b[31mcdefghij", 5, "ab…ij"},
	} {
		if got := CellMiddle(c.in, c.w); got != c.want || Width(got) != c.w {
			t.Errorf("CellMiddle(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
