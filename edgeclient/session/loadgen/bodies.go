package loadgen

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// The large bodies (ListThings, GetTSL, the Watch stream), made once per
// Gen with encoding/json, and each product's read query and property
// order.

func init() {
	for _, p := range products {
		var q strings.Builder
		for i, pr := range p.props {
			if i > 0 {
				q.WriteByte('&')
			}
			q.WriteString("identifiers=" + pr.id)
			p.sorted = append(p.sorted, i)
		}
		p.query = q.String()
		// encoding/json writes a map's keys sorted, so the gateway does.
		slices.SortFunc(p.sorted, func(a, b int) int { return strings.Compare(p.props[a].id, p.props[b].id) })
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("loadgen: " + err.Error())
	}
	return string(b)
}

// envelope wraps data as the version's success body.
func envelope(data any, v19 bool) string {
	if v19 {
		return mustJSON(struct {
			Code    int    `json:"Code"`
			Message string `json:"Message"`
			Data    any    `json:"Data"`
		}{200, "success", data})
	}
	return mustJSON(struct {
		Data any `json:"Data"`
	}{data})
}

// listBody is ListThings' answer: every device.
func listBody(v19 bool) string {
	type thing struct {
		ProductName, ProductKey, DeviceName, NickName, DriverId, DriverName string
		Tags                                                                any
		Status                                                              string
		Connected                                                           bool
		ConnectTime                                                         string
	}
	things := make([]thing, len(devices))
	for i, d := range devices {
		var tags any = []string{}
		if d.tagRoom != "" {
			tags = map[string]string{"Room": d.tagRoom, "Floor": strconv.Itoa(1 + i%3)}
		}
		things[i] = thing{
			ProductName: d.prod.name, ProductKey: d.prod.key, DeviceName: d.name, DriverId: d.prod.driverID,
			DriverName: d.prod.driver, Tags: tags, Status: d.status, Connected: d.status == "Online",
			ConnectTime: strconv.FormatInt(1796050000000+int64(i)*4_321_987, 10),
		}
	}
	return envelope(map[string]any{"Things": things}, v19)
}

// The TSL document's parts.
type spec struct {
	Type  string            `json:"type"`
	Specs map[string]string `json:"specs"`
}
type param struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	DataType   spec   `json:"dataType"`
}
type property struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	AccessMode string `json:"accessMode"`
	Required   bool   `json:"required"`
	DataType   spec   `json:"dataType"`
}
type svc struct {
	Identifier string  `json:"identifier"`
	Name       string  `json:"name"`
	Required   bool    `json:"required"`
	CallType   string  `json:"callType"`
	Method     string  `json:"method"`
	Desc       string  `json:"desc"`
	Input      []param `json:"inputData"`
	Output     []param `json:"outputData"`
}

// tslBody is GetTSL's answer for p: its properties, services and a
// property-change event, as a TSL document (larger than the preview).
func tslBody(p *product) string {
	specOf := func(pr *prop) spec {
		switch pr.kind {
		case propBool:
			return spec{"bool", map[string]string{"0": "off", "1": "on"}}
		case propText:
			return spec{"text", map[string]string{"length": "16"}}
		}
		t, step := "int", "1"
		if pr.kind == propDec {
			t, step = "double", strconv.FormatFloat(1/float64(pow10[pr.dec]), 'f', -1, 64)
		}
		d := float64(pow10[pr.dec])
		return spec{t, map[string]string{
			"min": strconv.FormatFloat(float64(pr.lo)/d, 'f', -1, 64), "max": strconv.FormatFloat(float64(pr.hi)/d, 'f', -1, 64),
			"step": step, "unit": pr.unit, "unitName": pr.unit,
		}}
	}
	var props []property
	var outs []param
	for i := range p.props {
		pr := &p.props[i]
		access := "r"
		if pr.rw {
			access = "rw"
		}
		props = append(props, property{pr.id, pr.id, access, i == 0, specOf(pr)})
		outs = append(outs, param{pr.id, pr.id, specOf(pr)})
	}
	svcs := []svc{
		{"set", "set", true, "async", "thing.service.property.set", "Sets properties", outs[:0:0], []param{}},
		{"get", "get", true, "async", "thing.service.property.get", "Gets properties", []param{}, outs},
	}
	for _, s := range p.services {
		sv := svc{s.name, s.name, false, "async", "thing.service." + s.name, "Runs " + s.name, []param{}, []param{}}
		if s.arg != nil {
			sv.Input = append(sv.Input, param{s.arg.id, s.arg.id, specOf(s.arg)})
		}
		if s.out != nil {
			sv.Output = append(sv.Output, param{s.out.id, s.out.id, specOf(s.out)})
		}
		svcs = append(svcs, sv)
	}
	events := []map[string]any{{
		"identifier": "post", "name": "post", "type": "info", "required": true,
		"desc": "Property post", "method": "thing.event.property.post", "outputData": outs,
	}}
	return envelope(map[string]any{"TSL": map[string]any{
		"schema":     "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
		"profile":    map[string]string{"productKey": p.key},
		"properties": props, "services": svcs, "events": events,
	}}, false)
}

// watchBodies are BulkActions Watch's request (every online device) and
// the first lines of its stream: property changes and heartbeats.
func watchBodies() (req, resp string) {
	type target struct{ ProductKey, DeviceName string }
	var ts []target
	for _, i := range online {
		ts = append(ts, target{devices[i].prod.key, devices[i].name})
	}
	req = mustJSON(map[string]any{"BulkAction": "Watch", "Things": ts})
	rng := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	ms := int64(1796126202625)
	for b.Len() <= 2*4096 {
		ms += 200 + rng.Int64N(800)
		if rng.IntN(8) == 0 {
			b.WriteString(`{"Message":"heartbeat","Data":{"Timestamp":` + strconv.FormatInt(ms, 10) + "}}\n")
			continue
		}
		d := devices[online[rng.IntN(len(online))]]
		pr := d.prod.props[rng.IntN(len(d.prod.props))]
		val := strconv.FormatFloat(float64(pr.lo+rng.Int64N(pr.hi-pr.lo+1))/float64(pow10[pr.dec]), 'f', -1, 64)
		if pr.kind == propText {
			val = strconv.Quote(pr.texts[rng.IntN(len(pr.texts))])
		}
		b.WriteString(`{"Message":"success","Data":{"ProductKey":"` + d.prod.key + `","DeviceName":"` + d.name +
			`","Event":"propertiesChanged","Args":{"` + pr.id + `":{"time":` + strconv.FormatInt(ms, 10) +
			`,"value":` + val + `}},"Timestamp":` + strconv.FormatInt(ms, 10) + "}}\n")
	}
	return req, b.String()
}
