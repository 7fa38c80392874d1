// Package theme is every style edgetop draws with: semantic colour tokens
// for a light or a dark background, built into one Theme per background
// (and one without colour for NO_COLOR), plus the glyph of each status
// class so that the screen reads without colour. Nothing outside this
// package builds a style (STYLE.md §7; a test in ui checks).
package theme

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"edgetop/model"
)

// palette holds the semantic colour tokens the theme is built from.
type palette struct {
	fg, fgMuted, accent, border, borderFocused color.Color
	ok, info, warn, err, net                   color.Color
}

// newPalette picks the tokens for a light or dark background.
func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		fg:            ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6edf3")),
		fgMuted:       ld(lipgloss.Color("#656d76"), lipgloss.Color("#8b949e")),
		accent:        ld(lipgloss.Color("#6639ba"), lipgloss.Color("#bc8cff")),
		border:        ld(lipgloss.Color("#d0d7de"), lipgloss.Color("#30363d")),
		borderFocused: ld(lipgloss.Color("#0969da"), lipgloss.Color("#58a6ff")),
		ok:            ld(lipgloss.Color("#1a7f37"), lipgloss.Color("#3fb950")),
		info:          ld(lipgloss.Color("#0e7490"), lipgloss.Color("#39c5cf")),
		warn:          ld(lipgloss.Color("#9a6700"), lipgloss.Color("#d29922")),
		err:           ld(lipgloss.Color("#cf222e"), lipgloss.Color("#f85149")),
		net:           ld(lipgloss.Color("#a0119e"), lipgloss.Color("#db61a2")),
	}
}

// classGlyphs gives each status class a glyph so the screen reads without
// colour (DESIGN.md, "The screen").
var classGlyphs = [...]string{
	model.ClassNet: "⚡",
	model.Class1xx: "·",
	model.Class2xx: "✓",
	model.Class3xx: "↪",
	model.Class4xx: "!",
	model.Class5xx: "✗",
}

// ClassGlyph returns the glyph of a status class.
func ClassGlyph(c model.Class) string {
	if int(c) < len(classGlyphs) {
		return classGlyphs[c]
	}
	return "?"
}

// Theme holds every style the UI draws with. Views never build styles: they
// take them from here (STYLE.md §7).
type Theme struct {
	// NoColor is true for the no-colour theme (NO_COLOR set).
	NoColor bool
	// Class styles a status class (2xx → ok, 3xx → info, 4xx → warn,
	// 5xx → err, transport → net + bold).
	Class [6]lipgloss.Style
	// ClassTitle is Class in bold: the heading of an explanation.
	ClassTitle [6]lipgloss.Style
	// Text, Muted, Bold and Accent are the plain text styles.
	Text, Muted, Bold, Accent lipgloss.Style

	// Warn marks states the operator should notice (INSECURE, PAUSED,
	// dropped records); Err marks failures (connection down).
	Warn, Err lipgloss.Style
	// Border and BorderFocused draw the pane frames (blurred, focused);
	// Title and TitleFocused the pane titles set into the top border.
	Border, BorderFocused, Title, TitleFocused lipgloss.Style
	// Selected is the selected row: reverse video, so it shows without
	// colour; SelectedMarker prefixes it for the same reason.
	Selected       lipgloss.Style
	SelectedMarker string
	// Header is the first line's base style; Key and Desc style the
	// footer's key help, Label the detail pane's section labels.
	Header, Key, Desc, Label lipgloss.Style
	// PaneBorder is the border set of both panes; its frame size is what
	// the layout subtracts (never a literal 2).
	PaneBorder lipgloss.Border
	// Frame is a style whose border gives the panes' frame sizes.
	Frame lipgloss.Style
	// MarkLost and MarkBack are the list's marker rows for an outage and
	// its end.
	MarkLost, MarkBack lipgloss.Style
	// Match is a search match's lead cells in the list (the rest of the
	// row keeps its class colour); MatchMarker prefixes the row, so a
	// match shows without colour too.
	Match       lipgloss.Style
	MatchMarker string
	// Wrong marks the part of a typed expression that is wrong.
	Wrong lipgloss.Style
	// Online and Offline are a device's status in the device pane (ok,
	// err); DeviceOther any other status (Inactivated, Failed).
	Online, Offline, DeviceOther lipgloss.Style
	// Row is the list rows' styles as Inks: Text, Match, Muted, Class.
	Row struct {
		Text, Match, Muted Ink
		Class              [6]Ink
	}
}

