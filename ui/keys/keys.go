// Package keys is edgetop's keymap: every binding, grouped by scope, with
// its help, built by a function (Default), never a mutable global. The
// dashboard matches keys only through it, and its footer and help
// overlay are drawn from it.
package keys

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Global keys work whatever has the focus (unless an overlay or the filter
// prompt captures input; quit always works).
type Global struct {
	Quit, Help, Table, Pause, Faster, Slower, Mouse, Pane, Focus  key.Binding
	Class2, Class3, Class4, Class5, ClassNet, Filter, ClearFilter key.Binding
	// ErrorsOnly shows 4xx, 5xx and transport errors only (again: all).
	ErrorsOnly key.Binding
	// Search highlights matches without hiding the rest; MatchesOnly
	// turns the search into the filter.
	Search, MatchesOnly key.Binding
	// Summary opens the failure summary; Export writes the filtered view
	// to a file; Time cycles the list's clock (local, UTC, relative).
	Summary, Export, Time key.Binding
	// YankCurl and YankJSON copy the selected request (OSC 52).
	YankCurl, YankJSON key.Binding
	// Tour ends the demo and starts the guided tour (in the demo only).
	Tour key.Binding
	// Devices switches the body between the request log and the device
	// pane.
	Devices key.Binding
	// Actions opens the operator's actions on the selected device (off
	// with --read-only, in a replay, without a session).
	Actions key.Binding
}

// Replay keys drive a replayed recording (enabled only in a replay).
type Replay struct {
	Step, Back, Forward, BackMore, ForwardMore key.Binding
}

// Nav keys move within a scrollable region (the list, the pane, an overlay).
type Nav struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// List keys are the request list's own keys.
type List struct {
	Nav
	NextError, PrevError key.Binding
	// Open moves the focus to the pane to read the selected row.
	Open key.Binding
}

// Overlay keys drive the help and table overlays.
type Overlay struct {
	Nav
	Close key.Binding
}

// Prompt keys drive the filter prompt.
type Prompt struct {
	Apply, Cancel key.Binding
}

// Hints are help-only entries that stand for several bindings in the
// footer; they are never matched.
type Hints struct{ Classes key.Binding }

// KeyMap is every binding, grouped by scope. Bindings in one scope (global
// plus the focused part) never share a key; TestKeyMapNoConflicts checks.
type KeyMap struct {
	Global  Global
	List    List
	Detail  Nav
	Overlay Overlay
	Prompt  Prompt
	Replay  Replay
	Summary Summary
	Hints   Hints
	// DeviceList is the device pane's list.
	DeviceList DeviceList
	// Actions drive the action dialogs (actions.go).
	Actions Actions
}

// DeviceList keys drive the device pane's list (D): the navigation keys,
// and Apply filters the log to the selected device.
type DeviceList struct {
	Nav
	Apply key.Binding
}

// Bindings lists the bindings.
func (d DeviceList) Bindings() []key.Binding { return append(d.Nav.Bindings(), d.Apply) }

// Summary keys drive the failure summary overlay.
type Summary struct {
	Nav
	Sort, Copy, Apply key.Binding
}

// NewNav is the scrolling bindings of a region named what.
func NewNav(what string) Nav {
	return Nav{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup/^b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn/^f", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top of "+what)),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom of "+what)),
	}
}

// Default returns the bindings edgetop starts with.
func Default() KeyMap {
	list := NewNav("list")
	list.Bottom.SetHelp("G/end", "newest, follow live")
	return KeyMap{
		Global: Global{
			Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
			Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Table:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "codes")),
			Pause:       key.NewBinding(key.WithKeys("p", "space"), key.WithHelp("p/space", "pause")),
			Faster:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/=", "faster")),
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
			ErrorsOnly:  key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "errors only")),
			Search:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "search")),
			MatchesOnly: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "matches only"), key.WithDisabled()),
			Summary:     key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "failure summary")),
			Export:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export view")),
			Time:        key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "time local/UTC/relative")),
			YankCurl:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
			YankJSON:    key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy as JSON")),
			Tour:        key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "guided tour"), key.WithDisabled()),
			Devices:     key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "devices/log")),
			Actions:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "act on the device")),
		},
		Actions: defaultActions(),
		DeviceList: DeviceList{
			Nav:   NewNav("devices"),
			Apply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "(in D) the device's log")),
		},
		Replay: Replay{
			Step:        key.NewBinding(key.WithKeys("."), key.WithHelp(".", "step (paused)"), key.WithDisabled()),
			Back:        key.NewBinding(key.WithKeys("["), key.WithHelp("[", "back 10s"), key.WithDisabled()),
			Forward:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "forward 10s"), key.WithDisabled()),
			BackMore:    key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "back 1m"), key.WithDisabled()),
			ForwardMore: key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "forward 1m"), key.WithDisabled()),
		},
		Summary: Summary{
			Nav:   NewNav("summary"),
			Sort:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort by count/recent")),
			Copy:  key.NewBinding(key.WithKeys("y", "c"), key.WithHelp("y", "copy as text")),
			Apply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "filter the log to it")),
		},
		List: List{
			Nav:       list,
			NextError: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next error")),
			PrevError: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous error")),
			Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read the row in the pane")),
		},
		Detail: NewNav("pane"),
		Overlay: Overlay{
			Nav:   NewNav("page"),
			Close: key.NewBinding(key.WithKeys("esc", "?", "t"), key.WithHelp("esc", "close")),
		},
		Hints: Hints{Classes: key.NewBinding(key.WithKeys("2"), key.WithHelp("2-5/x", "classes"))},
		Prompt: Prompt{
			Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		},
	}
}

