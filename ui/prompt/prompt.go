// Package prompt is the one-line editor in the footer for the filter and
// the search: a modal dialog. Every edit is sent as it is typed (the
// dashboard applies it live); Enter keeps it, Esc goes back to the text the
// prompt opened with. A text the dashboard could not use is shown as such,
// the wrong part marked, with the reason. Typed and pasted text is
// sanitised, one line, bounded.
package prompt

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/ui/keys"
	"edgetop/ui/lineedit"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// MaxBytes bounds the text (a paste can be anything).
const MaxBytes = 400

// Kind says what the prompt edits.
type Kind uint8

// The prompts.
const (
	Filter Kind = iota // the filter: hides what does not match
	Search             // the search: highlights what matches
	Export             // a file name: where to export the view
)

// Changed is sent after every edit, with the whole text.
type Changed struct {
	Kind Kind
	Text string
}

// Applied is sent when Enter keeps the text.
type Applied struct {
	Kind Kind
	Text string
}

// Cancelled is sent when Esc goes back: Text is what the prompt opened
// with.
type Cancelled struct {
	Kind Kind
	Text string
}

// Problem is why the text cannot be used: the byte range [Pos, End) of the
// text that is wrong, and a short reason.
type Problem struct {
	Pos, End int
	Msg      string
}

// Prompt is the prompt's state.
type Prompt struct {
	t    *theme.Theme
	k    keys.Prompt
	kind Kind
	// orig is the text it opened with, for Esc.
	orig string
	ed   lineedit.Line
	w    int
	// problem is set while the text cannot be used.
	problem *Problem
}

// New opens a prompt of kind with text (the current filter or search).
func New(t *theme.Theme, k keys.Prompt, kind Kind, text string) *Prompt {
	p := &Prompt{t: t, k: k, kind: kind, orig: text, ed: lineedit.Line{Max: MaxBytes}}
	p.ed.Set(text)
	return p
}

// Text is what was typed.
func (p *Prompt) Text() string { return p.ed.Text }

// Kind says what the prompt edits.
func (p *Prompt) Kind() Kind { return p.kind }

// SetProblem marks the text unusable (nil: it is fine).
func (p *Prompt) SetProblem(pr *Problem) { p.problem = pr }

// Problem is why the text cannot be used, nil when it can.
func (p *Prompt) Problem() *Problem { return p.problem }

func (p *Prompt) Place() modal.Place { return modal.Footer }
func (p *Prompt) SetSize(w, _ int)   { p.w = w }
func (p *Prompt) ShortHelp() []key.Binding {
	return []key.Binding{p.k.Apply, p.k.Cancel}
}

// Title names the prompt.
func (p *Prompt) Title() string {
	switch p.kind {
	case Search:
		return "search"
	case Export:
		return "export"
	}
	return "filter"
}

// HandleKey edits the text; Enter keeps it, Esc goes back.
func (p *Prompt) HandleKey(msg tea.KeyPressMsg) modal.Result {
	switch {
	case key.Matches(msg, p.k.Apply):
		return modal.Result{Close: true, Msg: Applied{Kind: p.kind, Text: p.ed.Text}}
	case key.Matches(msg, p.k.Cancel):
		return modal.Result{Close: true, Msg: Cancelled{Kind: p.kind, Text: p.orig}}
	}
	before := p.ed.Text
	if !p.ed.Edit(msg) {
		return modal.Result{}
	}
	return p.changed(before)
}

// changed reports an edit, if the text changed.
func (p *Prompt) changed(before string) modal.Result {
	if p.ed.Text == before {
		return modal.Result{}
	}
	return modal.Result{Msg: Changed{Kind: p.kind, Text: p.ed.Text}}
}

// HandlePaste types a bracketed paste (a copied line often brings its
// line break along). The dashboard hears of it through Pasted.
func (p *Prompt) HandlePaste(s string) {
	p.ed.TypeIn(strings.TrimRight(s, "\r\n"))
}

// Pasted is the message a paste amounts to: the text as it now is.
func (p *Prompt) Pasted() tea.Msg { return Changed{Kind: p.kind, Text: p.ed.Text} }

// View is the footer line: the text with the cursor, the wrong part
// marked, then the reason or a hint.
func (p *Prompt) View() []string {
	t := p.t
	lead := " /"
	hint := "  enter keep · esc back · e.g. 5xx op:Set* >200ms !dev:Light0*"
	switch p.kind {
	case Search:
		lead, hint = " search: ", "  enter keep · esc back · n/N between matches · S matches only"
	case Export:
		lead, hint = " export view to: ", "  enter write · esc cancel · .jsonl .har .csv .sh (curl)"
	}
	var b strings.Builder
	b.WriteString(t.Key.Render(lead))
	pr := p.problem
	for i, r := range p.ed.Text {
		s := string(r)
		switch {
		case i == p.ed.Cur:
			b.WriteString(t.Selected.Render(s))
		case pr != nil && i >= pr.Pos && (i < pr.End || pr.End <= pr.Pos && i == pr.Pos):
			b.WriteString(t.Wrong.Render(s))
		default:
			b.WriteString(t.Text.Render(s))
		}
	}
	if p.ed.Cur >= len(p.ed.Text) {
		b.WriteString(t.Selected.Render(" "))
	}
	if pr != nil {
		if pr.Pos >= len(p.ed.Text) && p.ed.Cur < len(p.ed.Text) {
			b.WriteString(t.Wrong.Render(" "))
		}
		b.WriteString(t.Err.Render("  ✗ " + termtext.Sanitize(pr.Msg)))
	} else {
		b.WriteString(t.Desc.Render(hint))
	}
	return []string{termtext.FitStyled(b.String(), p.w)}
}
