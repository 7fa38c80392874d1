package lineedit

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func key(s string) tea.KeyPressMsg {
	switch s {
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+w":
		return tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}
	case "ctrl+a":
		return tea.KeyPressMsg{Code: 'a', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

func TestEditKeysAndBounds(t *testing.T) {
	l := Line{Max: 12}
	for _, k := range []string{"5", "x", "x", " ", "o", "p", ":", "S", "left", "backspace"} {
		l.Edit(key(k))
	}
	if l.Text != "5xx opS" || l.Cur != 6 {
		t.Fatalf("%q cursor %d", l.Text, l.Cur)
	}
	l.Edit(key("ctrl+w"))
	if l.Text != "5xx S" || l.Cur != 4 {
		t.Fatalf("ctrl+w: %q cursor %d", l.Text, l.Cur)
	}
	l.Edit(key("ctrl+a"))
	l.TypeIn("\x1b[31mé\u202eabcdefghijk") // sanitised, then cut to Max at a rune boundary
	if l.Text != "éabcde5xx S" || len(l.Text) > 12 {
		t.Fatalf("typed: %q", l.Text)
	}
	if l.Edit(tea.KeyPressMsg{Code: tea.KeyF1}) {
		t.Fatal("F1 is no editing key")
	}
}
