package actions

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
)

// wait is a dialog that waits for a read it sent (the TSL, the scenes,
// the devices) and then opens what comes next. When the read fails it
// says why and, for the TSL, offers the raw JSON form instead.
type wait struct {
	env          *Env
	id           uint64
	title, doing string
	next         func(r *session.ActionResult) modal.Result
	fallback     func() modal.Result // Enter after a failure (nil: none)
	failed       string
	w, h         int
}

// read sends a read of kind and waits for it in a dialog; next opens what
// its answer leads to.
func read(env *Env, kind session.ActionKind, title, doing string, next func(*session.ActionResult) modal.Result) (*wait, modal.Result) {
	a := env.action(kind)
	w := &wait{env: env, id: a.ID, title: title, doing: doing, next: next}
	return w, modal.Result{Close: true, Open: w, Msg: Send{Action: a}}
}

func (w *wait) Place() modal.Place { return modal.Body }
func (w *wait) Title() string      { return w.title }
func (w *wait) SetSize(wd, h int)  { w.w, w.h = max(wd, 0), max(h, 0) }

// Answer takes the outcome of the read it waits for.
func (w *wait) Answer(r *session.ActionResult) (modal.Result, bool) {
	if r.Action.ID != w.id || w.failed != "" {
		return modal.Result{}, false
	}
	if r.OK() {
		return w.next(r), true
	}
	w.failed = strings.ReplaceAll(r.Err.Error(), "edgeclient: ", "")
	return modal.Result{}, true
}

// HandleKey closes, or takes the fallback after a failure.
func (w *wait) HandleKey(msg tea.KeyPressMsg) modal.Result {
	k := w.env.Keys.Actions
	switch {
	case key.Matches(msg, k.Cancel):
		return modal.Result{Close: true}
	case key.Matches(msg, k.Choose) && w.failed != "" && w.fallback != nil:
		return w.fallback()
	}
	return modal.Result{}
}

// View says what it waits for, or why that failed.
func (w *wait) View() []string {
	t := w.env.Theme
	out := []string{termtext.Fit("", w.w), t.Text.Render(termtext.Fit(" "+termtext.Sanitize(w.doing), w.w))}
	if w.failed != "" {
		out = append(out, termtext.Fit("", w.w))
		for _, l := range wrapLines(" ✗ "+termtext.Sanitize(w.failed), w.w) {
			out = append(out, t.Err.Render(termtext.Fit(l, w.w)))
		}
		if w.fallback != nil {
			out = append(out, termtext.Fit("", w.w), t.Muted.Render(termtext.Fit(" Enter: type the values as raw JSON instead.", w.w)))
		}
	}
	return out[:min(len(out), w.h)]
}

// ShortHelp is the dialog's keys.
func (w *wait) ShortHelp() []key.Binding {
	k := w.env.Keys.Actions
	if w.failed != "" && w.fallback != nil {
		return []key.Binding{k.Choose, k.Cancel}
	}
	return []key.Binding{k.Cancel}
}

// wrapLines wraps s to w cells, as lines.
func wrapLines(s string, w int) []string {
	if w < 10 {
		return []string{s}
	}
	return strings.Split(termtext.Wrap(s, w-1, 0), "\n")
}

// readTSL reads the device's TSL, then opens what next makes of it; on
// failure, Enter opens raw instead.
func readTSL(env *Env, title string, next func(*model.Schema) modal.Modal, raw func() modal.Modal) modal.Result {
	w, res := read(env, session.ActionTSL, title, "Reading the TSL of "+env.ProductKey+" (GetTSL)…",
		func(r *session.ActionResult) modal.Result { return modal.Result{Close: true, Open: next(r.Schema)} })
	w.fallback = func() modal.Result { return modal.Result{Close: true, Open: raw()} }
	return res
}

// openSet opens the form to set properties: from the TSL, or raw JSON.
func openSet(env *Env) modal.Result {
	if !env.hasTSL() {
		return modal.Result{Close: true, Open: rawSetForm(env)}
	}
	return readTSL(env, "set properties · "+env.device(),
		func(s *model.Schema) modal.Modal { return setForm(env, s) },
		func() modal.Modal { return rawSetForm(env) })
}

