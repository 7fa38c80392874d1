package keys

import "charm.land/bubbles/v2/key"

// Actions keys drive the operator's action dialogs (a): the menu and the
// lists to pick from, the forms, the confirmation.
type Actions struct {
	// Up, Down and Choose move in and pick from a menu or a list.
	Up, Down, Choose key.Binding
	// Next and Prev move between a form's fields; Submit checks the form
	// and, when every field validates, goes on to the confirmation.
	Next, Prev, Submit key.Binding
	// Yes sends what the confirmation shows; No goes back to the form.
	Yes, No key.Binding
	// Cancel closes the dialog: nothing is sent.
	Cancel key.Binding
}

// defaultActions are the action dialogs' bindings.
func defaultActions() Actions {
	return Actions{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check and send")),
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "send")),
		No:     key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "back to the form")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// MenuBindings are the keys of a menu or a list, with quit.
func (a Actions) MenuBindings(quit key.Binding) []key.Binding {
	return []key.Binding{a.Up, a.Down, a.Choose, a.Cancel, quit}
}

// FormBindings are the keys of a form, with quit (a form takes typed
// text, so only ctrl+c of quit's keys works there).
func (a Actions) FormBindings(quit key.Binding) []key.Binding {
	return []key.Binding{a.Next, a.Prev, a.Submit, a.Cancel, quit}
}

// ConfirmBindings are the keys of the confirmation, with quit.
func (a Actions) ConfirmBindings(quit key.Binding) []key.Binding {
	return []key.Binding{a.Yes, a.No, a.Cancel, quit}
}
