package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A product's TSL (thing specification language), as GetTSL returns it on
// 2020-04-30, read into what an operator's form needs: the properties
// (with their access mode) and the services (with their input arguments),
// each typed by a DataType that Validate checks typed text against.

// DataKind is a TSL data type, as dataType.type names it.
type DataKind string

// The data types of the TSL.
const (
	KindInt    DataKind = "int"
	KindFloat  DataKind = "float"
	KindDouble DataKind = "double"
	KindBool   DataKind = "bool"
	KindEnum   DataKind = "enum"
	KindText   DataKind = "text"
	KindDate   DataKind = "date"
	KindStruct DataKind = "struct"
	KindArray  DataKind = "array"
)

// DataType is a TSL dataType with its specs read (the TSL writes them as
// strings; numbers are accepted too).
type DataType struct {
	Kind DataKind
	// Min and Max bound a number when HasMin and HasMax say so; Step is an
	// int's step (from Min, or 0), 0 when none.
	Min, Max       float64
	HasMin, HasMax bool
	Step           float64
	Unit, UnitName string
	// Length is a text's most bytes (0: unbounded).
	Length int
	// Values are an enum's or a bool's values with their names, in order
	// of value.
	Values []EnumValue
	// Members are a struct's members, in the TSL's order.
	Members []Field
	// Item is an array's element type; Size its most elements (0:
	// unbounded).
	Item *DataType
	Size int
	// Choices restricts a text to these identifiers (the get service's
	// property names).
	Choices []string
}

// EnumValue is one value of an enum or a bool: its value as the TSL
// writes it ("0") and its name ("off").
type EnumValue struct {
	Value, Name string
}

// Field is a typed value a form asks for: a property, a service's input
// argument, a struct's member.
type Field struct {
	ID, Name string
	Type     DataType
	// Required says the value may not be left out.
	Required bool
}

// Label is the field's name, with its identifier when they differ.
func (f Field) Label() string {
	if f.Name == "" || f.Name == f.ID {
		return f.ID
	}
	return f.Name + " (" + f.ID + ")"
}

// Property is a TSL property; Access is "r" or "rw".
type Property struct {
	Field
	Access string
}

// Writable reports whether the property may be set.
func (p Property) Writable() bool { return strings.Contains(p.Access, "w") }

// Service is a TSL service with its input arguments. When IDList is set
// (the standard get service) its one input is a list of property
// identifiers, sent as a JSON array rather than an object.
type Service struct {
	ID, Name, Desc, CallType string
	Inputs                   []Field
	IDList                   bool
}

// Label is the service's name, with its identifier when they differ.
func (s Service) Label() string {
	return Field{ID: s.ID, Name: s.Name}.Label()
}

// Standard reports whether the service is one every TSL has (the
// property set and get services).
func (s Service) Standard() bool { return s.ID == "set" || s.ID == "get" }

// Schema is a product's TSL as a form needs it.
type Schema struct {
	ProductKey string
	Properties []Property
	Services   []Service
}

// MapText replaces every text of the schema with f of it (the client's
// masker: a TSL came from the gateway, and its names reach the screen):
// identifiers, names, descriptions, units, enum names, choices, in every
// property, service, argument and member.
func (s *Schema) MapText(f func(string) string) {
	s.ProductKey = f(s.ProductKey)
	for i := range s.Properties {
		p := &s.Properties[i]
		p.Access = f(p.Access)
		p.Field.mapText(f)
	}
	for i := range s.Services {
		v := &s.Services[i]
		v.ID, v.Name, v.Desc, v.CallType = f(v.ID), f(v.Name), f(v.Desc), f(v.CallType)
		for j := range v.Inputs {
			v.Inputs[j].mapText(f)
		}
	}
}

func (f *Field) mapText(m func(string) string) {
	f.ID, f.Name = m(f.ID), m(f.Name)
	f.Type.mapText(m)
}

func (dt *DataType) mapText(m func(string) string) {
	dt.Unit, dt.UnitName = m(dt.Unit), m(dt.UnitName)
	for i := range dt.Values {
		dt.Values[i].Value, dt.Values[i].Name = m(dt.Values[i].Value), m(dt.Values[i].Name)
	}
	for i := range dt.Members {
		dt.Members[i].mapText(m)
	}
	for i := range dt.Choices {
		dt.Choices[i] = m(dt.Choices[i])
	}
	if dt.Item != nil {
		dt.Item.mapText(m)
	}
}

