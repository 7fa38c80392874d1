package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/ui/actions"
	"edgetop/ui/list"
)

// The operator's actions (a): the dialogs of ui/actions over the body,
// the actions they ask for handed to the session (Deps.Actions), their
// outcomes (EventAction) given to the dialog that waits for them, or told
// as a notice. The key is off without a session that takes actions (a
// replay), and with --read-only, which the header says.

// actionsState is the App's part of the actions.
type actionsState struct {
	// actor takes the actions; nil: the key is off.
	actor session.Actor
	// ids numbers them.
	ids uint64
	// refollow: the menu stopped the list following; it follows again
	// when the last dialog closes.
	refollow bool
}

// initActions finds who takes the actions and sets the key.
func (a *App) initActions() {
	a.acts.actor = a.deps.Actions
	if a.acts.actor == nil {
		a.acts.actor, _ = a.deps.Session.(session.Actor)
	}
	// Read-only keeps the key: pressing it says why nothing opens.
	a.keys.Global.Actions.SetEnabled(a.acts.actor != nil && !a.deps.Replay)
}

// readOnly reports whether the session refuses changes (--read-only).
func (a *App) readOnly() bool { return a.deps.ReadOnly || a.st.ReadOnly }

// openActions opens the menu of actions on the selected device: the
// device pane's, else the selected row's.
func (a *App) openActions() tea.Cmd {
	if a.readOnly() {
		return a.setNotice(noticeWarn, "read-only (--read-only): edgetop makes no change to the gateway")
	}
	// The list stops following, so the row (and the device) the menu is
	// for stays where it is while the menu is open.
	if !a.devs.shown() && a.list.Follow() {
		a.list.MoveTo(a.list.Cursor(), false)
		a.acts.refollow = true
	}
	env := &actions.Env{
		Theme: a.theme, Keys: a.keys, Version: a.st.APIVersion, User: a.st.Auth.User,
		NextID: func() uint64 { a.acts.ids++; return a.acts.ids },
	}
	env.ProductKey, env.DeviceName = a.actionTarget()
	a.openModal(actions.NewMenu(env))
	return nil
}

// actionTarget is the device the actions are for ("" when none).
func (a *App) actionTarget() (pk, dn string) {
	if a.devs.shown() {
		if d := a.devs.list.Selected(); d != nil {
			return d.ProductKey, d.DeviceName
		}
		return "", ""
	}
	if r := a.list.Selected().Rec; r != nil && r.DeviceName != "" {
		return r.ProductKey, r.DeviceName
	}
	return "", ""
}

// actionIntent carries out what an action dialog asked; ok is false when
// msg is not one of its intents.
func (a *App) actionIntent(msg tea.Msg) (tea.Cmd, bool) {
	m, ok := msg.(actions.Send)
	if !ok {
		return nil, false
	}
	cmd := doCmd(a.acts.actor, m.Action)
	if m.Action.Kind.ChangesState() {
		return tea.Batch(cmd, a.setNotice(noticeInfo, "sent: "+m.Action.Summary())), true
	}
	return cmd, true
}

// actionEvent takes an action's outcome: the dialog waiting for it takes
// a read's; the outcome of a change is told as a notice (its rows are in
// the log already).
func (a *App) actionEvent(ev session.Event) tea.Cmd {
	r := ev.Action
	if r == nil {
		return nil
	}
	if w, ok := a.modals.Top().(actions.Waiter); ok {
		if res, mine := w.Answer(r); mine {
			intent := a.applyModal(res)
			a.relayout()
			return a.handleIntent(intent)
		}
	}
	if !r.Action.Kind.ChangesState() {
		return nil // a read nobody waits for any more
	}
	// A marker row too: it shows whatever the filter, and stays (a notice
	// is cut to the footer's room and goes after a few seconds).
	var refused *session.RefusedError
	switch {
	case r.OK():
		a.addMark(list.MarkBack, ev, "action: "+ev.Text, ev.Text+".\n\nIts exchanges are the rows before this one.")
		return a.setNotice(noticeInfo, ev.Text)
	case errors.As(r.Err, &refused):
		a.addMark(list.MarkLost, ev, "action refused: "+ev.Text, ev.Text+".\n\nNothing was sent.")
		return a.setNotice(noticeWarn, ev.Text)
	}
	a.addMark(list.MarkLost, ev, "action failed: "+ev.Text, ev.Text+".\n\nIts exchanges are the rows before this one; "+
		"the pane explains their status.")
	return a.setNotice(noticeError, ev.Text)
}
