package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks the text an operator typed for f against its TSL type
// and returns the typed JSON value to send (int64, float64, string,
// Object, []any, json.RawMessage), or a reason in plain words ("must be an
// integer from 0 to 100"). An empty text is no value: nil and no problem,
// unless f is required ("is required"). Spaces around the text are dropped,
// but for a text field, whose value is what was typed.
func Validate(f Field, text string) (value any, problem string) {
	s := text
	if f.Type.Kind != KindText || len(f.Type.Choices) > 0 {
		s = strings.TrimSpace(text)
	}
	if strings.TrimSpace(s) == "" {
		if f.Required {
			return nil, "is required"
		}
		return nil, ""
	}
	return f.Type.Parse(s)
}

// Parse reads typed text as a value of the type (see Validate).
func (dt DataType) Parse(s string) (any, string) {
	switch dt.Kind {
	case KindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, dt.numberProblem()
		}
		return dt.checkInt(n)
	case KindFloat, KindDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, dt.numberProblem()
		}
		return dt.checkFloat(f)
	case KindBool, KindEnum:
		return dt.pick(s)
	case KindText:
		return dt.checkText(s)
	case KindDate:
		return parseDate(s)
	case KindStruct:
		return dt.parseJSON(s, '{')
	case KindArray:
		if strings.HasPrefix(s, "[") || dt.Item == nil || dt.Item.Kind == KindStruct {
			return dt.parseJSON(s, '[')
		}
		return dt.parseList(s)
	}
	return dt.parseJSON(s, 0)
}

// parseJSON decodes s as JSON (opening with open, unless 0) and checks it.
func (dt DataType) parseJSON(s string, open byte) (any, string) {
	if open != 0 && s[0] != open {
		return nil, dt.jsonProblem()
	}
	v, problem := decodeJSON(s)
	if problem != "" {
		return nil, problem
	}
	return dt.check(v)
}

// parseList reads "a, b, c" as an array's elements, each typed text.
func (dt DataType) parseList(s string) (any, string) {
	parts := strings.Split(s, ",")
	if p := dt.checkSize(len(parts)); p != "" {
		return nil, p
	}
	out := make([]any, 0, len(parts))
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, "item " + strconv.Itoa(i+1) + " is empty"
		}
		v, p := dt.Item.Parse(part)
		if p != "" {
			return nil, "item " + strconv.Itoa(i+1) + " " + p
		}
		out = append(out, v)
	}
	return out, ""
}

// check checks a decoded JSON value (numbers as json.Number) against the
// type: the members of a struct and the elements of an array.
func (dt DataType) check(v any) (any, string) {
	switch dt.Kind {
	case KindInt, KindFloat, KindDouble:
		num, ok := v.(json.Number)
		if !ok {
			return nil, dt.numberProblem()
		}
		return dt.Parse(num.String())
	case KindBool, KindEnum:
		switch x := v.(type) {
		case json.Number:
			return dt.pick(x.String())
		case string:
			return dt.pick(x)
		case bool:
			return dt.pick(strconv.FormatBool(x))
		}
		return nil, dt.choiceProblem()
	case KindText:
		s, ok := v.(string)
		if !ok {
			return nil, "must be text (a JSON string)"
		}
		return dt.checkText(s)
	case KindDate:
		switch x := v.(type) {
		case json.Number:
			return parseDate(x.String())
		case string:
			return parseDate(x)
		}
		return nil, dateProblem
	case KindStruct:
		return dt.checkStruct(v)
	case KindArray:
		return dt.checkArray(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, "cannot be sent as JSON"
	}
	return json.RawMessage(b), ""
}

// checkStruct checks an object member by member, in the TSL's order.
func (dt DataType) checkStruct(v any) (any, string) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, dt.jsonProblem()
	}
	known := map[string]bool{}
	out := make(Object, 0, len(dt.Members))
	for _, f := range dt.Members {
		known[f.ID] = true
		mv, present := m[f.ID]
		if !present {
			if f.Required {
				return nil, "member " + f.ID + " is missing"
			}
			continue
		}
		x, p := f.Type.check(mv)
		if p != "" {
			return nil, "member " + f.ID + " " + p
		}
		out = append(out, Member{f.ID, x})
	}
	var unknown []string
	for k := range m {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, "has no member " + strconv.Quote(unknown[0]) + " (it has " + memberList(dt.Members) + ")"
	}
	return out, ""
}

// checkArray checks an array's size and each element.
func (dt DataType) checkArray(v any) (any, string) {
	a, ok := v.([]any)
	if !ok {
		return nil, dt.jsonProblem()
	}
	if p := dt.checkSize(len(a)); p != "" {
		return nil, p
	}
	item := DataType{Kind: "json"}
	if dt.Item != nil {
		item = *dt.Item
	}
	out := make([]any, 0, len(a))
	for i, e := range a {
		x, p := item.check(e)
		if p != "" {
			return nil, "item " + strconv.Itoa(i+1) + " " + p
		}
		out = append(out, x)
	}
	return out, ""
}

