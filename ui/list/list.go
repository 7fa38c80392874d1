// Package list is the dashboard's request list: a small virtualised table
// of records with marker rows between them (the gateway lost, back). It
// draws only the rows on screen and keeps each drawn row until the width
// or the theme changes, so a frame costs the same with 1,000 or 1,000,000
// records held. The selection is tracked by the record's sequence number
// in the log, so finding it again after new records, an eviction or a new
// filter is a binary search.
package list

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/keys"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// HeaderRows is the column-title row above the records.
const HeaderRows = 1

// Source is the records the list shows: *model.View.
type Source interface {
	Len() int
	At(i int) *model.Record
	FindError(from, dir, budget int) (i, next int)
	SeqAt(i int) uint64
	Rank(seq uint64) int
	// OldestSeq is the oldest sequence number the log holds: a record
	// below it fell out.
	OldestSeq() uint64
}

// MarkKind says what a marker row marks.
type MarkKind uint8

// The kinds of marker row.
const (
	MarkLost   MarkKind = iota // the gateway stopped answering
	MarkBack                   // it answers again
	MarkHalted                 // the session stopped calling for good
)

// Mark is a marker row, shown between the records before the record with
// sequence number Seq (after every earlier one), whatever the filter.
type Mark struct {
	// ID identifies the mark (unique in a session).
	ID   uint64
	Seq  uint64
	At   time.Time
	Kind MarkKind
	// Text is the row's text (sanitised when drawn); Detail what the
	// detail pane says of it.
	Text, Detail string
}

// Row is one row of the list: a record (Rec, with its sequence number) or
// a mark.
type Row struct {
	Rec  *model.Record
	Seq  uint64
	Mark *Mark
}

// Empty reports whether the row is nothing (no rows at all).
func (r Row) Empty() bool { return r.Rec == nil && r.Mark == nil }

// List is the request list's state. Build it with New.
type List struct {
	t   *theme.Theme
	cat explain.Catalog

	w, h    int // inner width; record rows shown
	src     Source
	n       int    // records shown (a pause hides the newer ones)
	marks   []Mark // shown, in order
	markPos []int  // row index of each mark
	top     int    // row index of the first row shown
	cursor  int    // row index of the selected row
	// sel is the selected row's identity: a record's seq, or a mark's ID.
	sel     uint64
	selMark bool
	follow  bool
	focused bool

	clock Clock
	// match, when set, highlights the records it matches (a search).
	match Matcher

	cache rowCache
	lines []string // the drawn rows (Sync)
	dirty bool
}

// Matcher says which records a search highlights: *model.Query.
type Matcher interface {
	Match(r *model.Record) bool
}

// SetClock sets how times are written.
func (l *List) SetClock(c Clock) {
	if c != l.clock {
		l.clock, l.dirty = c, true
	}
}

// SetHighlight highlights the records m matches; nil highlights none.
func (l *List) SetHighlight(m Matcher) {
	l.match, l.dirty = m, true
}

// Highlighted reports whether r is highlighted by the search.
func (l *List) Highlighted(r *model.Record) bool {
	return l.match != nil && r != nil && l.match.Match(r)
}

// New returns an empty list that follows the newest row.
func New(t *theme.Theme, cat explain.Catalog) *List {
	return &List{t: t, cat: cat, follow: true, dirty: true}
}

// SetSize sets the inner width and the number of record rows.
func (l *List) SetSize(w, h int) {
	l.w, l.h = max(w, 0), max(h, 0)
	l.clamp()
	l.dirty = true
}

// SetTheme changes the styles (the row cache invalidates itself).
func (l *List) SetTheme(t *theme.Theme) { l.t, l.dirty = t, true }

// SetFocused says whether the list has the keys.
func (l *List) SetFocused(f bool) { l.focused = f }

// Focused reports whether the list has the keys.
func (l *List) Focused() bool { return l.focused }