// NewTheme builds the colour theme for a light or dark background.
func NewTheme(isDark bool) *Theme {
	p := newPalette(isDark)
	t := &Theme{
		Text:   lipgloss.NewStyle().Foreground(p.fg),
		Muted:  lipgloss.NewStyle().Foreground(p.fgMuted),
		Bold:   lipgloss.NewStyle().Bold(true),
		Accent: lipgloss.NewStyle().Foreground(p.accent).Bold(true),
	}
	t.Class[model.Class1xx] = lipgloss.NewStyle().Foreground(p.fgMuted)
	t.Class[model.Class2xx] = lipgloss.NewStyle().Foreground(p.ok)
	t.Class[model.Class3xx] = lipgloss.NewStyle().Foreground(p.info)
	t.Class[model.Class4xx] = lipgloss.NewStyle().Foreground(p.warn)
	t.Class[model.Class5xx] = lipgloss.NewStyle().Foreground(p.err)
	t.Class[model.ClassNet] = lipgloss.NewStyle().Foreground(p.net).Bold(true)
	t.Warn = lipgloss.NewStyle().Foreground(p.warn).Bold(true)
	t.Err = lipgloss.NewStyle().Foreground(p.err).Bold(true)
	t.Border = lipgloss.NewStyle().Foreground(p.border)
	t.BorderFocused = lipgloss.NewStyle().Foreground(p.borderFocused)
	t.Title = lipgloss.NewStyle().Foreground(p.fgMuted).Bold(true)
	t.TitleFocused = lipgloss.NewStyle().Foreground(p.borderFocused).Bold(true)
	t.Selected = lipgloss.NewStyle().Reverse(true)
	t.Header = lipgloss.NewStyle().Foreground(p.fg).Bold(true)
	t.Key = lipgloss.NewStyle().Foreground(p.accent)
	t.Desc = lipgloss.NewStyle().Foreground(p.fgMuted)
	t.Label = lipgloss.NewStyle().Foreground(p.accent).Bold(true)
	finishTheme(t)
	return t
}

// finishTheme sets the parts both themes share.
func finishTheme(t *Theme) {
	t.SelectedMarker = "▸"
	t.PaneBorder = lipgloss.NormalBorder()
	t.Frame = lipgloss.NewStyle().Border(t.PaneBorder)
	for i := range t.Class {
		t.ClassTitle[i] = t.Class[i].Bold(true)
	}
	t.MarkLost, t.MarkBack = t.Err.Reverse(true), t.Class[model.Class2xx].Bold(true)
	t.Match, t.MatchMarker = t.Accent.Underline(true), "◆"
	t.Wrong = t.Err.Underline(true)
	t.Online, t.Offline, t.DeviceOther = t.Class[model.Class2xx], t.Err, t.Warn
	t.Row.Text, t.Row.Match, t.Row.Muted = InkOf(t.Text), InkOf(t.Match), InkOf(t.Muted)
	for i := range t.Class {
		t.Row.Class[i] = InkOf(t.Class[i])
	}
}

// NoColorTheme is the theme for NO_COLOR: no colour at all; emphasis and
// selection come from bold and reverse video, classes from their glyphs.
func NoColorTheme() *Theme {
	plain := lipgloss.NewStyle()
	t := &Theme{NoColor: true, Text: plain, Muted: plain, Bold: plain.Bold(true), Accent: plain.Bold(true)}
	for i := range t.Class {
		t.Class[i] = plain
	}
	t.Warn, t.Err = plain.Bold(true), plain.Bold(true)
	t.Border, t.BorderFocused = plain, plain.Bold(true)
	t.Title, t.TitleFocused = plain.Bold(true), plain.Bold(true).Reverse(true)
	t.Selected = plain.Reverse(true)
	t.Header = plain.Bold(true)
	t.Key, t.Desc, t.Label = plain.Bold(true), plain, plain.Bold(true)
	finishTheme(t)
	return t
}

// Help styles the bubbles help view from the theme.
func (t *Theme) Help() help.Styles {
	return help.Styles{
		Ellipsis: t.Desc, ShortKey: t.Key, ShortDesc: t.Desc, ShortSeparator: t.Muted,
		FullKey: t.Key, FullDesc: t.Desc, FullSeparator: t.Muted,
	}
}

// For picks the theme for a face: no colour when asked (NO_COLOR, or not
// a terminal), else the one for the background.
func For(noColor, dark bool) *Theme {
	if noColor {
		return NoColorTheme()
	}
	return NewTheme(dark)
}

// NoColorRequested reports whether the NO_COLOR convention asks for no
// colour: any non-empty value counts (https://no-color.org). Bubble Tea v2's
// colour profile honours only boolean values, so the UI checks this itself.
func NoColorRequested(getenv func(string) string) bool {
	return getenv("NO_COLOR") != ""
}
