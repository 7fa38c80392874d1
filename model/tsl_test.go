package model

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// testTSL has a property of every data type the TSL knows, and services
// with required, optional and identifier-list inputs.
const testTSL = `{
 "schema":"https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
 "profile":{"productKey":"a1Test"},
 "properties":[
  {"identifier":"Brightness","name":"Brightness","accessMode":"rw","required":true,
   "dataType":{"type":"int","specs":{"min":"0","max":"100","step":"1","unit":"%"}}},
  {"identifier":"Level","name":"Level","accessMode":"rw","dataType":{"type":"int","specs":{"min":"10","max":"50","step":"5"}}},
  {"identifier":"Offset","name":"Offset","accessMode":"rw","dataType":{"type":"float","specs":{"min":"-5","max":"5","step":"0.1"}}},
  {"identifier":"Lux","name":"Lux","accessMode":"r","dataType":{"type":"double","specs":{"min":"0","max":"65535","step":"0.01","unit":"Lux"}}},
  {"identifier":"Power","name":"Power","accessMode":"rw","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
  {"identifier":"Mode","name":"Mode","accessMode":"rw","dataType":{"type":"enum","specs":{"0":"auto","1":"manual","2":"eco"}}},
  {"identifier":"Label","name":"Label","accessMode":"rw","dataType":{"type":"text","specs":{"length":"8"}}},
  {"identifier":"Since","name":"Since","accessMode":"rw","dataType":{"type":"date","specs":{}}},
  {"identifier":"RGB","name":"RGB","accessMode":"rw","dataType":{"type":"struct","specs":[
    {"identifier":"r","name":"Red","dataType":{"type":"int","specs":{"min":"0","max":"255"}}},
    {"identifier":"g","name":"Green","dataType":{"type":"int","specs":{"min":"0","max":"255"}}},
    {"identifier":"b","name":"Blue","dataType":{"type":"int","specs":{"min":"0","max":"255"}}}]}},
  {"identifier":"Slots","name":"Slots","accessMode":"rw","dataType":{"type":"array","specs":{"size":"3","item":{"type":"int","specs":{"min":"0","max":"9"}}}}}
 ],
 "services":[
  {"identifier":"set","method":"thing.service.property.set","callType":"async","required":true,
   "inputData":[{"identifier":"Brightness","name":"Brightness","dataType":{"type":"int","specs":{"min":"0","max":"100"}}}],"outputData":[]},
  {"identifier":"get","method":"thing.service.property.get","callType":"async","required":true,"inputData":["Brightness","Lux"],"outputData":[]},
  {"identifier":"fade","name":"Fade","method":"thing.service.fade","callType":"sync","inputData":[
    {"identifier":"to","name":"To","dataType":{"type":"int","specs":{"min":"0","max":"100"}}},
    {"identifier":"note","name":"Note","required":false,"dataType":{"type":"text","specs":{"length":"16"}}}],"outputData":[]}
 ],
 "events":[]
}`

func testSchema(t *testing.T) *Schema {
	t.Helper()
	s, err := ParseTSL([]byte(testTSL))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func prop(t *testing.T, s *Schema, id string) Field {
	t.Helper()
	for _, p := range s.Properties {
		if p.ID == id {
			return p.Field
		}
	}
	t.Fatalf("no property %s", id)
	return Field{}
}

func TestParseTSL(t *testing.T) {
	s := testSchema(t)
	if s.ProductKey != "a1Test" || len(s.Properties) != 10 || len(s.Services) != 3 {
		t.Fatalf("schema %+v", s)
	}
	if w := s.Writable(); len(w) != 9 || w[0].ID != "Brightness" {
		t.Errorf("writable: %d properties, first %s (Lux is read-only)", len(w), w[0].ID)
	}
	b := prop(t, s, "Brightness").Type
	if b.Kind != KindInt || !b.HasMin || b.Min != 0 || b.Max != 100 || b.Unit != "%" {
		t.Errorf("Brightness %+v", b)
	}
	if m := prop(t, s, "Mode").Type; len(m.Values) != 3 || m.Values[2] != (EnumValue{"2", "eco"}) {
		t.Errorf("Mode's values %+v", m.Values)
	}
	if rgb := prop(t, s, "RGB").Type; len(rgb.Members) != 3 || rgb.Members[1].ID != "g" || !rgb.Members[1].Required {
		t.Errorf("RGB members %+v", rgb.Members)
	}
	if sl := prop(t, s, "Slots").Type; sl.Size != 3 || sl.Item == nil || sl.Item.Kind != KindInt || sl.Item.Max != 9 {
		t.Errorf("Slots %+v", sl)
	}
	set, _ := s.Service("set")
	fade, _ := s.Service("fade")
	get, _ := s.Service("get")
	switch {
	case set.Inputs[0].Required:
		t.Error("the set service's inputs are all optional")
	case !fade.Inputs[0].Required || fade.Inputs[1].Required:
		t.Errorf("fade: to is required, note is not: %+v", fade.Inputs)
	case !get.IDList || len(get.Inputs) != 1 || strings.Join(get.Inputs[0].Type.Item.Choices, ",") != "Brightness,Lux":
		t.Errorf("get takes a list of identifiers: %+v", get)
	}
}

// TestParseSimulatorTSL reads the TSL the simulator serves, as its golden
// keeps it.
func TestParseSimulatorTSL(t *testing.T) {
	b, err := os.ReadFile("../edgeclient/edgesim/testdata/golden/2020-04-30_GetTSL.golden")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(b), "\n\n")
	var env struct {
		Data struct{ TSL json.RawMessage }
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatal(err)
	}
	s, err := ParseTSL(env.Data.TSL)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Writable()
	if len(w) != 1 || w[0].ID != "RelayState" || w[0].Type.Kind != KindBool {
		t.Fatalf("the meter's writable properties: %+v", w)
	}
	relay, ok := s.Service("setRelay")
	if !ok || len(relay.Inputs) != 1 || !relay.Inputs[0].Required {
		t.Fatalf("setRelay %+v", relay)
	}
	if v, p := Validate(relay.Inputs[0], "on"); p != "" || v != int64(1) {
		t.Errorf("setRelay state=on: %v %q", v, p)
	}
}

