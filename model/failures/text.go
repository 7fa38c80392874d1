package failures

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"edgetop/model"
)

// maxCell is the widest a column of Text gets, in cells: one gateway's
// absurdly long device name must not push every other row off the page.
const maxCell = 48

// Text renders groups, in the order given, as plain text for an incident
// note: a title line with the totals and the time now, then one aligned row
// per group under the header COUNT STATUS API CODE OPERATION DEVICE FIRST
// LAST. Times are shown in now's location, with the date only when it is
// not now's day; LAST also says how long ago it was.
//
// Texts in a group came from the network, and model cannot use the
// screen's sanitiser: every rune that is not printable (unicode.IsPrint),
// or that model.NeedsEscape names (controls, bidirectional and zero-width
// characters), and every invalid byte becomes U+FFFD, so the text is safe
// to print or paste. Columns are aligned by display cells: wide East Asian
// characters count two, combining marks none.
func Text(groups []Group, now time.Time) string {
	total := 0
	for _, g := range groups {
		total += g.Count
	}
	var b strings.Builder
	stamp := now.Format("2006-01-02 15:04:05 MST")
	if len(groups) == 0 {
		fmt.Fprintf(&b, "No failures (%s)\n", stamp)
		return b.String()
	}
	fmt.Fprintf(&b, "Failures: %d in %d %s (%s)\n", total, len(groups), plural(len(groups), "group", "groups"), stamp)
	rows := [][]string{{"COUNT", "STATUS", "API CODE", "OPERATION", "DEVICE", "FIRST", "LAST"}}
	for _, g := range groups {
		rows = append(rows, []string{
			strconv.Itoa(g.Count), cell(statusText(g.Key)), cell(orDash(g.APICode)), cell(orDash(g.Operation)),
			cell(orDash(model.DeviceLabel(g.Device))), when(g.First, now), when(g.Last, now) + " (" + ago(now.Sub(g.Last)) + ")",
		})
	}
	writeTable(&b, rows)
	return b.String()
}

// writeTable writes rows as columns two spaces apart, the first column
// aligned right, without trailing spaces.
func writeTable(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], width(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-width(c))
			if i == 0 {
				line.WriteString(pad + c)
			} else {
				line.WriteString("  " + c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// statusText is the STATUS column: the status, "err" for none, and the
// transport error's kind when there was one.
func statusText(k Key) string {
	s := "err"
	if k.Status != 0 {
		s = strconv.Itoa(k.Status)
	}
	if k.ErrKind != "" {
		s += " " + string(k.ErrKind)
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// when is t in now's location: the time of day, with the date when it is
// another day.
func when(t, now time.Time) string {
	t = t.In(now.Location())
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04:05")
}

// ago is a short, rounded-down duration: "12s ago", "5m ago", "3h ago",
// "4d ago"; "just now" under a second or for a time after now.
func ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// cell is s made safe (see Text) and cut to maxCell cells with "…".
func cell(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") || !unicode.IsPrint(r) || model.NeedsEscape(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	safe := b.String()
	if width(safe) <= maxCell {
		return safe
	}
	w := 0
	for i, r := range safe {
		if w+runeWidth(r) > maxCell-1 {
			return safe[:i] + "…"
		}
		w += runeWidth(r)
	}
	return safe
}

// width is the display width of safe text in cells.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is a rune's width in cells: 0 for combining marks, 2 for
// wide and full-width East Asian characters and emoji, else 1. It is a
// close approximation of the terminal's width tables, enough to align
// plain text.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf && r != 0x303f,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}
