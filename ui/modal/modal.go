// Package modal is the dashboard's stack of modal dialogs: the help, the
// status table, the filter prompt and, later, forms. The dialog on top
// takes every key (quit aside) and says, with a Result, what the
// dashboard does next; the dashboard draws the stack's top over the body
// or in the footer, where the dialog asks.
package modal

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Place is where a dialog draws.
type Place uint8

// The places a dialog may take.
const (
	Body   Place = iota // over the list and the pane
	Footer              // the footer line (a prompt)
)

// Modal is a dialog. HandleKey and SetSize change it; View only draws.
type Modal interface {
	// HandleKey handles a key press while the dialog is on top.
	HandleKey(msg tea.KeyPressMsg) Result
	// SetSize gives it its region: w×h cells over the body, or one line of
	// w cells in the footer.
	SetSize(w, h int)
	// View draws the dialog's lines for its region.
	View() []string
	// Title is the title of its box (Body).
	Title() string
	// Place says where it draws.
	Place() Place
	// ShortHelp is the footer's help while it is on top.
	ShortHelp() []key.Binding
}

// Paster is a dialog that takes pasted text.
type Paster interface {
	HandlePaste(text string)
}

// Typist is a dialog that takes typed text while TakesText says so (a
// form): there q types a q; only ctrl+c quits.
type Typist interface {
	TakesText() bool
}

// Result is what a dialog asks of the dashboard after a key.
type Result struct {
	// Close takes the dialog off the stack.
	Close bool
	// Open puts another dialog on the stack (after closing this one, if
	// Close is set too).
	Open Modal
	// Msg is handed to the dashboard's Update (e.g. a filter to apply).
	Msg tea.Msg
}

// Stack is the open dialogs, the top last.
type Stack struct{ ms []Modal }

// Push opens m on top.
func (s *Stack) Push(m Modal) { s.ms = append(s.ms, m) }

// Pop closes the top dialog.
func (s *Stack) Pop() {
	if len(s.ms) > 0 {
		s.ms = s.ms[:len(s.ms)-1]
	}
}

// Top is the dialog on top, or nil.
func (s *Stack) Top() Modal {
	if len(s.ms) == 0 {
		return nil
	}
	return s.ms[len(s.ms)-1]
}

// Len is the number of open dialogs.
func (s *Stack) Len() int { return len(s.ms) }

// Covers reports whether a dialog is drawn over the body.
func (s *Stack) Covers() bool {
	t := s.Top()
	return t != nil && t.Place() == Body
}

// Apply carries out r for the top dialog and returns r.Msg.
func (s *Stack) Apply(r Result) tea.Msg {
	if r.Close {
		s.Pop()
	}
	if r.Open != nil {
		s.Push(r.Open)
	}
	return r.Msg
}
