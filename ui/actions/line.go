package actions

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// maxFieldBytes bounds a field's text (a paste can be anything): a
// function's payload is the longest thing a form takes.
const maxFieldBytes = 8192

// line is a one-line editor: the text, and the cursor's byte offset in it.
// Typed and pasted text is sanitised (no controls, one line), bounded.
type line struct {
	text string
	cur  int
}

// edit applies an editing key; it reports whether the key was one.
func (l *line) edit(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "left", "ctrl+b":
		_, n := utf8.DecodeLastRuneInString(l.text[:l.cur])
		l.cur -= n
	case "right", "ctrl+f":
		_, n := utf8.DecodeRuneInString(l.text[l.cur:])
		l.cur += n
	case "home", "ctrl+a":
		l.cur = 0
	case "end", "ctrl+e":
		l.cur = len(l.text)
	case "backspace", "ctrl+h":
		_, n := utf8.DecodeLastRuneInString(l.text[:l.cur])
		l.text, l.cur = l.text[:l.cur-n]+l.text[l.cur:], l.cur-n
	case "delete", "ctrl+d":
		_, n := utf8.DecodeRuneInString(l.text[l.cur:])
		l.text = l.text[:l.cur] + l.text[l.cur+n:]
	case "ctrl+u":
		l.text, l.cur = l.text[l.cur:], 0
	case "ctrl+k":
		l.text = l.text[:l.cur]
	case "ctrl+w":
		start := strings.LastIndexByte(strings.TrimRight(l.text[:l.cur], " "), ' ') + 1
		l.text, l.cur = l.text[:start]+l.text[l.cur:], start
	default:
		if msg.Text == "" {
			return false
		}
		l.typeIn(msg.Text)
	}
	return true
}

// typeIn inserts s at the cursor, sanitised, cut at a rune boundary so
// that the whole stays within maxFieldBytes.
func (l *line) typeIn(s string) {
	s = termtext.Sanitize(s)
	room := maxFieldBytes - len(l.text)
	for len(s) > room && len(s) > 0 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	l.text = l.text[:l.cur] + s + l.text[l.cur:]
	l.cur += len(s)
}

// set replaces the text, the cursor at its end.
func (l *line) set(s string) {
	l.text, l.cur = "", 0
	l.typeIn(s)
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
	for focused && ansi.StringWidth(l.text[start:l.cur])+1 > w && start < l.cur {
		_, n := utf8.DecodeRuneInString(l.text[start:])
		start += n
	}
	end, used := start, 0
	for i, r := range l.text[start:] {
		cw := ansi.StringWidth(string(r))
		if used+cw > w {
			break
		}
		used += cw
		end = start + i + utf8.RuneLen(r)
	}
	vis := l.text[start:end]
	if !focused {
		return t.Text.Render(vis) + strings.Repeat(" ", max(w-used, 0))
	}
	if l.cur >= end {
		if used < w && l.cur == len(l.text) {
			return t.Text.Render(vis) + t.Selected.Render(" ") + strings.Repeat(" ", max(w-used-1, 0))
		}
		return t.Text.Render(vis) + strings.Repeat(" ", max(w-used, 0))
	}
	_, n := utf8.DecodeRuneInString(l.text[l.cur:])
	out := t.Text.Render(l.text[start:l.cur]) + t.Selected.Render(l.text[l.cur:l.cur+n]) + t.Text.Render(l.text[l.cur+n:end])
	return out + strings.Repeat(" ", max(w-used, 0))
}
