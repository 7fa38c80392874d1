package failures_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"edgetop/model"
	"edgetop/model/failures"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// rec is a record at t0+sec seconds.
func rec(id uint64, sec int, status int, code, op, pk, dn string, kind model.ErrKind) model.Record {
	r := model.Record{
		ID: id, Start: t0.Add(time.Duration(sec) * time.Second), Status: status, APICode: code, Operation: op,
		ProductKey: pk, DeviceName: dn, Method: "GET", Path: "/2020-04-30/things",
	}
	if kind != "" {
		r.Err = &model.TransportError{Kind: kind, Text: "boom"}
	}
	return r
}

const pk = "a1LgtQx7n42"

// session is a small triage scene: a device that is gone (404, three
// times, out of order), bad parameters on another, a 500, timeouts with
// no response, a 200 whose body broke (a failure), a 404 whose body broke
// (its own group), and successes that must be ignored.
func session() []model.Record {
	return []model.Record{
		rec(1, 0, 200, "", "ListThings", "", "", ""),
		rec(2, 10, 404, "NotFound", "GetThingProperties", pk, "Light99", ""),
		rec(3, 30, 404, "NotFound", "GetThingProperties", pk, "Light99", ""),
		rec(4, 5, 404, "NotFound", "GetThingProperties", pk, "Light99", ""), // started before 2 and 3
		rec(5, 12, 400, "InvalidParameter", "SetThingProperties", pk, "Light01", ""),
		rec(6, 40, 0, "", "ListThings", "", "", model.ErrTimeout),
		rec(7, 41, 0, "", "ListThings", "", "", model.ErrTimeout),
		rec(8, 42, 200, "", "ListThings", "", "", model.ErrTruncated),
		rec(9, 43, 404, "NotFound", "GetThingProperties", pk, "Light99", model.ErrTruncated),
		rec(10, 44, 500, "ServiceUnavailable", "CallThingServices", pk, "Light01", ""),
		rec(11, 45, 201, "", "CreateAuthCookie", "", "", ""),
		rec(12, 46, 302, "Found", "ListThings", "", "", ""),
	}
}

func TestGrouping(t *testing.T) {
	s := failures.New()
	recs := session()
	s.Add(recs[:5]...)
	s.Add(recs[5:]...)
	if s.Total() != 9 || s.Len() != 6 || s.Other() != 0 {
		t.Fatalf("Total %d Len %d Other %d, want 9 6 0", s.Total(), s.Len(), s.Other())
	}
	byKey := map[failures.Key]failures.Group{}
	for _, g := range s.Groups(failures.ByCount) {
		byKey[g.Key] = g
	}
	gone := byKey[failures.Key{Status: 404, APICode: "NotFound", Operation: "GetThingProperties", Device: pk + "/Light99"}]
	if gone.Count != 3 || !gone.First.Equal(t0.Add(5*time.Second)) || !gone.Last.Equal(t0.Add(30*time.Second)) || gone.LastID != 3 {
		t.Errorf("404 group = %+v", gone)
	}
	timeouts := byKey[failures.Key{Operation: "ListThings", ErrKind: model.ErrTimeout}]
	if timeouts.Count != 2 || timeouts.LastID != 7 {
		t.Errorf("timeout group = %+v", timeouts)
	}
	if g := byKey[failures.Key{Status: 200, Operation: "ListThings", ErrKind: model.ErrTruncated}]; g.Count != 1 {
		t.Errorf("unusable 200 not a failure group: %+v", byKey)
	}
	if g := byKey[failures.Key{Status: 404, APICode: "NotFound", Operation: "GetThingProperties", Device: pk + "/Light99", ErrKind: model.ErrTruncated}]; g.Count != 1 {
		t.Errorf("404 with a broken body not its own group: %+v", byKey)
	}
	for _, r := range recs {
		inGroups := 0
		for _, g := range byKey {
			if g.Match(&r) {
				inGroups++
			}
		}
		if want := map[bool]int{true: 1, false: 0}[r.Class().IsError()]; inGroups != want {
			t.Errorf("record %d is in %d groups, want %d", r.ID, inGroups, want)
		}
	}
}

// TestLastTie: two failures at the same instant: the later ID is LastID.
func TestLastTie(t *testing.T) {
	s := failures.New()
	s.Add(rec(8, 1, 500, "", "op", "", "", ""), rec(3, 1, 500, "", "op", "", "", ""), rec(9, 1, 500, "", "op", "", "", ""))
	if g := s.Groups(failures.ByCount)[0]; g.LastID != 9 || g.Count != 3 {
		t.Fatalf("group = %+v", g)
	}
}

