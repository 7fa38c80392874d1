package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// frame renders the app and checks the frame's geometry: exactly h lines,
// none wider than w.
func frame(t *testing.T, a *App) string {
	t.Helper()
	s := a.render()
	lines := strings.Split(s, "\n")
	if len(lines) != a.height {
		t.Fatalf("frame has %d lines, want %d", len(lines), a.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != a.width {
			t.Fatalf("line %d is %d wide, want %d: %q", i, w, a.width, ansi.Strip(l))
		}
	}
	return s
}

// TestGolden snapshots every screen at 80×24 and 120×40 with the
// no-colour theme (refresh with `go test ./ui -run TestGolden -update`).
func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		setup func(a *App)
	}{
		{"main", func(a *App) {}},
		{"selected_4xx", func(a *App) { press(a, "k", "k", "k", "k", "k", "k") }},
		{"narrow_pane_hidden", func(a *App) { press(a, "v") }},
		{"filter_errors", func(a *App) { press(a, "2", "3") }},
		{"paused", func(a *App) {
			press(a, "p")
			feed(a, manyRecords(100, 120)...)
		}},
		{"help", func(a *App) { press(a, "?") }},
		{"filter_prompt_error", func(a *App) {
			press(a, "/")
			for _, r := range "5xx and (op:Get* or >200ms" {
				press(a, string(r))
			}
		}},
		{"search_active", func(a *App) {
			press(a, "s")
			for _, r := range "dev:Light01" {
				press(a, string(r))
			}
			press(a, "enter", "N", "N")
		}},
		{"table", func(a *App) { press(a, "t") }},
		{"detail_focused_scrolled", func(a *App) { press(a, "N", "tab", "j", "j") }},
	}
	for _, sc := range screens {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				a := newTestApp(t)
				resize(a, size[0], size[1])
				feed(a, sampleRecords()...)
				sc.setup(a)
				golden.RequireEqual(t, ansi.Strip(frame(t, a)))
			})
		}
	}
}

func TestGoldenTooSmall(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {79, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a := newTestApp(t)
			feed(a, sampleRecords()...)
			resize(a, size[0], size[1])
			golden.RequireEqual(t, frame(t, a))
		})
	}
}

// TestGoldenStyled keeps one styled frame per theme so colour changes show
// in review.
func TestGoldenStyled(t *testing.T) {
	for _, dark := range []bool{true, false} {
		t.Run(fmt.Sprintf("dark_%v", dark), func(t *testing.T) {
			a := newTestApp(t, func(d *Deps) { d.NoColor = false })
			a.setTheme(dark)
			resize(a, 120, 40)
			feed(a, sampleRecords()...)
			golden.RequireEqual(t, frame(t, a))
		})
	}
}