func (dt DataType) checkSize(n int) string {
	if dt.Size > 0 && n > dt.Size {
		return "must have at most " + strconv.Itoa(dt.Size) + " items (this has " + strconv.Itoa(n) + ")"
	}
	return ""
}

// checkInt checks an integer's range and step.
func (dt DataType) checkInt(n int64) (any, string) {
	f := float64(n)
	if dt.HasMin && f < dt.Min || dt.HasMax && f > dt.Max {
		return nil, dt.numberProblem()
	}
	if dt.Step > 1 && dt.Step == math.Trunc(dt.Step) {
		base := 0.0
		if dt.HasMin {
			base = dt.Min
		}
		if math.Mod(f-base, dt.Step) != 0 {
			return nil, "must be " + num(base) + ", " + num(base+dt.Step) + ", " + num(base+2*dt.Step) +
				", … (steps of " + num(dt.Step) + ")"
		}
	}
	return n, ""
}

// checkFloat checks a number's range (a float's step is the device's
// precision, not a rule: the gateway rounds).
func (dt DataType) checkFloat(f float64) (any, string) {
	if math.IsNaN(f) || math.IsInf(f, 0) || dt.HasMin && f < dt.Min || dt.HasMax && f > dt.Max {
		return nil, dt.numberProblem()
	}
	return f, ""
}

// checkText checks a text's length (in bytes, as the gateway counts) and
// its choices.
func (dt DataType) checkText(s string) (any, string) {
	if len(dt.Choices) > 0 {
		for _, c := range dt.Choices {
			if strings.EqualFold(c, s) {
				return c, ""
			}
		}
		return nil, "must be one of " + strings.Join(dt.Choices, ", ")
	}
	if dt.Length > 0 && len(s) > dt.Length {
		return nil, "must be at most " + strconv.Itoa(dt.Length) + " bytes long (this is " + strconv.Itoa(len(s)) + ")"
	}
	return s, ""
}

// pick finds an enum's or a bool's value by its value or its name (case
// aside); a bool also takes true and false. The value is sent as a number
// when the TSL writes it as one.
func (dt DataType) pick(s string) (any, string) {
	if dt.Kind == KindBool && len(dt.Values) == 0 {
		dt.Values = []EnumValue{{"0", "false"}, {"1", "true"}}
	}
	if dt.Kind == KindBool {
		switch strings.ToLower(s) {
		case "false":
			s = "0"
		case "true":
			s = "1"
		}
	}
	for _, v := range dt.Values {
		if v.Value == s || strings.EqualFold(v.Name, s) && v.Name != "" {
			if n, err := strconv.ParseInt(v.Value, 10, 64); err == nil {
				return n, ""
			}
			return v.Value, ""
		}
	}
	return nil, dt.choiceProblem()
}

// dateProblem is what a wrong date gets.
const dateProblem = "must be a time: epoch milliseconds (1587574910136) or RFC 3339 (2020-04-22T17:01:50Z)"

// parseDate reads epoch milliseconds or an RFC 3339 time; the TSL's date
// is epoch milliseconds, as a string.
func parseDate(s string) (any, string) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return strconv.FormatInt(n, 10), ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1970 {
		return nil, dateProblem
	}
	return strconv.FormatInt(t.UnixMilli(), 10), ""
}

// numberProblem says what a number must be: "must be an integer from 0 to
// 100", "must be a number of at least 1".
func (dt DataType) numberProblem() string {
	what := "a number"
	if dt.Kind == KindInt {
		what = "an integer"
	}
	switch {
	case dt.HasMin && dt.HasMax:
		return "must be " + what + " from " + num(dt.Min) + " to " + num(dt.Max)
	case dt.HasMin:
		return "must be " + what + " of at least " + num(dt.Min)
	case dt.HasMax:
		return "must be " + what + " of at most " + num(dt.Max)
	}
	return "must be " + what
}

// choiceProblem lists an enum's or a bool's values: "must be 0 (off) or 1
// (on)".
func (dt DataType) choiceProblem() string {
	vs := dt.Values
	if len(vs) == 0 {
		return "has no values in the TSL"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Value
		if v.Name != "" {
			parts[i] += " (" + v.Name + ")"
		}
	}
	if len(parts) == 2 {
		return "must be " + parts[0] + " or " + parts[1]
	}
	return "must be one of " + strings.Join(parts, ", ")
}