func TestOrder(t *testing.T) {
	s := failures.New()
	s.Add(session()...)
	ids := func(gs []failures.Group) string {
		var b strings.Builder
		for _, g := range gs {
			fmt.Fprintf(&b, "%d:%d ", g.LastID, g.Count)
		}
		return b.String()
	}
	// By count: the 404s (3), the timeouts (2), then the ones by recency.
	if got, want := ids(s.Groups(failures.ByCount)), "3:3 7:2 10:1 9:1 8:1 5:1 "; got != want {
		t.Errorf("ByCount = %s, want %s", got, want)
	}
	if got, want := ids(s.Groups(failures.ByRecent)), "10:1 9:1 8:1 7:2 3:3 5:1 "; got != want {
		t.Errorf("ByRecent = %s, want %s", got, want)
	}
	// Equal count and time: the key decides, the same way every time.
	s = failures.New()
	s.Add(rec(1, 0, 503, "", "b", "", "", ""), rec(1, 0, 500, "", "b", "", "", ""), rec(1, 0, 500, "", "a", "", "", ""))
	for range 5 {
		gs := s.Groups(failures.ByCount)
		if gs[0].Status != 500 || gs[0].Operation != "a" || gs[1].Operation != "b" || gs[2].Status != 503 {
			t.Fatalf("tie order = %+v", gs)
		}
	}
	// Groups is a copy.
	gs := s.Groups(failures.ByRecent)
	gs[0].Count = 99
	if s.Groups(failures.ByRecent)[0].Count == 99 {
		t.Fatal("Groups shares its slice")
	}
}

func TestBounds(t *testing.T) {
	s := failures.New()
	for i := range failures.MaxGroups + 10 {
		s.Add(rec(uint64(i+1), i, 404, "NotFound", "GetThingProperties", pk, fmt.Sprintf("dev%d", i), ""))
	}
	if s.Len() != failures.MaxGroups || s.Other() != 10 || s.Total() != failures.MaxGroups+10 {
		t.Fatalf("Len %d Other %d Total %d", s.Len(), s.Other(), s.Total())
	}
	s.Add(rec(1e6, 1e6, 404, "NotFound", "GetThingProperties", pk, "dev0", ""))
	if s.Len() != failures.MaxGroups || s.Other() != 10 || s.Total() != failures.MaxGroups+11 {
		t.Fatalf("a known group when full: Len %d Other %d Total %d", s.Len(), s.Other(), s.Total())
	}
	if g := s.Groups(failures.ByCount)[0]; g.Device != pk+"/dev0" || g.Count != 2 || g.LastID != 1e6 {
		t.Fatalf("the known group = %+v", g)
	}
	empty := failures.New()
	if empty.Len() != 0 || len(empty.Groups(failures.ByCount)) != 0 || failures.Text(nil, t0) == "" {
		t.Fatal("empty summary")
	}
}

func TestAddAllocs(t *testing.T) {
	s := failures.New()
	recs := session()
	s.Add(recs...)
	if n := testing.AllocsPerRun(100, func() { s.Add(recs...) }); n != 0 {
		t.Fatalf("Add of known groups allocates %v times", n)
	}
}