func TestValidate(t *testing.T) {
	s := testSchema(t)
	fade, _ := s.Service("fade")
	get, _ := s.Service("get")
	field := func(id string) Field {
		switch id {
		case "fade.to":
			return fade.Inputs[0]
		case "fade.note":
			return fade.Inputs[1]
		case "get":
			return get.Inputs[0]
		}
		return prop(t, s, id)
	}
	cases := []struct {
		field, text string
		want        string // the value as JSON, when it validates
		problem     string
	}{
		// int: integer, range, step
		{"Brightness", "40", "40", ""},
		{"Brightness", " 0 ", "0", ""},
		{"Brightness", "100", "100", ""},
		{"Brightness", "101", "", "must be an integer from 0 to 100"},
		{"Brightness", "-1", "", "must be an integer from 0 to 100"},
		{"Brightness", "4.5", "", "must be an integer from 0 to 100"},
		{"Brightness", "forty", "", "must be an integer from 0 to 100"},
		{"Level", "25", "25", ""},
		{"Level", "27", "", "must be 10, 15, 20, … (steps of 5)"},
		// float and double: number, range
		{"Offset", "-2.5", "-2.5", ""},
		{"Offset", "5.01", "", "must be a number from -5 to 5"},
		{"Offset", "NaN", "", "must be a number from -5 to 5"},
		{"Offset", "1,5", "", "must be a number from -5 to 5"},
		{"Lux", "65535", "65535", ""},
		{"Lux", "70000", "", "must be a number from 0 to 65535"},
		// bool: 0/1, the TSL's names, true/false
		{"Power", "1", "1", ""},
		{"Power", "off", "0", ""},
		{"Power", "ON", "1", ""},
		{"Power", "true", "1", ""},
		{"Power", "2", "", "must be 0 (off) or 1 (on)"},
		{"Power", "yes", "", "must be 0 (off) or 1 (on)"},
		// enum: by value or by name
		{"Mode", "2", "2", ""},
		{"Mode", "manual", "1", ""},
		{"Mode", "3", "", "must be one of 0 (auto), 1 (manual), 2 (eco)"},
		// text: length in bytes, spaces kept
		{"Label", "lobby", `"lobby"`, ""},
		{"Label", " a b ", `" a b "`, ""},
		{"Label", "123456789", "", "must be at most 8 bytes long (this is 9)"},
		{"Label", "ééééé", "", "must be at most 8 bytes long (this is 10)"},
		// date: epoch ms or RFC 3339, sent as a string of ms
		{"Since", "1587574910136", `"1587574910136"`, ""},
		{"Since", "2020-04-22T17:01:50Z", `"1587574910000"`, ""},
		{"Since", "yesterday", "", dateProblem},
		// struct: each member
		{"RGB", `{"r":1,"g":2,"b":3}`, `{"r":1,"g":2,"b":3}`, ""},
		{"RGB", `{"b":3,"g":2,"r":1}`, `{"r":1,"g":2,"b":3}`, ""},
		{"RGB", `{"r":1,"g":256,"b":3}`, "", "member g must be an integer from 0 to 255"},
		{"RGB", `{"r":1,"b":3}`, "", "member g is missing"},
		{"RGB", `{"r":1,"g":2,"b":3,"a":4}`, "", `has no member "a" (it has r, g, b)`},
		{"RGB", `{"r":"1","g":2,"b":3}`, "", "member r must be an integer from 0 to 255"},
		{"RGB", `[1,2,3]`, "", "must be a JSON object with r, g, b"},
		{"RGB", `{"r":1,`, "", "is not JSON: it ends too early"},
		// array: element type, size; JSON or a list
		{"Slots", "[1,2,3]", "[1,2,3]", ""},
		{"Slots", "4, 5", "[4,5]", ""},
		{"Slots", "[1,2,3,4]", "", "must have at most 3 items (this has 4)"},
		{"Slots", "1, 10", "", "item 2 must be an integer from 0 to 9"},
		{"Slots", `[1,"x"]`, "", "item 2 must be an integer from 0 to 9"},
		{"Slots", "1,,2", "", "item 2 is empty"},
		{"get", "Lux, brightness", `["Lux","Brightness"]`, ""},
		{"get", "Color", "", "item 1 must be one of Brightness, Lux"},
		// required and optional
		{"fade.to", "", "", "is required"},
		{"fade.to", "   ", "", "is required"},
		{"fade.note", "", "null", ""},
		{"Brightness", "", "null", ""},
	}
	for _, c := range cases {
		v, p := Validate(field(c.field), c.text)
		if p != c.problem {
			t.Errorf("%s %q: problem %q, want %q", c.field, c.text, p, c.problem)
			continue
		}
		if c.problem != "" {
			if v != nil {
				t.Errorf("%s %q: value %v with a problem", c.field, c.text, v)
			}
			continue
		}
		b, err := json.Marshal(v)
		if err != nil || string(b) != c.want {
			t.Errorf("%s %q: value %s (%v), want %s", c.field, c.text, b, err, c.want)
		}
	}
}

