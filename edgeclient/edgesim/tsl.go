package edgesim

import (
	"strconv"
)

// tslSchema is the schema URL every TSL names.
const tslSchema = "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json"

// tslDataType is a TSL dataType; specs values are strings, as in the docs.
type tslDataType struct {
	Type  string            `json:"type"`
	Specs map[string]string `json:"specs"`
}

// tslProperty is one TSL property.
type tslProperty struct {
	Identifier string      `json:"identifier"`
	Name       string      `json:"name"`
	AccessMode string      `json:"accessMode"`
	Required   bool        `json:"required"`
	DataType   tslDataType `json:"dataType"`
}

// tslParam is an input or output parameter.
type tslParam struct {
	Identifier string      `json:"identifier"`
	Name       string      `json:"name"`
	DataType   tslDataType `json:"dataType"`
}

// tslService is one TSL service.
type tslService struct {
	Identifier string `json:"identifier"`
	Method     string `json:"method"`
	CallType   string `json:"callType"`
	Required   bool   `json:"required"`
	InputData  any    `json:"inputData"`
	OutputData any    `json:"outputData"`
	Name       string `json:"name"`
	Desc       string `json:"desc"`
}

// tslEvent is one TSL event.
type tslEvent struct {
	Identifier string     `json:"identifier"`
	Method     string     `json:"method"`
	Type       string     `json:"type"`
	Required   bool       `json:"required"`
	OutputData []tslParam `json:"outputData"`
	Name       string     `json:"name"`
	Desc       string     `json:"desc"`
}

// tsl is a product's whole TSL document.
type tsl struct {
	Schema     string            `json:"schema"`
	Profile    map[string]string `json:"profile"`
	Properties []tslProperty     `json:"properties"`
	Services   []tslService      `json:"services"`
	Events     []tslEvent        `json:"events"`
}

// getTSL is GetTSL.
func (s *Server) getTSL(c *call) {
	p := s.world.byKey[c.params["pk"]]
	if p == nil {
		c.fail(404, "NotFound", "product "+c.params["pk"]+" not found")
		return
	}
	c.ok(200, map[string]any{"TSL": buildTSL(p)})
}

// buildTSL renders a product's TSL, with the standard set/get services and
// post event first, as the gateway's TSLs have them.
func buildTSL(p *product) tsl {
	t := tsl{Schema: tslSchema, Profile: map[string]string{"productKey": p.Key}}
	var writable, all []tslParam
	var ids []string
	for _, pd := range p.Props {
		dt := dataType(pd.Type, pd.Min, pd.Max, pd.Step, pd.Unit, pd.UnitName)
		t.Properties = append(t.Properties, tslProperty{pd.ID, pd.Name, pd.Access, true, dt})
		param := tslParam{pd.ID, pd.Name, dt}
		all = append(all, param)
		ids = append(ids, pd.ID)
		if pd.Access == "rw" {
			writable = append(writable, param)
		}
	}
	t.Services = []tslService{
		{"set", "thing.service.property.set", "async", true, nonNil(writable), []tslParam{}, "set", "Sets properties"},
		{"get", "thing.service.property.get", "async", true, ids, all, "get", "Gets properties"},
	}
	for _, sd := range p.Services {
		t.Services = append(t.Services, tslService{
			sd.ID, "thing.service." + sd.ID, "sync", false,
			params(sd.Inputs), params(sd.Outputs), sd.Name, sd.Desc,
		})
	}
	t.Events = []tslEvent{{"post", "thing.event.property.post", "info", true, all, "post", "Reports properties"}}
	for _, ed := range p.Events {
		t.Events = append(t.Events, tslEvent{
			ed.ID, "thing.event." + ed.ID + ".post", ed.Type, false,
			params(ed.Outputs), ed.Name, ed.Name,
		})
	}
	return t
}

func nonNil(ps []tslParam) []tslParam {
	if ps == nil {
		return []tslParam{}
	}
	return ps
}

// params renders parameter definitions, [] when none.
func params(ps []paramDef) []tslParam {
	out := make([]tslParam, 0, len(ps))
	for _, p := range ps {
		out = append(out, tslParam{p.ID, p.Name, dataType(p.Type, p.Min, p.Max, p.Step, p.Unit, "")})
	}
	return out
}

// dataType renders a TSL dataType with string specs.
func dataType(typ string, lo, hi, step float64, unit, unitName string) tslDataType {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch typ {
	case typeBool:
		return tslDataType{typ, map[string]string{"0": "off", "1": "on"}}
	case typeText:
		n := hi
		if n <= 0 {
			n = 128
		}
		return tslDataType{typ, map[string]string{"length": f(n)}}
	}
	specs := map[string]string{"min": f(lo), "max": f(hi), "step": f(step)}
	if unit != "" {
		specs["unit"] = unit
		if unitName != "" {
			specs["unitName"] = unitName
		}
	}
	return tslDataType{typ, specs}
}
