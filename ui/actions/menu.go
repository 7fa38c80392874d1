// Package actions is the operator's action dialogs (a): a menu of what
// can be done to the selected device, the lists to pick a service, a
// scene or a device from, the forms that check typed values against the
// product's TSL (or, on 2019-09-30 where there is none, take raw JSON
// checked for syntax) with the reason next to a field that does not
// validate, and the confirmation of anything that changes a device, which
// shows the exact request. Each dialog is a modal.Modal; what it asks the
// session to do is a Send intent, and a dialog that waits for a read (the
// TSL, the scenes, the devices) takes its answer through Waiter.
package actions

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Env is what the dialogs of one flow share: the theme and keys, the
// session's API version and user, and the device acted on.
type Env struct {
	Theme *theme.Theme
	Keys  keys.KeyMap
	// Version is the session's API version; User its console user.
	Version, User string
	// ProductKey and DeviceName name the device ("" when none is
	// selected).
	ProductKey, DeviceName string
	// NextID numbers the actions, so an answer finds the dialog that
	// waits for it.
	NextID func() uint64
}

// device is "PK/DN".
func (e *Env) device() string { return e.ProductKey + "/" + e.DeviceName }

// hasDevice reports whether a device is selected.
func (e *Env) hasDevice() bool { return e.ProductKey != "" && e.DeviceName != "" }

// hasTSL reports whether the session's API has GetTSL (and scenes).
func (e *Env) hasTSL() bool { return e.Version != edgeclient.Version2019 }

// action is a new action of kind on the device, numbered.
func (e *Env) action(kind session.ActionKind) session.Action {
	a := session.Action{Kind: kind, ProductKey: e.ProductKey, DeviceName: e.DeviceName}
	if e.NextID != nil {
		a.ID = e.NextID()
	}
	return a
}

// Send asks the dashboard to hand an action to the session.
type Send struct{ Action session.Action }

// Waiter is a dialog that waits for the outcome of an action it sent (a
// read): Answer takes it when it is the one (by ID) and says what the
// dashboard does next.
type Waiter interface {
	Answer(r *session.ActionResult) (modal.Result, bool)
}

// item is one entry of a list: a label, a few words beside it, why it
// cannot be chosen ("" when it can), and what choosing it does.
type item struct {
	label, detail, disabled string
	choose                  func() modal.Result
}

// list is a dialog to choose one item from: the menu, and the lists of
// services, scenes and devices.
type list struct {
	env         *Env
	title       string
	intro, note []string
	items       []item
	digits      bool // 1-9 choose an item at once
	cursor, top int
	w, h        int
	status      string
}

func (l *list) Place() modal.Place { return modal.Body }
func (l *list) Title() string      { return l.title }

func (l *list) SetSize(w, h int) {
	l.w, l.h = max(w, 0), max(h, 0)
	l.clamp()
}

// rows is how many items show (the intro, the note and the status line
// take the rest).
func (l *list) rows() int { return max(l.h-len(l.intro)-len(l.note)-3, 1) }

func (l *list) clamp() {
	l.cursor = max(0, min(l.cursor, len(l.items)-1))
	l.top = max(0, min(l.top, l.cursor))
	if l.cursor >= l.top+l.rows() {
		l.top = l.cursor - l.rows() + 1
	}
}

// HandleKey moves, chooses or closes.
func (l *list) HandleKey(msg tea.KeyPressMsg) modal.Result {
	k := l.env.Keys.Actions
	l.status = ""
	switch {
	case key.Matches(msg, k.Cancel):
		return modal.Result{Close: true}
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.Choose):
		return l.choose(l.cursor)
	case l.digits && len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] <= '9':
		return l.choose(int(msg.Text[0] - '1'))
	}
	l.clamp()
	return modal.Result{}
}

// choose picks item i, or says why it cannot be picked.
func (l *list) choose(i int) modal.Result {
	if i < 0 || i >= len(l.items) {
		return modal.Result{}
	}
	l.cursor = i
	l.clamp()
	if it := l.items[i]; it.disabled != "" {
		l.status = it.label + ": " + it.disabled
		return modal.Result{}
	}
	return l.items[i].choose()
}