func TestHint(t *testing.T) {
	s := testSchema(t)
	for id, want := range map[string]string{
		"Brightness": "integer 0 to 100 %",
		"Level":      "integer 10 to 50, step 5",
		"Lux":        "number 0 to 65535 Lux",
		"Power":      "0 off · 1 on",
		"Mode":       "0 auto · 1 manual · 2 eco",
		"Label":      "text, at most 8 bytes",
		"RGB":        "JSON object: r, g, b",
		"Slots":      "up to 3 of integer 0 to 9: [JSON] or a, b, c",
	} {
		if got := prop(t, s, id).Type.Hint(); got != want {
			t.Errorf("%s: hint %q, want %q", id, got, want)
		}
	}
}

func TestObjectKeepsOrder(t *testing.T) {
	o := Object{{"LightSwitch", int64(0)}, {"Brightness", int64(40)}}
	b, err := json.Marshal(struct{ Properties Object }{o})
	if err != nil || string(b) != `{"Properties":{"LightSwitch":0,"Brightness":40}}` {
		t.Fatalf("%s %v", b, err)
	}
	if o.String() != "LightSwitch=0, Brightness=40" {
		t.Errorf("String %q", o.String())
	}
}

func TestCheckJSON(t *testing.T) {
	cases := []struct {
		text   string
		object bool
		want   string
		prob   string
	}{
		{`{ "LightSwitch" : 0 }`, true, `{"LightSwitch":0}`, ""},
		{`"red"`, false, `"red"`, ""},
		{`[1, 2]`, true, "", `must be a JSON object, e.g. {"LightSwitch":0}`},
		{`{"a":}`, true, "", "is not JSON: invalid character '}' looking for beginning of value (at byte 6)"},
		{`{} {}`, true, "", "is not JSON: more after the value (at byte 4)"},
		{"", true, "", ""},
	}
	for _, c := range cases {
		got, p := CheckJSON(c.text, c.object)
		if p != c.prob || string(got) != c.want {
			t.Errorf("%q: %s %q, want %s %q", c.text, got, p, c.want, c.prob)
		}
	}
}

func TestCheckFunctionARN(t *testing.T) {
	for s, ok := range map[string]bool{
		"service:helloworld:function:helloworld":                         true,
		"acs:fc:cn-shanghai:1234567890123456:service:demo:function:echo": true,
		"acs:fc:::service:demo:function:echo":                            true,
		"helloworld":                                                     false,
		"xservice:demo:function:echo":                                    false,
		"service:demo:function:echo/../x":                                false,
		"acs:fc:cn-shanghai:12345:service:demo:function:echo":            false,
		"service:" + strings.Repeat("a", 129) + ":function:f":            false,
	} {
		if got := CheckFunctionARN(s) == ""; got != ok {
			t.Errorf("%q: valid %v, want %v", s, got, ok)
		}
	}
	if CheckFunctionARN("") != "is required" {
		t.Error("an empty ARN is required")
	}
}

func TestParseTSLRefusesBadTypes(t *testing.T) {
	for _, doc := range []string{
		`{"properties":[{"name":"x","dataType":{"type":"int"}}]}`,
		`{"properties":[{"identifier":"x","dataType":{"type":"struct","specs":{"a":1}}}]}`,
		`{"properties":[{"identifier":"x","dataType":{"type":"array","specs":{"item":{"type":"struct","specs":"x"}}}}]}`,
		`{"services":[{"identifier":"s","inputData":["a",{"identifier":"b","dataType":{"type":"int"}}]}]}`,
		`[`,
	} {
		if _, err := ParseTSL([]byte(doc)); err == nil {
			t.Errorf("%s: parsed", doc)
		}
	}
	deep := `{"type":"int"}`
	for range maxTypeDepth + 2 {
		deep = `{"type":"array","specs":{"item":` + deep + `}}`
	}
	if _, err := ParseTSL([]byte(`{"properties":[{"identifier":"x","dataType":` + deep + `}]}`)); err == nil {
		t.Error("a type nested without end parsed")
	}
}