func TestQuery(t *testing.T) {
	for _, tc := range []struct {
		k    failures.Key
		want string
	}{
		{
			failures.Key{Status: 404, APICode: "NotFound", Operation: "GetThingProperties", Device: pk + "/Light99"},
			`404 kind:"" code:NotFound op:GetThingProperties dev:a1LgtQx7n42/Light99`,
		},
		{failures.Key{Operation: "ListThings", ErrKind: model.ErrTimeout}, `0 kind:timeout code:"" op:ListThings dev:""`},
		{failures.Key{Status: 200, Operation: "BulkActions.Watch", ErrKind: model.ErrTruncated}, `200 kind:truncated code:"" op:BulkActions.Watch dev:""`},
		{
			failures.Key{Status: 400, APICode: "400", Operation: "Unknown", Device: "p k/d\"n\\x"},
			`400 kind:"" code:400 op:Unknown dev:"p k/d\"n\\x"`,
		},
		{
			failures.Key{Status: 500, APICode: "Cookie.Set", Operation: "op*", Device: "a:b/(c)"},
			`500 kind:"" code:Cookie.Set op:"op*" dev:"a:b/(c)"`,
		},
		{failures.Key{Status: 503}, `503 kind:"" code:"" op:"" dev:""`},
	} {
		if got := tc.k.Query(); got != tc.want {
			t.Errorf("%+v.Query() = %s, want %s", tc.k, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	s := failures.New()
	s.Add(session()...)
	now := t0.Add(5 * time.Minute)
	got := failures.Text(s.Groups(failures.ByCount), now)
	want := `Failures: 9 in 6 groups (2026-12-01 09:05:00 UTC)
COUNT  STATUS         API CODE            OPERATION           DEVICE               FIRST     LAST
    3  404            NotFound            GetThingProperties  a1LgtQx7n42/Light99  09:00:05  09:00:30 (4m ago)
    2  err timeout    -                   ListThings          -                    09:00:40  09:00:41 (4m ago)
    1  500            ServiceUnavailable  CallThingServices   a1LgtQx7n42/Light01  09:00:44  09:00:44 (4m ago)
    1  404 truncated  NotFound            GetThingProperties  a1LgtQx7n42/Light99  09:00:43  09:00:43 (4m ago)
    1  200 truncated  -                   ListThings          -                    09:00:42  09:00:42 (4m ago)
    1  400            InvalidParameter    SetThingProperties  a1LgtQx7n42/Light01  09:00:12  09:00:12 (4m ago)
`
	if got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
	// Another day shows the date; the location is now's.
	later := time.Date(2026, 12, 3, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	got = failures.Text(s.Groups(failures.ByCount)[:1], later)
	if !strings.Contains(got, "2026-12-01 10:00:05  2026-12-01 10:00:30 (2d ago)") || !strings.HasPrefix(got, "Failures: 3 in 1 group (2026-12-03 11:00:00 CET)") {
		t.Errorf("Text another day:\n%s", got)
	}
	if got := failures.Text(nil, now); got != "No failures (2026-12-01 09:05:00 UTC)\n" {
		t.Errorf("Text(nil) = %q", got)
	}
}

// hostile is text a gateway could put in an API code or a device name.
const hostile = "x\x1b[2J\x1b]0;t\x07\u009b1m\x7f\u202e\u2066\u200b\u200d\u2060\ufeff\u00ad\u2028\u2029\u061c\x00\r\n\t\xff\xc3y"

func TestTextSafe(t *testing.T) {
	s := failures.New()
	s.Add(rec(1, 0, 400, "Code"+hostile, "Op"+hostile, "pk"+hostile, hostile, model.ErrKind("k"+hostile)))
	s.Add(rec(2, 1, 404, "NotFound", "GetThingProperties", "設備", "灯り", ""))
	s.Add(rec(3, 2, 404, "NotFound", "GetThingProperties", strings.Repeat("long", 40), "e\u0301", ""))
	got := failures.Text(s.Groups(failures.ByCount), t0.Add(time.Minute))
	if !utf8.ValidString(got) {
		t.Fatalf("invalid UTF-8 in %q", got)
	}
	for _, r := range got {
		if r != '\n' && (!unicode.IsPrint(r) || model.NeedsEscape(r)) {
			t.Fatalf("unsafe %U in:\n%q", r, got)
		}
	}
	if !strings.Contains(got, "Codex\uFFFD[2J") || !strings.Contains(got, "…") {
		t.Errorf("hostile text not replaced or long text not cut:\n%s", got)
	}
	// Columns align in display cells: FIRST starts at the same cell on
	// every row (wide characters count two, a combining mark none).
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")[1:]
	col := -1
	for _, l := range lines {
		mark := "09:00:0"
		if strings.HasPrefix(l, "COUNT") {
			mark = "FIRST"
		}
		at := cellsBefore(l, strings.Index(l, mark))
		if col >= 0 && at != col {
			t.Errorf("FIRST at cell %d, want %d:\n%s", at, col, got)
		}
		col = at
	}
}

// cellsBefore is the display width of l[:i] (test approximation: wide
// CJK counts two, combining marks none).
func cellsBefore(l string, i int) int {
	n := 0
	for _, r := range l[:i] {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r):
			n += 2
		default:
			n++
		}
	}
	return n
}

// TestDeviceSplit: one Device split two ways between ProductKey and
// DeviceName is one group, as its Key says.
func TestDeviceSplit(t *testing.T) {
	s := failures.New()
	s.Add(rec(1, 0, 404, "", "op", "a/b", "c", ""), rec(2, 1, 404, "", "op", "a", "b/c", ""), rec(3, 2, 404, "", "op", "a/b", "c", ""))
	if gs := s.Groups(failures.ByCount); s.Len() != 1 || gs[0].Count != 3 || gs[0].Device != "a/b/c" || gs[0].LastID != 3 {
		t.Fatalf("groups = %+v", gs)
	}
}