// Bindings lists the bindings.
func (n Nav) Bindings() []key.Binding {
	return []key.Binding{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}
}

// Bindings lists the bindings.
func (g Global) Bindings() []key.Binding {
	return []key.Binding{
		g.Quit, g.Help, g.Table, g.Pause, g.Faster, g.Slower, g.Mouse, g.Pane, g.Focus,
		g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet, g.Filter, g.ClearFilter,
		g.ErrorsOnly, g.Search, g.MatchesOnly, g.Summary, g.Export, g.Time, g.YankCurl, g.YankJSON, g.Tour, g.Devices,
		g.Actions,
	}
}

// Bindings lists the bindings.
func (r Replay) Bindings() []key.Binding {
	return []key.Binding{r.Step, r.Back, r.Forward, r.BackMore, r.ForwardMore}
}

// Bindings lists the bindings.
func (s Summary) Bindings() []key.Binding {
	return append(s.Nav.Bindings(), s.Sort, s.Copy, s.Apply)
}

// Bindings lists the bindings.
func (l List) Bindings() []key.Binding {
	return append(l.Nav.Bindings(), l.NextError, l.PrevError, l.Open)
}

// Scopes returns the sets of bindings that are live together: the global
// keys with the focused part's, and a modal's keys with quit.
func (k KeyMap) Scopes() map[string][]key.Binding {
	return map[string][]key.Binding{
		"list":    slices.Concat(k.Global.Bindings(), k.Replay.Bindings(), k.List.Bindings()),
		"detail":  slices.Concat(k.Global.Bindings(), k.Replay.Bindings(), k.Detail.Bindings(), []key.Binding{k.List.NextError, k.List.PrevError}),
		"devices": slices.Concat(k.Global.Bindings(), k.Replay.Bindings(), k.DeviceList.Bindings()),
		"overlay": append(k.Overlay.Bindings(), k.Overlay.Close, k.Global.Quit),
		"summary": append(k.Summary.Bindings(), k.Overlay.Close, k.Global.Quit),
		"prompt":  {k.Prompt.Apply, k.Prompt.Cancel, k.Global.Quit},
		// The action dialogs (a).
		"action menu":    k.Actions.MenuBindings(k.Global.Quit),
		"action form":    k.Actions.FormBindings(k.Global.Quit),
		"action confirm": k.Actions.ConfirmBindings(k.Global.Quit),
	}
}

// Context is what has the keys: the list, the detail pane, or an
// overlay covering them.
type Context uint8

// The contexts of the footer's help.
const (
	ContextList Context = iota
	ContextDetail
	ContextOverlay
	// ContextDevices: the device pane is shown (D).
	ContextDevices
)

// ShortHelp is the footer's help: the most used keys of the context.
func (k KeyMap) ShortHelp(c Context) []key.Binding {
	g := k.Global
	g.Pause = short(g.Pause, "p") // every key of it is in the full help
	switch c {
	case ContextOverlay:
		o := k.Overlay
		return []key.Binding{o.Close, o.Down, o.PageDown, o.Top, o.Bottom, g.Quit}
	case ContextDetail:
		return []key.Binding{k.Detail.Down, g.Focus, k.List.NextError, g.Filter, k.Hints.Classes, g.Pause, g.Table, g.Help, g.Quit}
	case ContextDevices:
		d := k.DeviceList
		apply, back := d.Apply, g.Devices
		apply.SetHelp("enter", "filter the log")
		back.SetHelp("D", "log")
		return []key.Binding{apply, back, d.Down, g.Focus, g.Filter, g.Help, g.Quit}
	}
	return []key.Binding{k.List.NextError, g.Filter, k.Hints.Classes, g.Pause, g.Table, g.Tour, g.Help, g.Quit}
}

// short is b with a shorter key label, for the footer.
func short(b key.Binding, label string) key.Binding {
	b.SetHelp(label, b.Help().Desc)
	return b
}

// FullHelp is the help overlay: every binding, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	g := k.Global
	return [][]key.Binding{
		k.List.Bindings(),
		{g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet, g.ErrorsOnly, g.Filter, g.ClearFilter, g.Search, g.MatchesOnly},
		{g.Pause, g.Faster, g.Slower, g.Focus, g.Pane, g.Mouse, g.Time, g.Devices, k.DeviceList.Apply},
		{g.Actions, g.Summary, g.Export, g.YankCurl, g.YankJSON, k.Replay.Step, k.Replay.Back, k.Replay.Forward, k.Replay.BackMore, k.Replay.ForwardMore},
		{g.Table, g.Tour, g.Help, g.Quit, k.Overlay.Close},
	}
}

// Move is how far a navigation key moves in a region of a page of page
// rows and end rows in all (Top and Bottom go all the way); ok is false
// when msg is no navigation key.
func (n Nav) Move(msg tea.KeyPressMsg, page, end int) (delta int, ok bool) {
	switch {
	case key.Matches(msg, n.Up):
		return -1, true
	case key.Matches(msg, n.Down):
		return 1, true
	case key.Matches(msg, n.PageUp):
		return -page, true
	case key.Matches(msg, n.PageDown):
		return page, true
	case key.Matches(msg, n.Top):
		return -end, true
	case key.Matches(msg, n.Bottom):
		return end, true
	}
	return 0, false
}