// Writable is the properties that may be set, in the TSL's order.
func (s *Schema) Writable() []Property {
	var out []Property
	for _, p := range s.Properties {
		if p.Writable() {
			out = append(out, p)
		}
	}
	return out
}

// Service finds a service by identifier.
func (s *Schema) Service(id string) (Service, bool) {
	i := slices.IndexFunc(s.Services, func(sv Service) bool { return sv.ID == id })
	if i < 0 {
		return Service{}, false
	}
	return s.Services[i], true
}

// maxTypeDepth bounds struct and array nesting: a hostile TSL cannot
// recurse without end.
const maxTypeDepth = 8

type rawDataType struct {
	Type  string          `json:"type"`
	Specs json.RawMessage `json:"specs"`
}

type rawParam struct {
	Identifier string      `json:"identifier"`
	Name       string      `json:"name"`
	Required   *bool       `json:"required"`
	AccessMode string      `json:"accessMode"`
	DataType   rawDataType `json:"dataType"`
}

type rawService struct {
	Identifier string            `json:"identifier"`
	Name       string            `json:"name"`
	Desc       string            `json:"desc"`
	Method     string            `json:"method"`
	CallType   string            `json:"callType"`
	InputData  []json.RawMessage `json:"inputData"`
}

type rawTSL struct {
	Profile struct {
		ProductKey string `json:"productKey"`
	} `json:"profile"`
	Properties []rawParam   `json:"properties"`
	Services   []rawService `json:"services"`
}

// ParseTSL reads a TSL document (GetTSL's Data.TSL) into a Schema. A
// property or service without an identifier is an error, as is a type it
// cannot read; an unknown data type is kept (Validate then takes JSON).
func ParseTSL(doc []byte) (*Schema, error) {
	var raw rawTSL
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("TSL: %w", err)
	}
	s := &Schema{ProductKey: raw.Profile.ProductKey}
	for _, rp := range raw.Properties {
		f, err := parseParam(rp, false, 0)
		if err != nil {
			return nil, fmt.Errorf("TSL property %q: %w", rp.Identifier, err)
		}
		// A property's "required" says the product must have it, not
		// that a set must name it.
		f.Required = false
		s.Properties = append(s.Properties, Property{Field: f, Access: rp.AccessMode})
	}
	for _, rs := range raw.Services {
		sv, err := parseService(rs)
		if err != nil {
			return nil, fmt.Errorf("TSL service %q: %w", rs.Identifier, err)
		}
		s.Services = append(s.Services, sv)
	}
	return s, nil
}

// parseService reads a service. Its inputs are required unless the TSL
// says otherwise, but for the standard set service, whose inputs are the
// writable properties, any of which may be set alone.
func parseService(rs rawService) (Service, error) {
	if rs.Identifier == "" {
		return Service{}, errors.New("no identifier")
	}
	sv := Service{ID: rs.Identifier, Name: rs.Name, Desc: rs.Desc, CallType: rs.CallType}
	optional := rs.Identifier == "set" || rs.Method == "thing.service.property.set"
	var ids []string
	for _, in := range rs.InputData {
		var id string
		if json.Unmarshal(in, &id) == nil {
			ids = append(ids, id)
			continue
		}
		var rp rawParam
		if err := json.Unmarshal(in, &rp); err != nil {
			return Service{}, fmt.Errorf("input: %w", err)
		}
		f, err := parseParam(rp, !optional, 0)
		if err != nil {
			return Service{}, fmt.Errorf("input %q: %w", rp.Identifier, err)
		}
		sv.Inputs = append(sv.Inputs, f)
	}
	if len(ids) > 0 {
		if len(sv.Inputs) > 0 {
			return Service{}, errors.New("inputData mixes identifiers and parameters")
		}
		sv.IDList = true
		sv.Inputs = []Field{{ID: "identifiers", Name: "properties to read", Type: DataType{
			Kind: KindArray, Size: len(ids), Item: &DataType{Kind: KindText, Choices: ids},
		}}}
	}
	return sv, nil
}

