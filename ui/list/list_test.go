package list

import (
	"strings"
	"testing"

	"edgetop/model"
	"edgetop/ui/keys"
	"edgetop/ui/theme"
	"edgetop/ui/uitest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// newList is a list of n records (IDs 1..n, every 10th a 404) in a log of
// capacity ring, with marks before the given sequence numbers.
func newList(t *testing.T, n, ring int, markSeqs ...uint64) (*List, *model.Log) {
	t.Helper()
	cat, _ := uitest.Catalogs(t)
	l := New(theme.NoColorTheme(), cat)
	l.SetSize(100, 10)
	log := model.NewLog(ring)
	log.Append(uitest.ManyRecords(1, n)...)
	var marks []Mark
	for i, s := range markSeqs {
		marks = append(marks, Mark{ID: uint64(i + 1), Seq: s, Kind: MarkKind(i % 2), Text: "mark"})
	}
	v := log.View(model.Filter{})
	l.SetRows(v, v.Len(), marks)
	return l, log
}

// TestRowsInterleaveMarks: a mark sits before the record with its
// sequence number, and every row maps back to its record or mark.
func TestRowsInterleaveMarks(t *testing.T) {
	l, _ := newList(t, 6, 100, 0, 3, 3, 6)
	var got []string
	for i := range l.Len() {
		r := l.Row(i)
		switch {
		case r.Mark != nil:
			got = append(got, "M")
		case r.Rec != nil:
			got = append(got, string(rune('0'+r.Rec.ID)))
		}
	}
	if s := strings.Join(got, ""); s != "M123MM456M" {
		t.Fatalf("rows %s", s)
	}
	for j := range 6 {
		if r := l.Row(l.rowOfRecord(j)); r.Rec == nil || r.Rec.ID != uint64(j+1) {
			t.Fatalf("rowOfRecord(%d) = %d: %+v", j, l.rowOfRecord(j), r)
		}
	}
}

// TestSelectionFollowsItsRow: off live, the selected record stays selected
// as records arrive and old ones fall out; a selected mark stays too; a
// record that fell out leaves the cursor where it was.
func TestSelectionFollowsItsRow(t *testing.T) {
	l, log := newList(t, 50, 60)
	if !l.Follow() || l.Selected().Rec.ID != 50 {
		t.Fatal("not following the newest row")
	}
	l.MoveTo(40, false) // record 41
	log.Append(uitest.ManyRecords(51, 20)...)
	v := log.View(model.Filter{})
	l.SetRows(v, v.Len(), nil)
	if r := l.Selected(); r.Rec == nil || r.Rec.ID != 41 {
		t.Fatalf("after eviction: %+v", r)
	}
	marks := []Mark{{ID: 7, Seq: 45, Text: "lost"}}
	l.SetRows(v, v.Len(), marks)
	l.MoveTo(l.rowOfRecord(35), false) // the record after the mark (seq 45, ID 46)
	l.HandleKey(keyPress("k"), keys.Default().List)
	if r := l.Selected(); r.Mark == nil || r.Mark.ID != 7 {
		t.Fatalf("k onto the mark: %+v", r)
	}
	log.Append(uitest.ManyRecords(71, 5)...)
	v = log.View(model.Filter{})
	l.SetRows(v, v.Len(), marks)
	if r := l.Selected(); r.Mark == nil {
		t.Fatalf("the mark lost its selection: %+v", r)
	}
	l.MoveTo(0, false) // the oldest held record
	log.Append(uitest.ManyRecords(76, 30)...)
	v = log.View(model.Filter{})
	l.SetRows(v, v.Len(), nil)
	if l.Selected().Empty() || l.Cursor() != 0 {
		t.Fatalf("a record that fell out: cursor %d", l.Cursor())
	}
}

// TestFilteredAwaySelectsTheNearest: off live, a filter that hides the
// selected record selects the nearest match before it (the oldest when
// none is before it); the filter cleared, the record first selected is
// selected again, unless the operator moved meanwhile.
func TestFilteredAwaySelectsTheNearest(t *testing.T) {
	l, log := newList(t, 50, 60) // every 10th a 404: IDs 8, 18, 28, 38, 48
	all := log.View(model.Filter{})
	errs := log.View(model.Filter{Classes: model.ClassSet(0).With(model.Class4xx)})
	errs.Scan(-1)
	show := func(v *model.View) { l.SetRows(v, v.Len(), nil) }
	id := func() uint64 {
		if r := l.Selected().Rec; r != nil {
			return r.ID
		}
		return 0
	}
	l.MoveTo(24, false) // record 25
	show(errs)
	if id() != 18 {
		t.Fatalf("filtered away from 25: selected %d, want 18", id())
	}
	show(errs) // again (a batch): still the nearest, not the last fallback's
	show(all)
	if id() != 25 {
		t.Fatalf("the filter cleared: selected %d, want 25 again", id())
	}
	l.MoveTo(4, false) // record 5: no match before it
	show(errs)
	if id() != 8 {
		t.Fatalf("filtered away from 5: selected %d, want 8", id())
	}
	l.HandleKey(keyPress("j"), keys.Default().List) // the operator moves: 18
	show(all)
	if id() != 18 {
		t.Fatalf("moved to 18 then cleared: selected %d", id())
	}
	// A filter that shows no record, or only marks, keeps the one wanted.
	none := log.View(model.Filter{Classes: model.ClassSet(0).With(model.Class5xx)})
	none.Scan(-1)
	l.MoveTo(24, false) // record 25
	show(none)
	l.SetRows(none, none.Len(), []Mark{{ID: 1, Seq: 30, Text: "lost"}})
	show(all)
	if id() != 25 {
		t.Fatalf("after a filter showing nothing, then marks only: selected %d, want 25", id())
	}
}

// TestFellOutSettlesOnTheOldest: a selected record that fell out of the
// ring leaves the oldest held selected, and that one is the selection
// from then on (it can never come back).
func TestFellOutSettlesOnTheOldest(t *testing.T) {
	l, log := newList(t, 50, 60)
	l.MoveTo(5, false)                        // record 6
	log.Append(uitest.ManyRecords(51, 20)...) // 1-10 fall out
	v := log.View(model.Filter{})
	l.SetRows(v, v.Len(), nil)
	if r := l.Selected().Rec; r == nil || r.ID != 11 {
		t.Fatalf("after record 6 fell out: %+v", r)
	}
	if l.sel != l.Selected().Seq {
		t.Fatalf("still wanting seq %d, which fell out", l.sel)
	}
	log.Append(uitest.ManyRecords(71, 5)...) // 11-15 fall out too
	l.SetRows(v, v.Len(), nil)
	if r := l.Selected().Rec; r == nil || r.ID != 16 {
		t.Fatalf("then: %+v", r)
	}
}

// TestJumpErrorAndTitle: n/N skip marks and successes; the title says
// what the list holds.
func TestJumpErrorAndTitle(t *testing.T) {
	l, _ := newList(t, 30, 100, 10)
	jump := func(dir int) bool { found, _ := l.JumpError(dir); return found }
	l.MoveTo(0, false)
	if !jump(+1) || l.Selected().Rec.Status != 404 || l.Selected().Rec.ID != 8 {
		t.Fatalf("n: %+v", l.Selected())
	}
	if !jump(+1) || l.Selected().Rec.ID != 18 {
		t.Fatalf("n over the mark: %+v", l.Selected())
	}
	for _, dir := range []int{-1, +1} { // from the mark row itself
		l.MoveTo(0, false)
		for l.Selected().Mark == nil {
			l.Scroll(1)
		}
		want := map[int]uint64{-1: 8, +1: 18}[dir]
		if !jump(dir) || l.Selected().Rec == nil || l.Selected().Rec.ID != want {
			t.Fatalf("from the mark, dir %d: %+v, want ID %d", dir, l.Selected(), want)
		}
	}
	l.SetFollow(true)
	if !jump(-1) || l.Selected().Rec.ID != 28 {
		t.Fatalf("N from live: %+v", l.Selected())
	}
	// A search that runs out of budget stops where it got to, and the
	// next press goes on from there.
	defer func(n int) { JumpBudget = n }(JumpBudget)
	JumpBudget = 3
	l.SelectSeq(26) // ID 27; the errors are 8, 18 and 28
	for _, want := range []uint64{24, 21} {
		if found, more := l.JumpError(-1); found || !more || l.Selected().Rec.ID != want {
			t.Fatalf("budget 3: found %v more %v at %+v, want a stop at ID %d", found, more, l.Selected(), want)
		}
	}
	if found, _ := l.JumpError(-1); !found || l.Selected().Rec.ID != 18 {
		t.Fatalf("budget 3 from ID 21: found %v at %+v, want ID 18", found, l.Selected())
	}
	JumpBudget = 100
	if got := l.Title(5); got != "requests 30 (+5 older dropped from memory) · scrolled (G: live)" {
		t.Fatalf("title %q", got)
	}
}

// TestSyncDrawsExactly: the lines are exactly the header row and h rows
// of w cells, the mark across the width, the selected row marked.
func TestSyncDrawsExactly(t *testing.T) {
	l, _ := newList(t, 30, 100, 28)
	l.Sync()
	lines := l.View()
	if len(lines) != 11 {
		t.Fatalf("%d lines", len(lines))
	}
	var sawMark, sawSel bool
	for _, s := range lines {
		if w := ansi.StringWidth(s); w != 100 {
			t.Fatalf("line %q is %d wide", ansi.Strip(s), w)
		}
		sawMark = sawMark || strings.Contains(s, "── 00:00:00 mark ──")
		sawSel = sawSel || strings.HasPrefix(ansi.Strip(s), "▸")
	}
	if !sawMark || !sawSel {
		t.Fatalf("mark %v selected %v:\n%s", sawMark, sawSel, ansi.Strip(strings.Join(lines, "\n")))
	}
	for i := range l.Len() { // the mark selected is marked too
		if l.Row(i).Mark != nil {
			l.MoveTo(i, false)
		}
	}
	l.Sync()
	if sel := ansi.Strip(strings.Join(l.View(), "\n")); !strings.Contains(sel, "▸── 00:00:00 mark") {
		t.Fatalf("selected mark not marked:\n%s", sel)
	}
	before := strings.Join(l.View(), "\n")
	l.Sync() // nothing changed: the same lines
	if strings.Join(l.View(), "\n") != before {
		t.Fatal("Sync without a change drew other lines")
	}
}

func keyPress(k string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: []rune(k)[0], Text: k} }
