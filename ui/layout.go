package ui

// Screen size breakpoints. TestLayoutConstants checks them against each
// other.
const (
	// minWidth and minHeight are the smallest screen drawn; below it the
	// "too small" screen says what is needed.
	minWidth  = 80
	minHeight = 24
	// sideBySideWidth is the narrowest screen with the detail pane beside
	// the list; narrower screens put it below the list.
	sideBySideWidth = 110
	// listMinWidth keeps the list's fixed columns readable beside the pane.
	listMinWidth = 64
	// stackedListShare is the list's share (percent) of the body height
	// when the pane sits below it.
	stackedListShare = 50
	// sideListShare is the list's share (percent) of the width beside the
	// pane.
	sideListShare = 58
	// chromeRows are the rows outside the body: header, stats strip and
	// footer, one row each.
	chromeRows = 3
)

// rect is a region of the screen in cells.
type rect struct{ X, Y, W, H int }

// Empty reports whether the region has no cells.
func (r rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// layoutState is the part of the UI state that changes the layout.
type layoutState struct {
	// PaneHidden hides the detail pane (the list takes the body).
	PaneHidden bool
	// Overlay is true while the help or the table overlay covers the body.
	Overlay bool
	// Strip is the rows of the strip above the footer: the tour's caption
	// or the demo's steps (0: none).
	Strip int
}

// layout is where every region goes. Regions include their frames.
type layout struct {
	W, H int
	// TooSmall is set below minWidth×minHeight; nothing else is set then.
	TooSmall bool
	Header   rect
	Stats    rect
	// Body is the whole area between the stats strip and the footer; the
	// overlays use it.
	Body   rect
	List   rect
	Detail rect // empty when hidden or covered by an overlay
	Footer rect
	// Strip is above the footer: the tour's caption, the demo's steps.
	Strip rect
	// Stacked is true when the detail pane sits below the list.
	Stacked bool
}

// computeLayout places every region for a w×h screen. It is pure.
//
// Side by side (w ≥ sideBySideWidth):
//
//	header ─────────────────────────────────────────
//	stats ──────────────────────────────────────────
//	┌ requests ───────────────┐┌ detail ────────────┐
//	│                         ││                    │
//	└─────────────────────────┘└────────────────────┘
//	footer ─────────────────────────────────────────
//
// Stacked (narrower):
//
//	header / stats
//	┌ requests ───────────────┐
//	└─────────────────────────┘
//	┌ detail ─────────────────┐
//	└─────────────────────────┘
//	footer
//
// With the pane hidden or an overlay open the list (or the overlay) takes
// the whole body.
func computeLayout(w, h int, st layoutState) layout {
	l := layout{W: w, H: h}
	if w < minWidth || h < minHeight {
		l.TooSmall = true
		return l
	}
	l.Header = rect{0, 0, w, 1}
	l.Stats = rect{0, 1, w, 1}
	l.Footer = rect{0, h - 1, w, 1}
	strip := min(max(st.Strip, 0), (h-chromeRows)/3)
	l.Body = rect{0, 2, w, h - chromeRows - strip}
	l.Strip = rect{0, h - 1 - strip, w, strip}
	if st.Overlay || st.PaneHidden {
		l.List = l.Body
		return l
	}
	b := l.Body
	if w >= sideBySideWidth {
		lw := max(listMinWidth, w*sideListShare/100)
		l.List = rect{b.X, b.Y, lw, b.H}
		l.Detail = rect{b.X + lw, b.Y, w - lw, b.H}
		return l
	}
	l.Stacked = true
	lh := b.H * stackedListShare / 100
	l.List = rect{b.X, b.Y, w, lh}
	l.Detail = rect{b.X, b.Y + lh, w, b.H - lh}
	return l
}