// parseParam reads a property, an input or a struct member; required is
// its default when the TSL does not say.
func parseParam(rp rawParam, required bool, depth int) (Field, error) {
	if rp.Identifier == "" {
		return Field{}, errors.New("no identifier")
	}
	dt, err := parseDataType(rp.DataType, depth)
	if err != nil {
		return Field{}, err
	}
	if rp.Required != nil {
		required = *rp.Required
	}
	return Field{ID: rp.Identifier, Name: rp.Name, Type: dt, Required: required}, nil
}

// parseDataType reads a dataType and its specs.
func parseDataType(rd rawDataType, depth int) (DataType, error) {
	if depth > maxTypeDepth {
		return DataType{}, errors.New("types nested too deep")
	}
	dt := DataType{Kind: DataKind(strings.ToLower(strings.TrimSpace(rd.Type)))}
	specs := bytes.TrimSpace(rd.Specs)
	if len(specs) == 0 || string(specs) == "null" || string(specs) == "[]" && dt.Kind != KindStruct {
		specs = []byte("{}")
	}
	switch dt.Kind {
	case KindStruct:
		var members []rawParam
		if err := json.Unmarshal(specs, &members); err != nil {
			return dt, fmt.Errorf("struct specs: %w", err)
		}
		for _, m := range members {
			f, err := parseParam(m, true, depth+1)
			if err != nil {
				return dt, fmt.Errorf("member %q: %w", m.Identifier, err)
			}
			dt.Members = append(dt.Members, f)
		}
		return dt, nil
	case KindArray:
		return parseArray(dt, specs, depth)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(specs, &m); err != nil {
		return dt, fmt.Errorf("%s specs: %w", dt.Kind, err)
	}
	switch dt.Kind {
	case KindInt, KindFloat, KindDouble:
		dt.Min, dt.HasMin = specNumber(m["min"])
		dt.Max, dt.HasMax = specNumber(m["max"])
		dt.Step, _ = specNumber(m["step"])
		dt.Unit, dt.UnitName = specString(m["unit"]), specString(m["unitName"])
	case KindText:
		n, _ := specNumber(m["length"])
		dt.Length = int(max(n, 0))
	case KindBool, KindEnum:
		dt.Values = enumValues(m)
	}
	return dt, nil
}

// parseArray reads an array's size and element type.
func parseArray(dt DataType, specs []byte, depth int) (DataType, error) {
	var a struct {
		Size json.RawMessage `json:"size"`
		Item rawDataType     `json:"item"`
	}
	if err := json.Unmarshal(specs, &a); err != nil {
		return dt, fmt.Errorf("array specs: %w", err)
	}
	n, _ := specNumber(a.Size)
	dt.Size = int(max(n, 0))
	if a.Item.Type == "" {
		a.Item.Type = "text"
	}
	item, err := parseDataType(a.Item, depth+1)
	if err != nil {
		return dt, fmt.Errorf("item: %w", err)
	}
	dt.Item = &item
	return dt, nil
}

// enumValues are the value → name pairs of an enum's or a bool's specs,
// in order of value (numerically when the values are numbers).
func enumValues(m map[string]json.RawMessage) []EnumValue {
	out := make([]EnumValue, 0, len(m))
	for v, n := range m {
		out = append(out, EnumValue{Value: v, Name: specString(n)})
	}
	slices.SortFunc(out, func(a, b EnumValue) int {
		x, ex := strconv.ParseFloat(a.Value, 64)
		y, ey := strconv.ParseFloat(b.Value, 64)
		switch {
		case ex == nil && ey == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case (ex == nil) != (ey == nil):
			if ex == nil {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// specNumber reads a spec written as a string ("100") or a number.
func specNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != f || f > 1e300 || f < -1e300 {
		return 0, false
	}
	return f, true
}

// specString reads a spec written as a string (or anything, as its JSON).
func specString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// Object is a JSON object that keeps its members in order, so that a body
// goes out as the form built it (the API's examples write the properties
// in their TSL order, which a Go map would sort).
type Object []Member

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", m.Key, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// String is the members as key=value pairs, values in JSON
// ("LightSwitch=0, Color=\"red\"").
func (o Object) String() string {
	parts := make([]string, 0, len(o))
	for _, m := range o {
		v, err := json.Marshal(m.Value)
		if err != nil {
			v = []byte("?")
		}
		parts = append(parts, m.Key+"="+string(v))
	}
	return strings.Join(parts, ", ")
}
