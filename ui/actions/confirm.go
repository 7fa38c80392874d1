package actions

import (
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
)

// maxBodyLines bounds the body a confirmation shows (a payload can be
// long; the log's row has all of it).
const maxBodyLines = 8

// confirm asks before an action that changes a device is sent, showing
// the exact request: "Set Brightness=40 on a1LgtQx7n42/Light01? y/n".
type confirm struct {
	env *Env
	a   session.Action
	// back is the form to go back to with n (nil: n closes).
	back modal.Modal
	w, h int
}

// newConfirm asks for a.
func newConfirm(env *Env, a session.Action, back modal.Modal) *confirm {
	return &confirm{env: env, a: a, back: back}
}

func (c *confirm) Place() modal.Place { return modal.Body }
func (c *confirm) Title() string      { return "confirm · " + c.a.Kind.Operation() }
func (c *confirm) SetSize(w, h int)   { c.w, c.h = max(w, 0), max(h, 0) }

// Question is what the dialog asks: the action's summary, capitalised,
// with "? y/n".
func (c *confirm) Question() string { return capitalise(c.a.Summary()) + "? y/n" }

// HandleKey sends, goes back or cancels.
func (c *confirm) HandleKey(msg tea.KeyPressMsg) modal.Result {
	k := c.env.Keys.Actions
	switch {
	case key.Matches(msg, k.Yes):
		return modal.Result{Close: true, Msg: Send{Action: c.a}}
	case key.Matches(msg, k.No) && c.back != nil:
		return modal.Result{Close: true, Open: c.back}
	case key.Matches(msg, k.No), key.Matches(msg, k.Cancel):
		return modal.Result{Close: true}
	}
	return modal.Result{}
}

// View is the question, what it changes, and the request as it will be
// sent.
func (c *confirm) View() []string {
	t := c.env.Theme
	blank := termtext.Fit("", c.w)
	out := []string{blank}
	for _, l := range wrapLines(" "+termtext.Sanitize(c.Question()), c.w) {
		out = append(out, t.Bold.Render(termtext.Fit(l, c.w)))
	}
	what := "This changes the device. edgetop sends:"
	switch c.a.Kind {
	case session.ActionEnableScene, session.ActionDisableScene:
		what = "This changes the gateway's scene, and what it does to its devices. edgetop sends:"
	case session.ActionInvokeFunction:
		what = "The function may change devices. edgetop sends:"
	}
	out = append(out, blank, t.Text.Render(termtext.Fit(" "+what, c.w)))
	method, path := c.a.Request(c.env.Version)
	out = append(out, t.Accent.Render(termtext.Fit("   "+method+" "+termtext.Sanitize(path), c.w)))
	body, err := c.a.Body()
	switch {
	case err != nil:
		out = append(out, t.Err.Render(termtext.Fit("   ✗ "+err.Error(), c.w)))
	case len(body) == 0:
		out = append(out, t.Muted.Render(termtext.Fit("   (no body)", c.w)))
	default:
		out = append(out, c.bodyLines(string(body))...)
	}
	out = append(out, blank, t.Muted.Render(termtext.Fit(" "+c.keysText(), c.w)))
	return out[:min(len(out), c.h)]
}

// bodyLines is the body, broken into lines of the width, at most
// maxBodyLines.
func (c *confirm) bodyLines(body string) []string {
	t := c.env.Theme
	body = termtext.Sanitize(body)
	w := max(c.w-4, 8)
	var out []string
	for len(body) > 0 && len(out) < maxBodyLines {
		n := cutBytes(body, w)
		out = append(out, t.Text.Render(termtext.Fit("   "+body[:n], c.w)))
		body = body[n:]
	}
	if len(body) > 0 {
		out = append(out, t.Muted.Render(termtext.Fit("   … (the log's row holds the whole body)", c.w)))
	}
	return out
}

// cutBytes is how many bytes of s fit in w cells.
func cutBytes(s string, w int) int {
	n, used := 0, 0
	for _, r := range s {
		cw := termtext.Width(string(r))
		if used+cw > w {
			break
		}
		used += cw
		n += utf8.RuneLen(r)
	}
	return max(n, 1)
}

// keysText says the keys in the dialog itself.
func (c *confirm) keysText() string {
	if c.back != nil {
		return "y send · n back to the form · esc cancel"
	}
	return "y send · n or esc cancel"
}

// ShortHelp is the dialog's keys.
func (c *confirm) ShortHelp() []key.Binding {
	k := c.env.Keys.Actions
	if c.back == nil {
		return []key.Binding{k.Yes, k.Cancel}
	}
	return []key.Binding{k.Yes, k.No, k.Cancel}
}

// capitalise upper-cases the first letter.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