// jsonProblem says what shape a struct or an array takes.
func (dt DataType) jsonProblem() string {
	switch dt.Kind {
	case KindStruct:
		return "must be a JSON object with " + memberList(dt.Members)
	case KindArray:
		return "must be a JSON array, or items separated by commas"
	}
	return "must be JSON"
}

func memberList(fs []Field) string {
	if len(fs) == 0 {
		return "no members"
	}
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, ", ")
}

// num prints a bound or a step as the TSL would ("0.01", "1000000000").
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// decodeJSON decodes one JSON value, numbers as json.Number, or says why
// it is not JSON.
func decodeJSON(s string) (any, string) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(err)
	}
	if dec.More() {
		return nil, "is not JSON: more after the value (at byte " + strconv.FormatInt(dec.InputOffset()+1, 10) + ")"
	}
	return v, ""
}

// jsonError says in words why a text is not JSON.
func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "is not JSON: " + se.Error() + " (at byte " + strconv.FormatInt(se.Offset, 10) + ")"
	}
	if strings.Contains(err.Error(), "EOF") {
		return "is not JSON: it ends too early"
	}
	return "is not JSON: " + err.Error()
}

// CheckJSON checks raw JSON an operator typed where there is no TSL to
// type it (2019-09-30): its syntax, and that it is an object when object
// is set. It returns the text compacted; an empty text is nil, no problem.
func CheckJSON(text string, object bool) (json.RawMessage, string) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, ""
	}
	v, problem := decodeJSON(s)
	if problem != "" {
		return nil, problem
	}
	if _, ok := v.(map[string]any); object && !ok {
		return nil, "must be a JSON object, e.g. {\"LightSwitch\":0}"
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return nil, jsonError(err)
	}
	return json.RawMessage(b.Bytes()), ""
}

// documentedARN is InvokeFunction's documented check of a function's
// name, verbatim: the full acs:fc:… form or the partial
// service:…:function:…. Its start is anchored only inside the optional
// group, so functionARN anchors the whole.
const documentedARN = `(^acs:fc:([a-z]{2}-[a-z]+(-\d)?)?:(\d{16})?:)?service:([a-zA-Z][\w-]{0,127}):function:([a-zA-Z][\w-]{0,127})$`

var functionARN = regexp.MustCompile(`^(?:` + documentedARN + `)`)

// CheckFunctionARN says why s is not a function InvokeFunction takes, ""
// when it is.
func CheckFunctionARN(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is required"
	case !functionARN.MatchString(s):
		return "must be service:NAME:function:NAME (or acs:fc:REGION:ACCOUNT:service:NAME:function:NAME)"
	}
	return ""
}

// Hint says in a few words what a type takes: "integer 0 to 100 %",
// "0 off · 1 on", "text, at most 16 bytes".
func (dt DataType) Hint() string {
	unit := ""
	if dt.Unit != "" {
		unit = " " + dt.Unit
	}
	switch dt.Kind {
	case KindInt, KindFloat, KindDouble:
		what := "number"
		if dt.Kind == KindInt {
			what = "integer"
		}
		r := ""
		switch {
		case dt.HasMin && dt.HasMax:
			r = " " + num(dt.Min) + " to " + num(dt.Max)
		case dt.HasMin:
			r = " ≥ " + num(dt.Min)
		case dt.HasMax:
			r = " ≤ " + num(dt.Max)
		}
		if dt.Kind == KindInt && dt.Step > 1 {
			r += ", step " + num(dt.Step)
		}
		return what + r + unit
	case KindBool, KindEnum:
		parts := make([]string, len(dt.Values))
		for i, v := range dt.Values {
			parts[i] = strings.TrimSpace(v.Value + " " + v.Name)
		}
		if dt.Kind == KindBool && len(parts) == 0 {
			return "0 or 1"
		}
		return strings.Join(parts, " · ")
	case KindText:
		switch {
		case len(dt.Choices) > 0:
			return "one of " + strings.Join(dt.Choices, ", ")
		case dt.Length > 0:
			return "text, at most " + strconv.Itoa(dt.Length) + " bytes"
		}
		return "text"
	case KindDate:
		return "time: epoch ms or RFC 3339"
	case KindStruct:
		return "JSON object: " + memberList(dt.Members)
	case KindArray:
		return dt.arrayHint()
	}
	return "JSON (type " + string(dt.Kind) + ")"
}

func (dt DataType) arrayHint() string {
	n := "a list"
	if dt.Size > 0 {
		n = "up to " + strconv.Itoa(dt.Size)
	}
	item := "values"
	if dt.Item != nil {
		item = dt.Item.Hint()
		if len(dt.Item.Choices) > 0 {
			return n + ", comma-separated, of " + strings.Join(dt.Item.Choices, ", ")
		}
	}
	return n + " of " + item + ": [JSON] or a, b, c"
}
