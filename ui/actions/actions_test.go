package actions

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
	"edgetop/ui/uitest"
)

// lightTSL is the simulator's SmartLight TSL, trimmed, with a field of
// each other type besides.
const lightTSL = `{"profile":{"productKey":"a1LgtQx7n42"},
"properties":[
 {"identifier":"LightSwitch","name":"Light switch","accessMode":"rw","required":true,"dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
 {"identifier":"Brightness","name":"Brightness","accessMode":"rw","required":true,"dataType":{"type":"int","specs":{"max":"100","min":"0","step":"1","unit":"%"}}},
 {"identifier":"Color","name":"Color","accessMode":"rw","required":true,"dataType":{"type":"text","specs":{"length":"16"}}},
 {"identifier":"Mode","name":"Mode","accessMode":"rw","dataType":{"type":"enum","specs":{"0":"auto","1":"manual"}}},
 {"identifier":"Gain","name":"Gain","accessMode":"rw","dataType":{"type":"float","specs":{"min":"0","max":"2"}}},
 {"identifier":"RGB","name":"RGB","accessMode":"rw","dataType":{"type":"struct","specs":[
   {"identifier":"r","name":"r","dataType":{"type":"int","specs":{"min":"0","max":"255"}}},
   {"identifier":"g","name":"g","dataType":{"type":"int","specs":{"min":"0","max":"255"}}}]}},
 {"identifier":"Slots","name":"Slots","accessMode":"rw","dataType":{"type":"array","specs":{"size":"2","item":{"type":"int","specs":{"min":"0","max":"9"}}}}},
 {"identifier":"MeasuredIlluminance","name":"Measured illuminance","accessMode":"r","dataType":{"type":"double","specs":{"min":"0","max":"65535"}}}],
"services":[
 {"identifier":"set","method":"thing.service.property.set","inputData":[{"identifier":"Brightness","name":"Brightness","dataType":{"type":"int","specs":{"min":"0","max":"100"}}}]},
 {"identifier":"get","method":"thing.service.property.get","inputData":["LightSwitch","Brightness"]},
 {"identifier":"setColor","name":"Set color","desc":"Sets the light's color","inputData":[{"identifier":"color","name":"Color","dataType":{"type":"text","specs":{"length":"16"}}}]},
 {"identifier":"toggle","name":"Toggle","inputData":[]}]}`