// openCall opens the list of the TSL's services, or the raw form.
func openCall(env *Env) modal.Result {
	if !env.hasTSL() {
		return modal.Result{Close: true, Open: rawCallForm(env)}
	}
	return readTSL(env, "call a service · "+env.device(),
		func(s *model.Schema) modal.Modal { return servicePicker(env, s) },
		func() modal.Modal { return rawCallForm(env) })
}

// servicePicker lists the services, the product's own first, then the
// standard set and get.
func servicePicker(env *Env, s *model.Schema) modal.Modal {
	l := &list{env: env, title: "call a service · " + env.device(), intro: []string{"Which service of " + env.device() + "?"}}
	svcs := slices.Clone(s.Services)
	slices.SortStableFunc(svcs, func(a, b model.Service) int {
		switch {
		case a.Standard() == b.Standard():
			return 0
		case b.Standard():
			return -1
		}
		return 1
	})
	for _, sv := range svcs {
		detail := "no arguments"
		if len(sv.Inputs) > 0 {
			ids := make([]string, len(sv.Inputs))
			for i, f := range sv.Inputs {
				ids[i] = f.ID
			}
			detail = "takes " + strings.Join(ids, ", ")
		}
		if sv.Desc != "" {
			detail = sv.Desc + " · " + detail
		}
		l.items = append(l.items, item{sv.Label(), detail, "", func() modal.Result {
			if len(sv.Inputs) == 0 {
				a := env.action(session.ActionCallService)
				a.Service = sv.ID
				return modal.Result{Close: true, Open: newConfirm(env, a, nil)}
			}
			return modal.Result{Close: true, Open: serviceForm(env, sv)}
		}})
	}
	if len(l.items) == 0 {
		l.note = []string{"The TSL of " + env.ProductKey + " has no services."}
	}
	return l
}

// openScenes lists the scenes, to enable or disable one.
func openScenes(env *Env, enable bool) modal.Result {
	verb, kind := "enable", session.ActionEnableScene
	if !enable {
		verb, kind = "disable", session.ActionDisableScene
	}
	_, res := read(env, session.ActionScenes, verb+" a scene", "Listing the scenes (ListScenes)…",
		func(r *session.ActionResult) modal.Result {
			return modal.Result{Close: true, Open: scenePicker(env, r.Scenes, verb, kind)}
		})
	return res
}

// scenePicker lists the scenes with their state.
func scenePicker(env *Env, scenes []edgeclient.Scene, verb string, kind session.ActionKind) modal.Modal {
	l := &list{env: env, title: verb + " a scene", intro: []string{"Which scene to " + verb + "?"}}
	for _, sc := range scenes {
		state := "stopped"
		if sc.Running {
			state = "running"
		}
		l.items = append(l.items, item{sc.Name, state + " · " + sc.ID, "", func() modal.Result {
			a := env.action(kind)
			a.Scene, a.SceneName = sc.ID, sc.Name
			return modal.Result{Close: true, Open: newConfirm(env, a, nil)}
		}})
	}
	if len(scenes) == 0 {
		l.note = []string{"The gateway has no scenes."}
	}
	return l
}

// openDevices lists the devices, to act on another.
func openDevices(env *Env) modal.Result {
	_, res := read(env, session.ActionThings, "pick a device", "Listing the devices (ListThings)…",
		func(r *session.ActionResult) modal.Result {
			return modal.Result{Close: true, Open: devicePicker(env, r.Things)}
		})
	return res
}

// devicePicker lists the devices; choosing one opens its menu.
func devicePicker(env *Env, things []edgeclient.Thing) modal.Modal {
	l := &list{env: env, title: "pick a device", intro: []string{"Which device?"}}
	for _, th := range things {
		detail := th.Status
		if th.NickName != "" {
			detail += " · " + th.NickName
		}
		l.items = append(l.items, item{th.ProductKey + "/" + th.DeviceName, detail, "", func() modal.Result {
			e := *env
			e.ProductKey, e.DeviceName = th.ProductKey, th.DeviceName
			return modal.Result{Close: true, Open: NewMenu(&e)}
		}})
	}
	if len(things) == 0 {
		l.note = []string{"The gateway lists no devices."}
	}
	return l
}
