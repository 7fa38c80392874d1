package ui

import (
	"strings"
	"testing"
	"time"

	"edgetop/ui/list"
	"edgetop/ui/theme"

	"charm.land/lipgloss/v2"
)

func TestComputeLayout(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		st           layoutState
		tooSmall     bool
		list, detail rect
		stacked      bool
	}{
		{name: "79x24 too small", w: 79, h: 24, tooSmall: true},
		{name: "80x23 too small", w: 80, h: 23, tooSmall: true},
		{name: "0x0", w: 0, h: 0, tooSmall: true},
		{name: "80x24 stacked", w: 80, h: 24, list: rect{0, 2, 80, 10}, detail: rect{0, 12, 80, 11}, stacked: true},
		{name: "80x24 pane hidden", w: 80, h: 24, st: layoutState{PaneHidden: true}, list: rect{0, 2, 80, 21}},
		{name: "120x40 side", w: 120, h: 40, list: rect{0, 2, 69, 37}, detail: rect{69, 2, 51, 37}},
		{name: "120x40 overlay", w: 120, h: 40, st: layoutState{Overlay: true}, list: rect{0, 2, 120, 37}},
		{name: "200x60 side", w: 200, h: 60, list: rect{0, 2, 116, 57}, detail: rect{116, 2, 84, 57}},
		{name: "109x30 stacked", w: 109, h: 30, list: rect{0, 2, 109, 13}, detail: rect{0, 15, 109, 14}, stacked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := computeLayout(tt.w, tt.h, tt.st)
			if l.TooSmall != tt.tooSmall {
				t.Fatalf("TooSmall = %v", l.TooSmall)
			}
			if tt.tooSmall {
				return
			}
			if l.List != tt.list || l.Detail != tt.detail || l.Stacked != tt.stacked {
				t.Errorf("list %+v detail %+v stacked %v; want %+v %+v %v", l.List, l.Detail, l.Stacked, tt.list, tt.detail, tt.stacked)
			}
			if l.Header.H+l.Stats.H+l.Body.H+l.Footer.H != tt.h {
				t.Errorf("rows do not add up to %d", tt.h)
			}
			if l.Footer.Y != tt.h-1 {
				t.Errorf("footer at %d", l.Footer.Y)
			}
			if !l.Detail.Empty() && !l.Stacked && l.List.W+l.Detail.W != tt.w {
				t.Errorf("columns do not add up to %d", tt.w)
			}
		})
	}
}

// TestLayoutConstants checks the breakpoints against each other (pug's
// init() invariant, as a test).
func TestLayoutConstants(t *testing.T) {
	frame := theme.NoColorTheme().Frame.GetHorizontalFrameSize()
	if sideBySideWidth < minWidth {
		t.Error("sideBySideWidth < minWidth")
	}
	if lw := max(listMinWidth, sideBySideWidth*sideListShare/100); sideBySideWidth-lw < 40 {
		t.Errorf("detail pane only %d wide at the side-by-side breakpoint", sideBySideWidth-lw)
	}
	if listMinWidth-frame < list.MinRowWidth {
		t.Errorf("list inner width %d below list.MinRowWidth %d", listMinWidth-frame, list.MinRowWidth)
	}
	if minWidth-frame < list.MinRowWidth {
		t.Error("minWidth too narrow for a row")
	}
	// At the minimum height the stacked list still shows rows.
	l := computeLayout(minWidth, minHeight, layoutState{})
	if l.List.H-theme.NoColorTheme().Frame.GetVerticalFrameSize()-1 < 3 {
		t.Errorf("stacked list at minimum size shows %d rows", l.List.H-3)
	}
}

// TestNoPanicAnySize renders every size from 0×0 to 130×45 (and a few big
// ones) with data in every state: nothing may panic.
func TestNoPanicAnySize(t *testing.T) {
	a := newTestApp(t)
	feed(a, sampleRecords()...)
	for w := 0; w <= 130; w += 7 {
		for h := 0; h <= 45; h += 4 {
			resize(a, w, h)
			_ = a.View()
			a.state.PaneHidden = !a.state.PaneHidden
			_ = a.View()
		}
	}
	resize(a, 1000, 300)
	_ = a.View()
	resize(a, 81, 24)
	press(a, "?")
	_ = a.View()
	press(a, "t")
	_ = a.View()
}

// TestFrameFillsScreenExactly: at every width and height around the
// breakpoints, in every screen state, the frame has exactly h lines of
// exactly w cells (nothing wraps, nothing is left over from a longer
// frame).
func TestFrameFillsScreenExactly(t *testing.T) {
	var a *App
	type size struct{ w, h int }
	var sizes []size
	for w := 0; w <= 130; w++ {
		sizes = append(sizes, size{w, 24})
	}
	for h := 0; h <= 45; h++ {
		sizes = append(sizes, size{80, h}, size{200, h})
	}
	states := map[string]func(){
		"list":     func() {},
		"pane":     func() { press(a, "tab", "j") },
		"hidden":   func() { press(a, "v") },
		"help":     func() { press(a, "?", "G") },
		"table":    func() { press(a, "t", "pgdown") },
		"prompt":   func() { press(a, "/", "L", "i") },
		"paused":   func() { press(a, "p", "4") },
		"notice":   func() { press(a, "g", "N") },
		"scrolled": func() { press(a, "g", "j") },
	}
	for name, setup := range states {
		a = newTestApp(t, func(d *Deps) { d.Session.(*fakeSession).st.Interval = 200 * time.Millisecond })
		feed(a, sampleRecords()...)
		resize(a, 120, 40)
		setup()
		for _, s := range sizes {
			resize(a, s.w, s.h)
			out := a.render()
			if s.w == 0 || s.h == 0 {
				if out != "" {
					t.Fatalf("%s %dx%d: frame at zero size", name, s.w, s.h)
				}
				continue
			}
			lines := strings.Split(out, "\n")
			if len(lines) != s.h {
				t.Fatalf("%s %dx%d: %d lines", name, s.w, s.h, len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w != s.w {
					t.Fatalf("%s %dx%d: line %d is %d wide: %q", name, s.w, s.h, i, w, l)
				}
			}
		}
	}
}
