package termtext

import (
	"bytes"
	"fmt"
	"log"
	"strings"
	"testing"
)

// TestLogSinkMasksSanitisesAndHolds: a library's log line reaches the
// output masked and without its escapes; while held nothing is written,
// then the newest lines are, with the count of those left out.
func TestLogSinkMasksSanitisesAndHolds(t *testing.T) {
	var out bytes.Buffer
	s := NewLogSink(&out)
	s.SetMask(func(x string) string { return strings.ReplaceAll(x, "Hunter2Pass", "******") })
	l := log.New(s, "edgetop: ", 0)
	l.Printf("Unsolicited response starting with %s", "\x1b]52;c;cHduZWQ=\x07{\"pw\":\"Hunter2Pass\"}\x1b[2J")
	if got := out.String(); got != "edgetop: Unsolicited response starting with {\"pw\":\"******\"}\n" {
		t.Fatalf("%q", got)
	}
	out.Reset()
	s.Hold()
	for i := range maxHeldLines + 3 {
		l.Printf("line %d", i)
	}
	if out.Len() != 0 {
		t.Fatalf("written while held: %q", out.String())
	}
	s.Release()
	got := out.String()
	if !strings.HasPrefix(got, "edgetop: 3 earlier library messages left out\n") ||
		!strings.HasSuffix(got, fmt.Sprintf("edgetop: line %d\n", maxHeldLines+2)) || strings.Contains(got, "line 2\n") {
		t.Fatalf("released:\n%s", got)
	}
}
