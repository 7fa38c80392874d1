package actions

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/ui/lineedit"
	"edgetop/ui/theme"
)

// maxFieldBytes bounds a field's text (a paste can be anything): a
// function's payload is the longest thing a form takes.
const maxFieldBytes = 8192

// line is a one-line editor (lineedit.Line) with the forms' view.
type line struct{ lineedit.Line }

func (l *line) edit(msg tea.KeyPressMsg) bool {
	l.Max = maxFieldBytes
	return l.Edit(msg)
}

func (l *line) typeIn(s string) {
	l.Max = maxFieldBytes
	l.TypeIn(s)
}

func (l *line) set(s string) {
	l.Max = maxFieldBytes
	l.Set(s)
}

// view draws the text in exactly w cells: the part around the cursor
// when it is longer, the cursor in reverse video when focused.
func (l *line) view(t *theme.Theme, w int, focused bool) string {
	if w <= 0 {
		return ""
	}
	// The window starts where the text up to the cursor (and the cursor's
	// cell) fits; a field without the focus shows its start.
	start := 0
	for focused && ansi.StringWidth(l.Text[start:l.Cur])+1 > w && start < l.Cur {
		_, n := utf8.DecodeRuneInString(l.Text[start:])
		start += n
	}
	end, used := start, 0
	for i, r := range l.Text[start:] {
		cw := ansi.StringWidth(string(r))
		if used+cw > w {
			break
		}
		used += cw
		end = start + i + utf8.RuneLen(r)
	}
	vis := l.Text[start:end]
	if !focused {
		return t.Text.Render(vis) + strings.Repeat(" ", max(w-used, 0))
	}
	if l.Cur >= end {
		if used < w && l.Cur == len(l.Text) {
			return t.Text.Render(vis) + t.Selected.Render(" ") + strings.Repeat(" ", max(w-used-1, 0))
		}
		return t.Text.Render(vis) + strings.Repeat(" ", max(w-used, 0))
	}
	_, n := utf8.DecodeRuneInString(l.Text[l.Cur:])
	out := t.Text.Render(l.Text[start:l.Cur]) + t.Selected.Render(l.Text[l.Cur:l.Cur+n]) + t.Text.Render(l.Text[l.Cur+n:end])
	return out + strings.Repeat(" ", max(w-used, 0))
}
