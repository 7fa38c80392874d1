package model

import "testing"

func TestFilterMatch(t *testing.T) {
	q := func(src string) *Query { return mustQuery(t, src) }
	r := &Record{
		Operation: "SetThingProperties", Method: "POST", Path: "/2020-04-30/things/pk1/dev-A/properties",
		ProductKey: "pk1", DeviceName: "dev-A", Status: 421, APICode: "TooManyConnections",
		APIMessage: "connection limit reached",
	}
	netRec := &Record{Operation: "ListThings", Err: &TransportError{Kind: ErrTimeout, Text: "i/o deadline exceeded"}}
	tests := []struct {
		name string
		f    Filter
		r    *Record
		want bool
	}{
		{"zero", Filter{}, r, true},
		{"class in", Filter{Classes: ClassSet(0).With(Class4xx)}, r, true},
		{"class out", Filter{Classes: ClassSet(0).With(Class5xx).With(Class2xx)}, r, false},
		{"net class", Filter{Classes: ClassSet(0).With(ClassNet)}, netRec, true},
		{"code in", Filter{Codes: []int{500, 421}}, r, true},
		{"code out", Filter{Codes: []int{500}}, r, false},
		{"code 0", Filter{Codes: []int{0}}, netRec, true},
		{"operation any case", Filter{Operation: "setthingproperties"}, r, true},
		{"operation other", Filter{Operation: "ListThings"}, r, false},
		{"operation is not a substring", Filter{Operation: "Set"}, r, false},
		{"device full", Filter{Device: "PK1/dev-a"}, r, true},
		{"device name only", Filter{Device: "dev-A"}, r, true},
		{"product key only", Filter{Device: "pk1"}, r, true},
		{"device other", Filter{Device: "pk1/dev-B"}, r, false},
		{"device on record without one", Filter{Device: "pk1"}, netRec, false},
		{"text operation", Filter{Query: q("thingprop")}, r, true},
		{"text path", Filter{Query: q(`"/PROPERTIES"`)}, r, true},
		{"text method", Filter{Query: q("post")}, r, true},
		{"text device", Filter{Query: q("pk1/dev")}, r, true},
		{"text status", Filter{Query: q("42")}, r, true},
		{"text api code", Filter{Query: q("toomany")}, r, true},
		{"text api message", Filter{Query: q("LIMIT REACHED")}, r, true},
		{"text error kind", Filter{Query: q("timeout")}, netRec, true},
		{"text error text", Filter{Query: q("Deadline")}, netRec, true},
		{"text missing", Filter{Query: q("nothing")}, r, false},
		{"text unicode fold", Filter{Query: q("ÉCHEC")}, &Record{APIMessage: "un échec"}, true},
		{"all fields", Filter{Classes: AllClasses, Codes: []int{421}, Operation: "SetThingProperties", Device: "dev-A", Query: q("conn")}, r, true},
		{"one field fails", Filter{Codes: []int{421}, Query: q("zzz")}, r, false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(tt.r); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFilterIsZeroAndEqual(t *testing.T) {
	if !(Filter{}).IsZero() || !(Filter{Classes: AllClasses}).IsZero() {
		t.Error("zero filters not zero")
	}
	for _, f := range []Filter{
		{Classes: ClassSet(0).With(Class2xx)}, {Codes: []int{200}}, {Operation: "x"}, {Device: "x"}, {Query: mustQuery(t, "x")},
	} {
		if f.IsZero() {
			t.Errorf("%+v is zero", f)
		}
		if !f.Equal(f.clone()) || f.Equal(Filter{}) {
			t.Errorf("%+v: Equal wrong", f)
		}
	}
	a, b := Filter{Query: mustQuery(t, "5xx op:Set*")}, Filter{Query: mustQuery(t, "5xx and op:Set*")}
	if !a.Equal(b) || a.Equal(Filter{Query: mustQuery(t, "5xx op:Get*")}) {
		t.Error("Query not compared by its canonical text")
	}
}

func TestContainsFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   bool
	}{
		{"", "", true},
		{"abc", "", true},
		{"", "a", false},
		{"ab", "abc", false},
		{"Hello", "LLO", true},
		{"Hello", "lo!", false},
		{"ÀB", "àb", true},
		{"xÀ", "à", true},
	}
	for _, tt := range tests {
		if got := containsFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v", tt.s, tt.sub, got)
		}
	}
}
