// Package prompt is the filter prompt: a one-line editor in the footer,
// a modal dialog. Enter applies the text, Esc cancels; typed and pasted
// text is sanitised, one line, bounded.
package prompt

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// MaxBytes bounds the text (a paste can be anything).
const MaxBytes = 200

// Applied is the message a prompt sends when Enter applies its text.
type Applied struct{ Text string }

// Prompt is the filter prompt's state.
type Prompt struct {
	t    *theme.Theme
	k    keys.Prompt
	text string
	w    int
}

// New opens the prompt with text (the filter's current one).
func New(t *theme.Theme, k keys.Prompt, text string) *Prompt {
	p := &Prompt{t: t, k: k}
	p.typeIn(text)
	return p
}

// Text is what was typed.
func (p *Prompt) Text() string { return p.text }

func (p *Prompt) Place() modal.Place       { return modal.Footer }
func (p *Prompt) Title() string            { return "filter" }
func (p *Prompt) SetSize(w, _ int)         { p.w = w }
func (p *Prompt) ShortHelp() []key.Binding { return []key.Binding{p.k.Apply, p.k.Cancel} }

// HandleKey edits the text; Enter applies it, Esc cancels.
func (p *Prompt) HandleKey(msg tea.KeyPressMsg) modal.Result {
	switch {
	case key.Matches(msg, p.k.Apply):
		return modal.Result{Close: true, Msg: Applied{Text: p.text}}
	case key.Matches(msg, p.k.Cancel):
		return modal.Result{Close: true}
	case msg.Code == tea.KeyBackspace:
		if _, size := utf8.DecodeLastRuneInString(p.text); size > 0 {
			p.text = p.text[:len(p.text)-size]
		}
	case msg.Text != "":
		p.typeIn(msg.Text)
	}
	return modal.Result{}
}

// HandlePaste types a bracketed paste (a copied line often brings its
// line break along).
func (p *Prompt) HandlePaste(s string) { p.typeIn(strings.TrimRight(s, "\r\n")) }

// typeIn adds text, sanitised, one line, cut at a rune boundary within
// MaxBytes.
func (p *Prompt) typeIn(s string) {
	s = p.text + termtext.Sanitize(s)
	for len(s) > MaxBytes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	p.text = s
}

// View is the footer line.
func (p *Prompt) View() []string {
	return []string{termtext.FitStyled(p.t.Key.Render(" /")+p.t.Text.Render(p.text)+p.t.Selected.Render(" ")+
		p.t.Desc.Render("  enter apply · esc cancel · empty clears"), p.w)}
}