func schema(t *testing.T) *model.Schema {
	t.Helper()
	s, err := model.ParseTSL([]byte(lightTSL))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func env(version string) *Env {
	n := uint64(0)
	return &Env{
		Theme: theme.NoColorTheme(), Keys: keys.Default(), Version: version, User: "admin",
		ProductKey: "a1LgtQx7n42", DeviceName: "Light01", NextID: func() uint64 { n++; return n },
	}
}

// press is the key press of a key name.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// typeText types s into the focused field.
func typeText(m modal.Modal, s string) {
	for _, r := range s {
		m.HandleKey(press(string(r)))
	}
}

// screen is the dialog's lines at w×h, unstyled.
func screen(m modal.Modal, w, h int) string {
	m.SetSize(w, h)
	return ansi.Strip(strings.Join(m.View(), "\n"))
}

// lineWith is the line of the screen holding s.
func lineWith(t *testing.T, sc, s string) string {
	t.Helper()
	for _, l := range strings.Split(sc, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	t.Fatalf("no line holds %q:\n%s", s, sc)
	return ""
}

// TestFormRefusesOutOfRange: a value the TSL forbids is refused as it is
// typed, with the reason on the field's own line; submit stays blocked
// until it is fixed; then the confirmation asks, and y sends exactly the
// body the API documents.
func TestFormRefusesOutOfRange(t *testing.T) {
	e := env(edgeclient.Version2020)
	f := setForm(e, schema(t)).(*Form)
	f.SetSize(78, 19)
	typeText(f, "0")
	f.HandleKey(press("tab"))
	typeText(f, "150")
	sc := screen(f, 78, 19)
	if l := lineWith(t, sc, "[150"); !strings.Contains(l, "✗ must be an integer from 0 to 100") {
		t.Errorf("the reason is not beside the field: %q", l)
	}
	if !strings.Contains(sc, "1 field does not validate") {
		t.Errorf("the status line does not say so:\n%s", sc)
	}
	if res := f.HandleKey(press("enter")); res.Open != nil || res.Msg != nil || res.Close {
		t.Fatalf("submit went on with a wrong field: %+v", res)
	}
	f.HandleKey(press("backspace"))
	f.HandleKey(press("backspace"))
	typeText(f, "0")
	if p := f.Problem(1); p != "" {
		t.Fatalf("40 is refused: %q", p)
	}
	f.HandleKey(press("backspace"))
	f.HandleKey(press("backspace"))
	typeText(f, "40")
	res := f.HandleKey(press("enter"))
	c, ok := res.Open.(*confirm)
	if !ok || !res.Close {
		t.Fatalf("submit: %+v", res)
	}
	if q := c.Question(); q != "Set LightSwitch=0, Brightness=40 on a1LgtQx7n42/Light01? y/n" {
		t.Errorf("question %q", q)
	}
	csc := screen(c, 78, 19)
	for _, want := range []string{
		"POST /2020-04-30/things/a1LgtQx7n42/Light01/properties",
		`{"Properties":{"LightSwitch":0,"Brightness":40}}`,
	} {
		if !strings.Contains(csc, want) {
			t.Errorf("the confirmation does not show %s:\n%s", want, csc)
		}
	}
	if back := c.HandleKey(press("n")); back.Open != f {
		t.Errorf("n does not go back to the form: %+v", back)
	}
	sent := c.HandleKey(press("y"))
	s, ok := sent.Msg.(Send)
	if !ok || !sent.Close || s.Action.Kind != session.ActionSetProperties {
		t.Fatalf("y: %+v", sent)
	}
	body, _ := s.Action.Body()
	// The simulator's golden 2020-04-30_SetThingProperties sends this body.
	if string(body) != `{"Properties":{"LightSwitch":0,"Brightness":40}}` {
		t.Errorf("body %s", body)
	}
}

// TestFormRefusesEachType: each TSL type refuses what it forbids, with the
// reason beside the field.
func TestFormRefusesEachType(t *testing.T) {
	cases := []struct {
		field int
		text  string
		why   string
	}{
		{0, "2", "must be 0 (off) or 1 (on)"},                    // bool
		{1, "4.5", "must be an integer from 0 to 100"},           // int
		{2, strings.Repeat("x", 17), "must be at most 16 bytes"}, // text
		{3, "eco", "must be 0 (auto) or 1 (manual)"},             // enum
		{4, "2.5", "must be a number from 0 to 2"},               // float
		{5, `{"r":1}`, "member g is missing"},                    // struct
		{5, `{"r":1,"g":300}`, "member g must be an integer"},    // struct member out of range
		{6, "1, 2, 3", "must have at most 2 items"},              // array size
		{6, "[1,10]", "item 2 must be an integer from 0 to 9"},   // array item
	}
	for _, c := range cases {
		f := setForm(env(edgeclient.Version2020), schema(t)).(*Form)
		f.SetSize(118, 37)
		f.SetText(c.field, c.text)
		f.focus = c.field
		if p := f.Problem(c.field); !strings.Contains(p, c.why) {
			t.Errorf("field %d %q: problem %q, want %q", c.field, c.text, p, c.why)
			continue
		}
		l := lineWith(t, screen(f, 118, 37), "["+firstCells(c.text))
		if !strings.Contains(l, "✗ "+c.why) {
			t.Errorf("field %d: the reason is not beside it: %q", c.field, l)
		}
		if res := f.HandleKey(press("enter")); res.Open != nil || res.Msg != nil {
			t.Errorf("field %d %q: submitted", c.field, c.text)
		}
	}
}

// firstCells is the start of a typed text as the field shows it.
func firstCells(s string) string { return s[:min(len(s), 8)] }

// TestFormMissingRequired: a service's required argument left empty
// blocks the call, and says so once the form was submitted; a service
// without arguments goes straight to the confirmation.
func TestFormMissingRequired(t *testing.T) {
	e := env(edgeclient.Version2020)
	s := schema(t)
	sv, _ := s.Service("setColor")
	f := serviceForm(e, sv).(*Form)
	f.SetSize(78, 19)
	if p := f.Problem(0); p != "" {
		t.Errorf("an untouched field already says %q", p)
	}
	if res := f.HandleKey(press("enter")); res.Open != nil || res.Msg != nil {
		t.Fatal("submitted without the required color")
	}
	if l := lineWith(t, screen(f, 78, 19), "Color (color)"); !strings.Contains(l, "required") {
		t.Errorf("the hint does not say required: %q", l)
	}
	if p := f.Problem(0); p != "is required" {
		t.Errorf("problem %q", p)
	}
	typeText(f, "red")
	res := f.HandleKey(press("enter"))
	c := res.Open.(*confirm)
	body, _ := c.a.Body()
	if string(body) != `{"Services":[{"Name":"setColor","Args":{"color":"red"}}]}` {
		t.Errorf("body %s", body)
	}
	picker := servicePicker(e, s).(*list)
	if picker.items[0].label != "Set color (setColor)" || picker.items[1].label != "Toggle (toggle)" {
		t.Errorf("the product's own services come first: %q, %q", picker.items[0].label, picker.items[1].label)
	}
	res = picker.choose(1) // toggle: no arguments
	c, ok := res.Open.(*confirm)
	if !ok {
		t.Fatalf("toggle: %+v", res)
	}
	body, _ = c.a.Body()
	// The simulator's golden CallThingServices_failed sends this body.
	if string(body) != `{"Services":[{"Name":"toggle"}]}` {
		t.Errorf("body %s", body)
	}
}

// TestSetFormNeedsOneValue: a set form with every field empty is refused
// as a whole.
func TestSetFormNeedsOneValue(t *testing.T) {
	f := setForm(env(edgeclient.Version2020), schema(t)).(*Form)
	f.SetSize(78, 19)
	if res := f.HandleKey(press("enter")); res.Open != nil || res.Msg != nil {
		t.Fatal("an empty set was submitted")
	}
	if !strings.Contains(screen(f, 78, 19), "✗ fill in at least one property to set") {
		t.Error("the form does not say why")
	}
}

// TestRawForms: on 2019-09-30 the forms take raw JSON, checked for
// syntax, and send it as typed (compacted).
func TestRawForms(t *testing.T) {
	e := env(edgeclient.Version2019)
	res := openSet(e)
	f, ok := res.Open.(*Form)
	if !ok || res.Msg != nil {
		t.Fatalf("2019: the set form reads no TSL: %+v", res)
	}
	f.SetSize(78, 19)
	typeText(f, `{"LightSwitch":0,`)
	if l := lineWith(t, screen(f, 78, 19), `[{"LightSwitch"`); !strings.Contains(l, "✗ is not JSON") {
		t.Errorf("no syntax error beside the field: %q", l)
	}
	typeText(f, ` "Brightness": 40}`)
	c := f.HandleKey(press("enter")).Open.(*confirm)
	body, _ := c.a.Body()
	if string(body) != `{"Properties":{"LightSwitch":0,"Brightness":40}}` {
		t.Errorf("body %s", body)
	}
	cf := openCall(e).Open.(*Form)
	cf.SetSize(78, 19)
	typeText(cf, "setColor")
	cf.HandleKey(press("tab"))
	typeText(cf, `{"color":"red"}`)
	c = cf.HandleKey(press("enter")).Open.(*confirm)
	if body, _ := c.a.Body(); string(body) != `{"Services":[{"Name":"setColor","Args":{"color":"red"}}]}` {
		t.Errorf("body %s", body)
	}
	if !strings.Contains(screen(NewMenu(e), 78, 19), "Enable a scene     not in the 2019-09-30 API") {
		t.Errorf("the menu offers scenes on 2019:\n%s", screen(NewMenu(e), 78, 19))
	}
}

// TestWaitForTheTSL: choosing "set" sends a TSL read; only its answer
// opens the form; a failure offers the raw form.
func TestWaitForTheTSL(t *testing.T) {
	e := env(edgeclient.Version2020)
	m := NewMenu(e)
	res := m.HandleKey(press("1"))
	send, ok := res.Msg.(Send)
	w, isWait := res.Open.(*wait)
	if !ok || !isWait || send.Action.Kind != session.ActionTSL || send.Action.ProductKey != "a1LgtQx7n42" {
		t.Fatalf("1: %+v", res)
	}
	if _, mine := w.Answer(&session.ActionResult{Action: session.Action{ID: send.Action.ID + 1}}); mine {
		t.Error("took another action's answer")
	}
	got, mine := w.Answer(&session.ActionResult{Action: send.Action, Schema: schema(t), Sent: true})
	if _, isForm := got.Open.(*Form); !mine || !isForm {
		t.Fatalf("answer: %+v", got)
	}
	w2 := NewMenu(e).HandleKey(press("1")).Open.(*wait)
	_, _ = w2.Answer(&session.ActionResult{Action: session.Action{ID: w2.id}, Err: errors.New("edgeclient: GetTSL: HTTP 403 Forbidden")})
	if sc := screen(w2, 78, 19); !strings.Contains(sc, "✗ GetTSL: HTTP 403 Forbidden") || !strings.Contains(sc, "raw JSON") {
		t.Errorf("the failure:\n%s", sc)
	}
	if _, isForm := w2.HandleKey(press("enter")).Open.(*Form); !isForm {
		t.Error("enter after a failure does not open the raw form")
	}
}

// TestMenuWithoutDevice: the device's actions wait for a device.
func TestMenuWithoutDevice(t *testing.T) {
	e := env(edgeclient.Version2020)
	e.ProductKey, e.DeviceName = "", ""
	m := NewMenu(e)
	if res := m.HandleKey(press("1")); res.Open != nil || res.Msg != nil {
		t.Fatalf("set without a device: %+v", res)
	}
	if sc := screen(m, 78, 19); !strings.Contains(sc, "✗ Set properties: select a device first") {
		t.Errorf("no reason:\n%s", sc)
	}
	res := m.HandleKey(press("6"))
	if s, ok := res.Msg.(Send); !ok || s.Action.Kind != session.ActionLogin || !res.Close {
		t.Errorf("6 logs in again: %+v", res)
	}
	res = m.HandleKey(press("7"))
	if s, ok := res.Msg.(Send); !ok || s.Action.Kind != session.ActionThings {
		t.Fatalf("7 lists the devices: %+v", res)
	}
	pick := devicePicker(e, []edgeclient.Thing{{ProductKey: "pk", DeviceName: "Door01", Status: "Online"}}).(*list)
	next := pick.choose(0).Open.(*list)
	if !strings.Contains(next.title, "pk/Door01") {
		t.Errorf("the device's menu: %q", next.title)
	}
}

// TestFunctionForm: the ARN is checked by the documented pattern, a JSON
// payload for syntax; the payload goes as typed.
func TestFunctionForm(t *testing.T) {
	f := functionForm(env(edgeclient.Version2020)).(*Form)
	f.SetSize(118, 37)
	typeText(f, "helloworld")
	if p := f.Problem(0); !strings.HasPrefix(p, "must be service:NAME:function:NAME") {
		t.Errorf("ARN problem %q", p)
	}
	f.SetText(0, "service:demo:function:echo")
	f.HandleKey(press("tab"))
	typeText(f, `{"hello": "edge"`)
	if p := f.Problem(1); !strings.HasPrefix(p, "is not JSON") {
		t.Errorf("payload problem %q", p)
	}
	typeText(f, "}")
	c := f.HandleKey(press("enter")).Open.(*confirm)
	if string(c.a.Payload) != `{"hello": "edge"}` || c.a.Function != "service:demo:function:echo" {
		t.Errorf("action %+v", c.a)
	}
}

// TestFormTakesPaste: a paste goes into the focused field.
func TestFormTakesPaste(t *testing.T) {
	f := rawSetForm(env(edgeclient.Version2019)).(*Form)
	f.HandlePaste("{\"LightSwitch\": 1}\n")
	if f.Problem(0) != "" || string(f.fields[0].value.(json.RawMessage)) != `{"LightSwitch":1}` {
		t.Errorf("paste: %q %v", f.Problem(0), f.fields[0].value)
	}
	if !f.TakesText() {
		t.Error("a form takes text")
	}
}

// TestHostileNames: names from the gateway (a TSL, scenes, devices, an
// error) reach the screen sanitised.
func TestHostileNames(t *testing.T) {
	evil := uitest.Evil
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	doc := `{"properties":[{"identifier":` + q("p"+evil) + `,"name":` + q(evil) + `,"accessMode":"rw",` +
		`"dataType":{"type":"enum","specs":{"0":` + q(evil) + `}}}],` +
		`"services":[{"identifier":"s","name":` + q(evil) + `,"desc":` + q(evil) + `,"inputData":[{"identifier":"a","name":` +
		q(evil) + `,"dataType":{"type":"struct","specs":[{"identifier":` + q(evil) + `,"dataType":{"type":"int"}}]}}]}]}`
	s, err := model.ParseTSL([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	e := env(edgeclient.Version2020)
	e.ProductKey, e.DeviceName = "pk"+evil, "dn"+evil
	f := setForm(e, s).(*Form)
	f.SetText(0, "x")
	sf := serviceForm(e, s.Services[0]).(*Form)
	sf.SetText(0, `{"x":1}`)
	w, _ := read(e, session.ActionTSL, "t", "reading "+e.ProductKey, nil)
	_, _ = w.Answer(&session.ActionResult{Action: session.Action{ID: w.id}, Err: errors.New(evil)})
	dialogs := []modal.Modal{
		NewMenu(e), f, sf, servicePicker(e, s), w,
		scenePicker(e, []edgeclient.Scene{{ID: evil, Name: evil}}, "enable", session.ActionEnableScene),
		devicePicker(e, []edgeclient.Thing{{ProductKey: evil, DeviceName: evil, NickName: evil}}),
		newConfirm(e, session.Action{Kind: session.ActionEnableScene, Scene: evil, SceneName: evil}, nil),
	}
	for i, d := range dialogs {
		d.SetSize(100, 30)
		for _, l := range d.View() {
			if err := termtext.CheckStyled(l); err != nil {
				t.Errorf("dialog %d (%T): %v", i, d, err)
			}
		}
	}
}