// View draws the intro, the items (the chosen one marked ▸, those that
// cannot be chosen muted) and the status or the note.
func (l *list) View() []string {
	t := l.env.Theme
	out := make([]string, 0, l.h)
	for _, s := range l.intro {
		out = append(out, t.Bold.Render(termtext.Fit(" "+termtext.Sanitize(s), l.w)))
	}
	out = append(out, termtext.Fit("", l.w))
	labelW := 0
	for _, it := range l.items {
		labelW = max(labelW, termtext.Width(it.label))
	}
	labelW = min(labelW, max(l.w/2-6, 8))
	for i := l.top; i < min(len(l.items), l.top+l.rows()); i++ {
		out = append(out, l.itemLine(t, i, labelW))
	}
	for len(out) < l.h-len(l.note)-1 {
		out = append(out, termtext.Fit("", l.w))
	}
	for _, s := range l.note {
		out = append(out, t.Muted.Render(termtext.Fit(" "+termtext.Sanitize(s), l.w)))
	}
	if l.status != "" {
		out = append(out, t.Warn.Render(termtext.Fit(" ✗ "+l.status, l.w)))
	} else {
		out = append(out, termtext.Fit("", l.w))
	}
	return out[:min(len(out), l.h)]
}

// itemLine draws item i.
func (l *list) itemLine(t *theme.Theme, i, labelW int) string {
	it := l.items[i]
	lead := "   "
	if i == l.cursor {
		lead = " " + t.SelectedMarker + " "
	}
	num := ""
	if l.digits && i < 9 {
		num = strconv.Itoa(i+1) + "  "
	}
	label := termtext.Fit(termtext.Sanitize(it.label), labelW)
	detail := termtext.Sanitize(it.detail)
	if it.disabled != "" {
		detail = it.disabled
	}
	rest := max(l.w-termtext.Width(lead+num)-labelW-2, 0)
	style, dstyle := t.Text, t.Muted
	switch {
	case it.disabled != "":
		style = t.Muted
	case i == l.cursor:
		style = t.Selected
	}
	return termtext.FitStyled(lead+num+style.Render(label)+"  "+dstyle.Render(termtext.Fit(detail, rest)), l.w)
}

// ShortHelp is the list's keys.
func (l *list) ShortHelp() []key.Binding {
	k := l.env.Keys.Actions
	return []key.Binding{k.Choose, k.Down, k.Up, k.Cancel}
}

// NewMenu is the menu of actions on env's device: set a property, call a
// service, enable or disable a scene, invoke a function, log in again,
// or pick another device. What the session cannot do is shown, muted,
// with why.
func NewMenu(env *Env) modal.Modal {
	noDevice, no2019 := "", ""
	if !env.hasDevice() {
		noDevice = "select a device first (the last entry)"
	}
	if !env.hasTSL() {
		no2019 = "not in the " + env.Version + " API"
	}
	from := "from its TSL"
	if !env.hasTSL() {
		from = "as raw JSON (" + env.Version + " has no TSL)"
	}
	l := &list{env: env, digits: true, title: "actions"}
	if env.hasDevice() {
		l.title += " · " + env.device()
		l.intro = []string{"What to do on " + env.device() + "?"}
	} else {
		l.intro = []string{"No device is selected: pick one below, or act on the gateway."}
	}
	l.items = []item{
		{"Set properties", "SetThingProperties, " + from, noDevice, func() modal.Result { return openSet(env) }},
		{"Call a service", "CallThingServices, " + from, noDevice, func() modal.Result { return openCall(env) }},
		{"Enable a scene", "EnableScene, from ListScenes", no2019, func() modal.Result { return openScenes(env, true) }},
		{"Disable a scene", "DisableScene, from ListScenes", no2019, func() modal.Result { return openScenes(env, false) }},
		{"Invoke a function", "InvokeFunction, with a payload", "", func() modal.Result { return openFunction(env) }},
		{"Log in again", "CreateAuthCookie: a new cookie for " + orUser(env.User), "", func() modal.Result { return login(env) }},
		{"Another device…", "ListThings, to pick one", "", func() modal.Result { return openDevices(env) }},
	}
	l.note = []string{"Every action shows in the log; one that changes a device asks first."}
	return l
}

func orUser(u string) string {
	if u == "" {
		return "the console user"
	}
	return termtext.Sanitize(u)
}

// login sends CreateAuthCookie at once: it changes no device.
func login(env *Env) modal.Result {
	return modal.Result{Close: true, Msg: Send{Action: env.action(session.ActionLogin)}}
}
