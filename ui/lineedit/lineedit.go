// Package lineedit is the one-line text editor of the footer's prompt and
// of the action forms: the text and a cursor, the usual editing keys
// (arrows, Home/End, Ctrl+A/E/B/F/H/D/U/K/W, Backspace, Delete), typed and
// pasted text sanitised to one line and bounded.
package lineedit

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"edgetop/ui/termtext"
)

// Line is the editor's state: Text, and Cur, the cursor's byte offset in
// it. Max bounds the text in bytes.
type Line struct {
	Text string
	Cur  int
	Max  int
}

// Edit applies an editing key; it reports whether the key was one.
func (l *Line) Edit(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "left", "ctrl+b":
		_, n := utf8.DecodeLastRuneInString(l.Text[:l.Cur])
		l.Cur -= n
	case "right", "ctrl+f":
		_, n := utf8.DecodeRuneInString(l.Text[l.Cur:])
		l.Cur += n
	case "home", "ctrl+a":
		l.Cur = 0
	case "end", "ctrl+e":
		l.Cur = len(l.Text)
	case "backspace", "ctrl+h":
		_, n := utf8.DecodeLastRuneInString(l.Text[:l.Cur])
		l.Text, l.Cur = l.Text[:l.Cur-n]+l.Text[l.Cur:], l.Cur-n
	case "delete", "ctrl+d":
		_, n := utf8.DecodeRuneInString(l.Text[l.Cur:])
		l.Text = l.Text[:l.Cur] + l.Text[l.Cur+n:]
	case "ctrl+u":
		l.Text, l.Cur = l.Text[l.Cur:], 0
	case "ctrl+k":
		l.Text = l.Text[:l.Cur]
	case "ctrl+w":
		start := strings.LastIndexByte(strings.TrimRight(l.Text[:l.Cur], " "), ' ') + 1
		l.Text, l.Cur = l.Text[:start]+l.Text[l.Cur:], start
	default:
		if msg.Text == "" {
			return false
		}
		l.TypeIn(msg.Text)
	}
	return true
}

// TypeIn inserts s at the cursor, sanitised, cut at a rune boundary so
// that the whole stays within Max bytes.
func (l *Line) TypeIn(s string) {
	s = termtext.Sanitize(s)
	room := l.Max - len(l.Text)
	for len(s) > room && len(s) > 0 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	l.Text = l.Text[:l.Cur] + s + l.Text[l.Cur:]
	l.Cur += len(s)
}

// Set replaces the text, the cursor at its end.
func (l *Line) Set(s string) {
	l.Text, l.Cur = "", 0
	l.TypeIn(s)
}
