package actions

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// input is one field of a form: what it asks for, how its text is checked
// (a TSL type, raw JSON, a function's name), and the text typed.
type input struct {
	label, hint string
	required    bool
	check       func(text string) (value any, problem string)
	ed          line
	value       any
	problem     string
	// touched is set once the field was left or the form submitted: an
	// empty required field says so only then.
	touched bool
}

// validate checks the field's text.
func (in *input) validate() { in.value, in.problem = in.check(in.ed.Text) }

// shown is the problem to show beside the field, "" for none.
func (in *input) shown() string {
	if in.problem != "" && (in.touched || strings.TrimSpace(in.ed.Text) != "") {
		return in.problem
	}
	return ""
}

// Form is a dialog of fields, each checked as it is typed, with the
// reason next to a field that does not validate. Submit is refused until
// every field validates; then an action that changes a device goes on to
// the confirmation, any other is sent.
type Form struct {
	env    *Env
	title  string
	intro  []string
	fields []*input
	focus  int
	// build makes the action from the fields' values, or says why the
	// form as a whole cannot be sent ("fill in at least one property").
	build   func(values []any) (session.Action, string)
	problem string
	w, h    int
	top     int // the first field shown
}

// newForm is a form of fields, each validated once (a required field is
// wrong while empty).
func newForm(env *Env, title string, intro []string, fields []*input, build func([]any) (session.Action, string)) *Form {
	f := &Form{env: env, title: title, intro: intro, fields: fields, build: build}
	for _, in := range fields {
		in.validate()
	}
	return f
}

func (f *Form) Place() modal.Place { return modal.Body }
func (f *Form) Title() string      { return f.title }

// TakesText says the form takes typed text: q types a q.
func (f *Form) TakesText() bool { return true }

func (f *Form) SetSize(w, h int) {
	f.w, f.h = max(w, 0), max(h, 0)
	f.scroll()
}

// SetText types text into field i (as if typed there), for tests and for
// a value to start with.
func (f *Form) SetText(i int, text string) {
	if i >= 0 && i < len(f.fields) {
		f.fields[i].ed.set(text)
		f.fields[i].validate()
	}
}

// Problem is the reason beside field i ("" when it validates or is not
// yet shown).
func (f *Form) Problem(i int) string {
	if i < 0 || i >= len(f.fields) {
		return ""
	}
	return f.fields[i].shown()
}

// HandleKey edits the focused field, moves between fields, submits or
// cancels.
func (f *Form) HandleKey(msg tea.KeyPressMsg) modal.Result {
	k := f.env.Keys.Actions
	switch {
	case key.Matches(msg, k.Cancel):
		return modal.Result{Close: true}
	case key.Matches(msg, k.Submit):
		return f.submit()
	case key.Matches(msg, k.Next):
		f.move(+1)
	case key.Matches(msg, k.Prev):
		f.move(-1)
	case len(f.fields) > 0:
		if in := f.fields[f.focus]; in.ed.edit(msg) {
			in.validate()
			f.problem = ""
		}
	}
	return modal.Result{}
}

// HandlePaste types a paste into the focused field (one line).
func (f *Form) HandlePaste(text string) {
	if len(f.fields) == 0 {
		return
	}
	in := f.fields[f.focus]
	in.ed.typeIn(strings.TrimRight(text, "\r\n"))
	in.validate()
	f.problem = ""
}

// move focuses the next (+1) or previous (-1) field; the one left is
// touched.
func (f *Form) move(d int) {
	if len(f.fields) == 0 {
		return
	}
	f.fields[f.focus].touched = true
	f.focus = max(0, min(f.focus+d, len(f.fields)-1))
	f.scroll()
}

// submit checks every field: the first wrong one takes the focus;
// otherwise the action goes to the confirmation (or is sent).
func (f *Form) submit() modal.Result {
	values := make([]any, len(f.fields))
	bad := -1
	for i, in := range f.fields {
		in.touched = true
		in.validate()
		if in.problem != "" && bad < 0 {
			bad = i
		}
		values[i] = in.value
	}
	if bad >= 0 {
		f.focus, f.problem = bad, ""
		f.scroll()
		return modal.Result{}
	}
	a, p := f.build(values)
	if p != "" {
		f.problem = p
		return modal.Result{}
	}
	if a.Kind.ChangesDevice() {
		return modal.Result{Close: true, Open: newConfirm(f.env, a, f)}
	}
	return modal.Result{Close: true, Msg: Send{Action: a}}
}