// SetRows gives the list its rows: the first n records of src and the
// marks (in order of Seq). The selection stays on its row when that row is
// still there, and on the newest row while following.
func (l *List) SetRows(src Source, n int, marks []Mark) {
	l.src, l.n, l.marks = src, n, marks
	l.markPos = l.markPos[:0]
	for i, m := range marks {
		l.markPos = append(l.markPos, min(src.Rank(m.Seq), n)+i)
	}
	l.reselect()
	l.dirty = true
}

// Len is the number of rows.
func (l *List) Len() int { return l.n + len(l.marks) }

// Row returns row i (an empty Row out of range).
func (l *List) Row(i int) Row {
	m, j := l.locate(i)
	switch {
	case m != nil:
		return Row{Mark: m}
	case j < 0:
		return Row{}
	}
	return Row{Rec: l.src.At(j), Seq: l.src.SeqAt(j)}
}

// locate says what row i is without decoding a record: a mark, or the
// j-th record (j < 0: no row).
func (l *List) locate(i int) (m *Mark, j int) {
	if i < 0 || i >= l.Len() || l.src == nil {
		return nil, -1
	}
	k, ok := slices.BinarySearch(l.markPos, i)
	if ok {
		return &l.marks[k], -1
	}
	return nil, i - k // records before row i
}

// rowOfRecord is the row index of the j-th record.
func (l *List) rowOfRecord(j int) int {
	// Marks before record j are those positioned at or before j + their
	// own index.
	k := 0
	for k < len(l.markPos) && l.markPos[k] <= j+k {
		k++
	}
	return j + k
}

// Selected is the selected row.
func (l *List) Selected() Row { return l.Row(l.cursor) }

// SelectSeq selects the record with sequence number seq, when the list
// shows it; it reports whether it did. It is O(log n).
func (l *List) SelectSeq(seq uint64) bool {
	if l.src == nil {
		return false
	}
	j := l.src.Rank(seq)
	if j >= l.n || l.src.SeqAt(j) != seq {
		return false
	}
	l.MoveTo(l.rowOfRecord(j), false)
	return true
}

// CenterCursor scrolls so the selected row is in the middle: the rows
// after it (what it led to) are in sight too.
func (l *List) CenterCursor() {
	l.top = max(0, l.cursor-l.h/2)
	l.clamp()
	l.dirty = true
}

// Anchor is the sequence number searches start from: the selected
// record's, the one after a selected mark, or the newest's while
// following (ok false when the list shows no record).
func (l *List) Anchor() (seq uint64, ok bool) {
	r := l.Selected()
	switch {
	case r.Rec != nil:
		return r.Seq, true
	case r.Mark != nil:
		return r.Mark.Seq, true
	}
	return 0, false
}

// Cursor is the selected row's index.
func (l *List) Cursor() int { return l.cursor }

// Follow reports whether the list tracks the newest row.
func (l *List) Follow() bool { return l.follow }

// SetFollow stops or starts following the newest row.
func (l *List) SetFollow(f bool) {
	l.follow = f
	if f {
		l.MoveTo(l.Len()-1, true)
	}
}

// MoveTo selects row i, scrolling as needed; follow says whether the list
// then tracks the newest row.
func (l *List) MoveTo(i int, follow bool) {
	l.follow = follow
	l.cursor = max(0, min(i, l.Len()-1))
	l.clamp()
	l.remember()
	l.dirty = true
}

// remember notes the selected row's identity.
func (l *List) remember() {
	r := l.Selected()
	switch {
	case r.Mark != nil:
		l.sel, l.selMark = r.Mark.ID, true
	case r.Rec != nil:
		l.sel, l.selMark = r.Seq, false
	default:
		l.sel, l.selMark = 0, false
	}
}

