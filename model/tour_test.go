package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func knownActions(a string) bool {
	return slices.Contains([]string{"read", "login", "unknown-property", "burst"}, a)
}

func TestParseTour(t *testing.T) {
	src := "# the tour\n" +
		"\n" +
		"step 200 read Light01\n" +
		"caption A read.\n" +
		"  caption   It works.  \r\n" +
		"caption\n" +
		"caption A second paragraph.\n" +
		"\t# indented comment\n" +
		"step\t400\tunknown-property\n" +
		"caption A read of a property the device lacks.\n"
	tour, err := ParseTour([]byte(src), knownActions)
	if err != nil {
		t.Fatal(err)
	}
	want := []TourStep{
		{Line: 3, Code: 200, Action: "read", Arg: "Light01", Caption: []string{"A read.", "It works.", "", "A second paragraph."}},
		{Line: 9, Code: 400, Action: "unknown-property", Caption: []string{"A read of a property the device lacks."}},
	}
	if len(tour.Steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(tour.Steps), len(want), tour.Steps)
	}
	for i, w := range want {
		g := tour.Steps[i]
		if g.Line != w.Line || g.Code != w.Code || g.Action != w.Action || g.Arg != w.Arg || !slices.Equal(g.Caption, w.Caption) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if c := tour.Codes(); !slices.Equal(c, []int{200, 400}) {
		t.Errorf("Codes() = %v", c)
	}
}

func TestParseTourErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		want      string // a substring of the message
	}{
		{"empty", "", 1, "no step"},
		{"only comments", "# a\n\n# b\n", 3, "no step"},
		{"unknown directive", "step 200 read\ncaption x\nshow 201 login\n", 3, `unknown directive "show"`},
		{"code not a number", "# c\nstep OK read\ncaption x\n", 2, `the code "OK" is not a number`},
		{"code out of range", "step 99 read\ncaption x\n", 1, "not an HTTP status"},
		{"code too large", "step 600 read\ncaption x\n", 1, "not an HTTP status"},
		{"unknown action", "step 200 read\ncaption x\n\nstep 201 logon\ncaption y\n", 4, `unknown action "logon"`},
		{"no action", "step 200\ncaption x\n", 1, "step CODE ACTION"},
		{"too many fields", "step 200 read Light01 now\ncaption x\n", 1, `too many fields after the action: "now"`},
		{"caption first", "# c\ncaption hello\nstep 200 read\n", 2, "caption before any step"},
		{"step without caption", "step 200 read\nstep 201 login\ncaption y\n", 1, "step 200 read has no caption"},
		{"last step without caption", "step 200 read\ncaption x\n# end\nstep 201 login\n\n", 4, "step 201 login has no caption"},
		{"only empty captions", "step 200 read\ncaption\ncaption   \n", 1, "has no caption"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTour([]byte(tc.src), knownActions)
			var te *TourError
			if !errors.As(err, &te) {
				t.Fatalf("error %v, want a *TourError", err)
			}
			if te.Line != tc.line || !strings.Contains(te.Msg, tc.want) {
				t.Fatalf("line %d %q, want line %d containing %q", te.Line, te.Msg, tc.line, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "tour script line ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// A nil known accepts any action.
func TestParseTourAnyAction(t *testing.T) {
	tour, err := ParseTour([]byte("step 418 brew-tea\ncaption I am a teapot.\n"), nil)
	if err != nil || len(tour.Steps) != 1 || tour.Steps[0].Action != "brew-tea" {
		t.Fatalf("%+v, %v", tour, err)
	}
}