// fieldLines is the lines a field takes: its label and hint, its input,
// and a spacer (where a long reason goes).
const fieldLines = 3

// perPage is how many fields show at once.
func (f *Form) perPage() int { return max((f.h-len(f.intro)-2)/fieldLines, 1) }

// scroll keeps the focused field in sight.
func (f *Form) scroll() {
	n := f.perPage()
	if f.focus < f.top {
		f.top = f.focus
	}
	if f.focus >= f.top+n {
		f.top = f.focus - n + 1
	}
	f.top = max(0, min(f.top, len(f.fields)-n))
}

// View draws the intro, the fields in sight and the form's status line.
func (f *Form) View() []string {
	t := f.env.Theme
	out := make([]string, 0, f.h)
	for i, s := range f.intro {
		st := t.Muted
		if i == 0 {
			st = t.Bold
		}
		out = append(out, st.Render(termtext.Fit(" "+termtext.Sanitize(s), f.w)))
	}
	out = append(out, termtext.Fit("", f.w))
	for i := f.top; i < min(len(f.fields), f.top+f.perPage()); i++ {
		out = append(out, f.fieldView(t, i)...)
	}
	for len(out) < f.h-1 {
		out = append(out, termtext.Fit("", f.w))
	}
	out = append(out, f.status(t))
	return out[:min(len(out), f.h)]
}

// inputWidth is the cells of a field's input box.
func (f *Form) inputWidth() int { return max(12, min((f.w-8)/2, 48)) }

// fieldView draws field i: "▸ Label  hint", "   [text]  ✗ reason", and a
// spacer line that takes the reason when it does not fit beside.
func (f *Form) fieldView(t *theme.Theme, i int) []string {
	in := f.fields[i]
	focused := i == f.focus
	lead, label := "   ", t.Bold
	if focused {
		lead, label = " "+t.SelectedMarker+" ", t.Label
	}
	hint := termtext.Sanitize(in.hint)
	if in.required {
		hint += " · required"
	}
	head := lead + label.Render(termtext.Sanitize(in.label)) + "  " + t.Muted.Render(hint)
	iw := f.inputWidth()
	box := "   " + t.Muted.Render("[") + in.ed.view(t, iw, focused) + t.Muted.Render("]")
	spacer := ""
	if p := in.shown(); p != "" {
		reason := "✗ " + termtext.Sanitize(p)
		if room := f.w - termtext.Width(box) - 2; termtext.Width(reason) <= room {
			box += "  " + t.Err.Render(reason)
		} else {
			spacer = t.Err.Render(termtext.Fit("   "+reason, f.w))
		}
	}
	return []string{termtext.FitStyled(head, f.w), termtext.FitStyled(box, f.w), termtext.FitStyled(spacer, f.w)}
}

// status is the form's last line: why it cannot be sent, or how to send.
func (f *Form) status(t *theme.Theme) string {
	wrong := 0
	for _, in := range f.fields {
		if in.shown() != "" {
			wrong++
		}
	}
	switch {
	case wrong == 1:
		return t.Err.Render(termtext.Fit(" ✗ 1 field does not validate: fix it to send.", f.w))
	case wrong > 1:
		return t.Err.Render(termtext.Fit(" ✗ "+strconv.Itoa(wrong)+" fields do not validate: fix them to send.", f.w))
	case f.problem != "":
		return t.Err.Render(termtext.Fit(" ✗ "+f.problem, f.w))
	}
	more := ""
	if n := len(f.fields) - f.perPage(); n > 0 {
		more = " · " + strconv.Itoa(len(f.fields)) + " fields, tab for the next"
	}
	return t.Muted.Render(termtext.Fit(" enter: review and send"+more, f.w))
}

// ShortHelp is the form's keys.
func (f *Form) ShortHelp() []key.Binding {
	k := f.env.Keys.Actions
	return []key.Binding{k.Next, k.Prev, k.Submit, k.Cancel}
}