// reselect puts the cursor back on its row after the rows changed,
// keeping that row at the same place on screen when it can.
func (l *List) reselect() {
	n := l.Len()
	if l.follow {
		l.cursor = n - 1
		l.clamp()
		l.remember()
		return
	}
	// keep: the record wanted is hidden, not gone, so it stays the one
	// wanted until the operator moves: a filter still going through older
	// records, or cleared, comes back to it.
	idx, keep := -1, false
	switch j := l.src.Rank(l.sel); {
	case l.selMark:
		if k := slices.IndexFunc(l.marks, func(m Mark) bool { return m.ID == l.sel }); k >= 0 {
			idx = l.markPos[k]
		}
	case j < l.n && l.src.SeqAt(j) == l.sel:
		idx = l.rowOfRecord(j)
	case l.sel < l.src.OldestSeq():
		idx = l.rowOfRecord(0) // it fell out: the oldest held is the nearest (-1 for none)
	case l.n > 0:
		// Filtered away: the nearest record before it (the oldest when
		// none is). While a re-filter goes back through older records,
		// that is the oldest found so far until it passes the one wanted.
		idx, keep = l.rowOfRecord(max(min(j, l.n)-1, 0)), true
	default:
		keep = true // no record shown (marks, or nothing at all)
	}
	if n == 0 {
		l.cursor, l.top = 0, 0
		if !keep {
			l.remember()
		}
		return
	}
	if idx < 0 || idx >= n {
		idx = min(l.cursor, n-1)
	}
	l.top += idx - l.cursor
	l.cursor = idx
	l.clamp()
	if !keep {
		l.remember()
	}
}

// clamp keeps the cursor and the scroll position inside the rows.
func (l *List) clamp() {
	n := l.Len()
	if l.follow || l.cursor >= n {
		l.cursor = n - 1
	}
	l.cursor = max(l.cursor, 0)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.h > 0 && l.cursor >= l.top+l.h {
		l.top = l.cursor - l.h + 1
	}
	l.top = max(0, min(l.top, n-l.h))
}

// HandleKey moves the selection for the list's navigation keys; it
// reports whether the key was one.
func (l *List) HandleKey(msg tea.KeyPressMsg, k keys.List) bool {
	c, n, page := l.cursor, l.Len(), max(l.h-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		l.MoveTo(c-1, false)
	case key.Matches(msg, k.Down):
		l.MoveTo(c+1, false)
	case key.Matches(msg, k.PageUp):
		l.MoveTo(c-page, false)
	case key.Matches(msg, k.PageDown):
		l.MoveTo(c+page, false)
	case key.Matches(msg, k.Top):
		l.MoveTo(0, false)
	case key.Matches(msg, k.Bottom):
		l.MoveTo(n-1, true)
	default:
		return false
	}
	return true
}

// Scroll moves the selection by d rows (the mouse wheel).
func (l *List) Scroll(d int) { l.MoveTo(l.cursor+d, false) }

// Click selects the row-th row shown (0 is the first record row); false
// when there is none.
func (l *List) Click(row int) bool {
	if row < 0 || row >= l.h || l.top+row >= l.Len() {
		return false
	}
	l.MoveTo(l.top+row, false)
	return true
}

// JumpBudget is how many records one JumpError examines at most (a few
// milliseconds): past it, the cursor goes to where the search stopped.
var JumpBudget = 2_000_000

// JumpError selects the next (dir +1, newer) or previous (-1, older) error
// row: 4xx, 5xx or an exchange the client could not use. While following,
// -1 starts at the newest row itself. It reports whether there was one;
// when JumpBudget records held none, it selects the last one it examined
// and reports more: pressing again goes on from there.
func (l *List) JumpError(dir int) (found, more bool) {
	n := l.Len()
	start := l.cursor + dir
	if dir < 0 && l.follow {
		start = n - 1
	}
	if start < 0 || start >= n || l.src == nil {
		return false, false
	}
	// The record at or past row start, in the direction of the search:
	// a mark row there is skipped.
	m, j := l.locate(start)
	if m != nil {
		k, _ := slices.BinarySearch(l.markPos, start)
		if j = start - k; dir < 0 {
			j-- // the record before the mark
		}
	}
	j, next := l.src.FindError(j, dir, JumpBudget)
	switch {
	case next >= 0 && next < l.n:
		l.MoveTo(l.rowOfRecord(next-dir), false)
		return false, true
	case j < 0 || j >= l.n:
		return false, false
	}
	l.MoveTo(l.rowOfRecord(j), false)
	return true, false
}

