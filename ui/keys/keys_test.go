package keys

import (
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// TestKeyMapNoConflicts: no two enabled bindings live in one scope share a
// key, whichever optional bindings are switched on.
func TestKeyMapNoConflicts(t *testing.T) {
	k := Default()
	k.Global.ClearFilter.SetEnabled(true) // on while a filter is set
	k.Global.MatchesOnly.SetEnabled(true) // on while a search is active
	for _, b := range []*key.Binding{&k.Replay.Step, &k.Replay.Back, &k.Replay.Forward, &k.Replay.BackMore, &k.Replay.ForwardMore} {
		b.SetEnabled(true) // on in a replay
	}
	for name, bs := range k.Scopes() {
		seen := map[string]string{}
		for _, b := range bs {
			if !b.Enabled() {
				continue
			}
			for _, s := range b.Keys() {
				if prev, ok := seen[s]; ok {
					t.Errorf("scope %s: key %q bound to %q and %q", name, s, prev, b.Help().Desc)
				}
				seen[s] = b.Help().Desc
			}
		}
	}
}

func TestKeyMapEveryBindingHasHelp(t *testing.T) {
	k := Default()
	for name, bs := range k.Scopes() {
		for _, b := range bs {
			if b.Help().Key == "" || b.Help().Desc == "" || len(b.Keys()) == 0 {
				t.Errorf("scope %s: binding %v lacks keys or help", name, b.Keys())
			}
		}
	}
	var n int
	for _, col := range k.FullHelp() {
		n += len(col)
	}
	if n < len(k.Global.Bindings()) {
		t.Errorf("full help lists %d bindings, fewer than the global ones", n)
	}
}

func TestNavMove(t *testing.T) {
	n := NewNav("x")
	for _, c := range []struct {
		msg  tea.KeyPressMsg
		want int
		ok   bool
	}{
		{tea.KeyPressMsg{Code: tea.KeyUp}, -1, true},
		{tea.KeyPressMsg{Code: 'j', Text: "j"}, 1, true},
		{tea.KeyPressMsg{Code: tea.KeyPgUp}, -9, true},
		{tea.KeyPressMsg{Code: tea.KeyPgDown}, 9, true},
		{tea.KeyPressMsg{Code: 'g', Text: "g"}, -100, true},
		{tea.KeyPressMsg{Code: 'G', Text: "G"}, 100, true},
		{tea.KeyPressMsg{Code: 'x', Text: "x"}, 0, false},
	} {
		if d, ok := n.Move(c.msg, 9, 100); d != c.want || ok != c.ok {
			t.Errorf("%v: %d %v, want %d %v", c.msg, d, ok, c.want, c.ok)
		}
	}
}
