package ui

import (
	"charm.land/bubbles/v2/key"
)

// globalKeys work whatever has the focus (unless an overlay or the filter
// prompt captures input; quit always works).
type globalKeys struct {
	Quit, Help, Table, Pause, Faster, Slower, Mouse, Pane, Focus  key.Binding
	Class2, Class3, Class4, Class5, ClassNet, Filter, ClearFilter key.Binding
}

// navKeys move within a scrollable region (the list, the pane, an overlay).
type navKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// listKeys are the request list's own keys.
type listKeys struct {
	navKeys
	NextError, PrevError key.Binding
	// Open moves the focus to the pane to read the selected row.
	Open key.Binding
}

// overlayKeys drive the help and table overlays.
type overlayKeys struct {
	navKeys
	Close key.Binding
}

// promptKeys drive the filter prompt.
type promptKeys struct {
	Apply, Cancel key.Binding
}

// hints are help-only entries that stand for several bindings in the
// footer; they are never matched.
type hints struct{ Classes key.Binding }

// keyMap is every binding, grouped by scope. Bindings in one scope (global
// plus the focused part) never share a key; TestKeyMapNoConflicts checks.
type keyMap struct {
	Global  globalKeys
	List    listKeys
	Detail  navKeys
	Overlay overlayKeys
	Prompt  promptKeys
	Hints   hints
}

func newNav(what string) navKeys {
	return navKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top of "+what)),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom of "+what)),
	}
}

// defaultKeyMap returns the bindings edgetop starts with.
func defaultKeyMap() keyMap {
	list := newNav("list")
	list.Bottom.SetHelp("G/end", "newest, follow live")
	return keyMap{
		Global: globalKeys{
			Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
			Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Table:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "codes")),
			Pause:       key.NewBinding(key.WithKeys("p", "space"), key.WithHelp("p", "pause")),
			Faster:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
			Slower:      key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "slower")),
			Mouse:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mouse capture on/off")),
			Pane:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "detail pane on/off")),
			Focus:       key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "list/pane focus")),
			Class2:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "toggle 2xx")),
			Class3:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "toggle 3xx")),
			Class4:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "toggle 4xx")),
			Class5:      key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "toggle 5xx")),
			ClassNet:    key.NewBinding(key.WithKeys("x", "0"), key.WithHelp("x/0", "toggle transport errors")),
			Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
			ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"), key.WithDisabled()),
		},
		List: listKeys{
			navKeys:   list,
			NextError: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next error")),
			PrevError: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous error")),
			Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read the row in the pane")),
		},
		Detail: newNav("pane"),
		Overlay: overlayKeys{
			navKeys: newNav("page"),
			Close:   key.NewBinding(key.WithKeys("esc", "?", "t"), key.WithHelp("esc", "close")),
		},
		Hints: hints{Classes: key.NewBinding(key.WithKeys("2"), key.WithHelp("2-5/x", "classes"))},
		Prompt: promptKeys{
			Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		},
	}
}

func (n navKeys) bindings() []key.Binding {
	return []key.Binding{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}
}

func (g globalKeys) bindings() []key.Binding {
	return []key.Binding{
		g.Quit, g.Help, g.Table, g.Pause, g.Faster, g.Slower, g.Mouse, g.Pane, g.Focus,
		g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet, g.Filter, g.ClearFilter,
	}
}

func (l listKeys) bindings() []key.Binding {
	return append(l.navKeys.bindings(), l.NextError, l.PrevError, l.Open)
}

// scopes returns the sets of bindings that are live together: the global
// keys with the focused part's, and a modal's keys with quit.
func (k keyMap) scopes() map[string][]key.Binding {
	return map[string][]key.Binding{
		"list":    append(k.Global.bindings(), k.List.bindings()...),
		"detail":  append(k.Global.bindings(), append(k.Detail.bindings(), k.List.NextError, k.List.PrevError)...),
		"overlay": append(k.Overlay.bindings(), k.Overlay.Close, k.Global.Quit),
		"prompt":  {k.Prompt.Apply, k.Prompt.Cancel, k.Global.Quit},
	}
}

// shortHelp is the footer's help: the most used keys for the focused part,
// or for the overlay when one is open.
func (k keyMap) shortHelp(f focus, overlay bool) []key.Binding {
	g := k.Global
	if overlay {
		o := k.Overlay
		return []key.Binding{o.Close, o.Down, o.PageDown, o.Top, o.Bottom, g.Quit}
	}
	if f == focusDetail {
		return []key.Binding{k.Detail.Down, g.Focus, k.List.NextError, g.Filter, k.Hints.Classes, g.Pause, g.Table, g.Help, g.Quit}
	}
	return []key.Binding{k.List.NextError, g.Filter, k.Hints.Classes, g.Pause, g.Table, g.Help, g.Quit}
}

// fullHelp is the help overlay: every binding, in columns.
func (k keyMap) fullHelp() [][]key.Binding {
	g := k.Global
	return [][]key.Binding{
		k.List.bindings(),
		{g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet, g.Filter, g.ClearFilter},
		{g.Pause, g.Faster, g.Slower, g.Focus, g.Pane, g.Mouse},
		{g.Table, g.Help, g.Quit, k.Overlay.Close},
	}
}