// Title says what the list holds: rows, records that fell out of memory,
// whether it follows.
func (l *List) Title(evicted uint64) string {
	s := "requests " + itoa(l.n)
	if evicted > 0 {
		s += " (+" + itoa(int(evicted)) + " older dropped from memory)"
	}
	if !l.follow {
		s += " · scrolled (G: live)"
	}
	return s
}

// Sync draws the visible rows if anything they depend on changed; View
// then only returns them.
func (l *List) Sync() {
	if !l.dirty {
		return
	}
	l.dirty = false
	l.lines = l.lines[:0]
	l.lines = append(l.lines, l.headerRow())
	blank := strings.Repeat(" ", l.w)
	cols := columnsFor(l.w)
	l.cache.check(l.w, l.t, l.clock, l.match, l.src)
	for i := l.top; i < l.top+l.h; i++ {
		m, j := l.locate(i)
		switch {
		case m != nil:
			l.lines = append(l.lines, l.markRow(m, i == l.cursor))
		case j < 0:
			l.lines = append(l.lines, blank)
		case i == l.cursor:
			r := l.src.At(j)
			l.lines = append(l.lines, l.t.Selected.Render(l.t.SelectedMarker+cells(r, cols, l.clock, l.cat).plain()))
		default:
			l.lines = append(l.lines, l.cache.row(l.src.SeqAt(j), func() string {
				r := l.src.At(j)
				if l.Highlighted(r) {
					return l.t.Match.Render(l.t.MatchMarker) + cells(r, cols, l.clock, l.cat).styled(l.t, r.Class(), true)
				}
				return " " + cells(r, cols, l.clock, l.cat).styled(l.t, r.Class(), false)
			}))
		}
	}
}

// Changed marks the drawn rows stale (a record they show may be new).
func (l *List) Changed() { l.dirty = true }

// View is the list's lines as Sync drew them: the column titles, then
// exactly h rows of width w.
func (l *List) View() []string { return l.lines }

// markRow draws a marker row across the whole width.
func (l *List) markRow(m *Mark, selected bool) string {
	st := l.t.MarkBack
	if m.Kind != MarkBack {
		st = l.t.MarkLost
	}
	lead := " "
	if selected {
		st, lead = l.t.Selected, "▸"
	}
	text := lead + "── " + l.clock.format(m.At, false) + " " + termtext.Sanitize(m.Text) + " "
	text += strings.Repeat("─", max(l.w-termtext.Width(text), 0))
	return st.Render(termtext.Fit(text, l.w))
}

// rowCache keeps drawn rows by the record's sequence number until the
// width, the theme, the clock, the search or the source changes: it checks
// its key on every use, so nothing clears it by hand. A row found in it
// costs no decoding at all.
type rowCache struct {
	w     int
	t     *theme.Theme
	clock Clock
	match Matcher
	src   Source
	rows  map[uint64]string
}

// check empties the cache when its key changed, and bounds it.
func (c *rowCache) check(w int, t *theme.Theme, clock Clock, match Matcher, src Source) {
	if c.rows == nil || c.w != w || c.t != t || c.clock != clock || c.match != match || c.src != src || len(c.rows) > 4096 {
		c.w, c.t, c.clock, c.match, c.src, c.rows = w, t, clock, match, src, make(map[uint64]string, 256)
	}
}

// row returns the drawn row of the record with sequence number seq,
// drawing it once.
func (c *rowCache) row(seq uint64, draw func() string) string {
	if s, ok := c.rows[seq]; ok {
		return s
	}
	s := draw()
	c.rows[seq] = s
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
