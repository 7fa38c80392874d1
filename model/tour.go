package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Tour is the guided tour's script, parsed: the steps in the order they
// run. The script is data (assets/tour.txt), so adding a step means editing
// the script, not the code.
type Tour struct {
	Steps []TourStep
}

// TourStep is one step: an action that makes the gateway answer Code, and
// the caption that explains it.
type TourStep struct {
	// Line is the script line of the step directive, for messages.
	Line int
	// Code is the status the step's action should make the gateway answer.
	Code int
	// Action names what the session engine does (the engine's fixed
	// vocabulary); Arg is its optional argument ("" when none).
	Action, Arg string
	// Caption is the caption's lines as written; an empty line is a
	// paragraph break.
	Caption []string
}

// Codes returns the steps' codes, in order.
func (t Tour) Codes() []int {
	out := make([]int, len(t.Steps))
	for i, s := range t.Steps {
		out[i] = s.Code
	}
	return out
}

// TourError is a fault of a tour script, at a line (counted from 1).
type TourError struct {
	Line int
	Msg  string
}

func (e *TourError) Error() string { return fmt.Sprintf("tour script line %d: %s", e.Line, e.Msg) }

// ParseTour parses a tour script. The script is line-oriented:
//
//	# a comment (a line whose first non-blank character is #); blank lines are skipped
//	step CODE ACTION [ARG]
//	caption one line of the step's caption
//	caption             (alone: an empty line of the caption, a paragraph break)
//
// Each step is followed by one or more caption lines, at least one of them
// not empty. known says which actions exist (nil: any). A bad script is a
// *TourError naming the line: an unknown directive, a step with a code that
// is not a number or not an HTTP status, an unknown action, too many
// fields, a step without a caption, a caption before any step, a script
// with no step at all.
func ParseTour(src []byte, known func(action string) bool) (Tour, error) {
	var t Tour
	lines := strings.Split(string(src), "\n")
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dir, rest := cutField(line)
		switch dir {
		case "step":
			if err := captioned(t); err != nil {
				return Tour{}, err
			}
			st, err := parseStep(n, rest, known)
			if err != nil {
				return Tour{}, err
			}
			t.Steps = append(t.Steps, st)
		case "caption":
			if len(t.Steps) == 0 {
				return Tour{}, &TourError{n, "a caption before any step (want a step CODE ACTION line first)"}
			}
			st := &t.Steps[len(t.Steps)-1]
			st.Caption = append(st.Caption, rest)
		default:
			return Tour{}, &TourError{n, fmt.Sprintf("unknown directive %q (want step, caption or a # comment)", dir)}
		}
	}
	if len(t.Steps) == 0 {
		last := len(lines) // the line a final newline ends
		if last > 1 && lines[last-1] == "" {
			last--
		}
		return Tour{}, &TourError{last, "the script has no step (want step CODE ACTION [ARG] and its caption lines)"}
	}
	if err := captioned(t); err != nil {
		return Tour{}, err
	}
	return t, nil
}

// cutField splits a line into its first field and the rest, trimmed.
func cutField(line string) (first, rest string) {
	i := strings.IndexFunc(line, unicode.IsSpace)
	if i < 0 {
		return line, ""
	}
	return line[:i], strings.TrimSpace(line[i:])
}

// parseStep parses the fields of a step directive at line n.
func parseStep(n int, rest string, known func(string) bool) (TourStep, error) {
	f := strings.Fields(rest)
	if len(f) < 2 {
		return TourStep{}, &TourError{n, "a step wants a code and an action: step CODE ACTION [ARG]"}
	}
	if len(f) > 3 {
		return TourStep{}, &TourError{n, fmt.Sprintf("too many fields after the action: %q (want step CODE ACTION [ARG])", strings.Join(f[3:], " "))}
	}
	code, err := strconv.Atoi(f[0])
	if err != nil {
		return TourStep{}, &TourError{n, fmt.Sprintf("the code %q is not a number (want e.g. step 404 unknown-device)", f[0])}
	}
	if code < 100 || code > 599 {
		return TourStep{}, &TourError{n, fmt.Sprintf("the code %d is not an HTTP status (100 to 599)", code)}
	}
	if known != nil && !known(f[1]) {
		return TourStep{}, &TourError{n, fmt.Sprintf("unknown action %q", f[1])}
	}
	st := TourStep{Line: n, Code: code, Action: f[1]}
	if len(f) == 3 {
		st.Arg = f[2]
	}
	return st, nil
}

// captioned checks that the last step so far has a caption with text.
func captioned(t Tour) error {
	if len(t.Steps) == 0 {
		return nil
	}
	st := t.Steps[len(t.Steps)-1]
	for _, c := range st.Caption {
		if c != "" {
			return nil
		}
	}
	return &TourError{st.Line, fmt.Sprintf("step %d %s has no caption (want caption lines after it)", st.Code, st.Action)}
}
