package actions

import (
	"encoding/json"
	"strconv"
	"strings"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/modal"
)

// The forms: set properties and call a service from the TSL (2020-04-30),
// the same in raw JSON (2019-09-30, or when the TSL cannot be read), and
// invoke a function.

// tslInput is a field typed by the TSL.
func tslInput(f model.Field) *input {
	return &input{
		label: f.Label(), hint: f.Type.Hint(), required: f.Required,
		check: func(text string) (any, string) { return model.Validate(f, text) },
	}
}

// object is the values given (nil ones left out), keyed by the fields'
// identifiers, in the fields' order.
func object(fields []model.Field, values []any) model.Object {
	var o model.Object
	for i, f := range fields {
		if values[i] != nil {
			o = append(o, model.Member{Key: f.ID, Value: values[i]})
		}
	}
	return o
}

// setForm sets the writable properties of the device's TSL: a field each;
// those left empty are not sent.
func setForm(env *Env, s *model.Schema) modal.Modal {
	props := s.Writable()
	fields := make([]model.Field, len(props))
	inputs := make([]*input, len(props))
	for i, p := range props {
		fields[i], inputs[i] = p.Field, tslInput(p.Field)
	}
	intro := []string{"Set properties of " + env.device(), "Fill in those to set; empty ones are not sent."}
	if ro := len(s.Properties) - len(props); ro > 0 {
		intro[0] += " (" + strconv.Itoa(ro) + " read-only not shown)"
	}
	if len(props) == 0 {
		intro[1] = "The TSL of " + env.ProductKey + " has no writable property."
	}
	return newForm(env, "set properties · "+env.device(), intro, inputs, func(values []any) (session.Action, string) {
		o := object(fields, values)
		if len(o) == 0 {
			return session.Action{}, "fill in at least one property to set"
		}
		a := env.action(session.ActionSetProperties)
		a.Properties = o
		return a, ""
	})
}

// serviceForm calls a service of the TSL: a field per input argument. The
// get service takes its identifiers as a list.
func serviceForm(env *Env, sv model.Service) modal.Modal {
	inputs := make([]*input, len(sv.Inputs))
	for i, f := range sv.Inputs {
		inputs[i] = tslInput(f)
	}
	intro := []string{"Call " + sv.Label() + " on " + env.device()}
	if sv.Desc != "" {
		intro = append(intro, sv.Desc)
	}
	return newForm(env, "call "+sv.ID+" · "+env.device(), intro, inputs, func(values []any) (session.Action, string) {
		a := env.action(session.ActionCallService)
		a.Service = sv.ID
		switch o := object(sv.Inputs, values); {
		case sv.IDList:
			a.Args = values[0] // nil: every property
		case len(o) > 0:
			a.Args = o
		case sv.ID == "set":
			return session.Action{}, "fill in at least one property to set"
		}
		return a, ""
	})
}

// rawInput is a field of raw JSON (an object when object is set), checked
// for syntax only.
func rawInput(label, hint string, required, object bool) *input {
	return &input{label: label, hint: hint, required: required, check: func(text string) (any, string) {
		if strings.TrimSpace(text) == "" {
			if required {
				return nil, "is required"
			}
			return nil, ""
		}
		v, p := model.CheckJSON(text, object)
		if p != "" {
			return nil, p
		}
		return v, ""
	}}
}

// noTSL says why a form takes raw JSON.
func noTSL(env *Env) string {
	if env.hasTSL() {
		return "Without the TSL, values are raw JSON, checked for syntax only."
	}
	return env.Version + " has no TSL: values are raw JSON, checked for syntax only."
}

// rawSetForm sets properties given as a JSON object.
func rawSetForm(env *Env) modal.Modal {
	in := rawInput("Properties", `a JSON object, e.g. {"LightSwitch":0}`, true, true)
	intro := []string{"Set properties of " + env.device(), noTSL(env)}
	return newForm(env, "set properties · "+env.device(), intro, []*input{in}, func(values []any) (session.Action, string) {
		a := env.action(session.ActionSetProperties)
		a.Raw = values[0].(json.RawMessage)
		return a, ""
	})
}

// rawCallForm calls a service named by hand, with its Args as JSON.
func rawCallForm(env *Env) modal.Modal {
	name := &input{label: "Service", hint: "its identifier, e.g. toggle", required: true, check: func(text string) (any, string) {
		s := strings.TrimSpace(text)
		switch {
		case s == "":
			return nil, "is required"
		case strings.ContainsAny(s, " \t/?#"):
			return nil, "must be a service identifier (no spaces)"
		}
		return s, ""
	}}
	args := rawInput("Args", `JSON, e.g. {"color":"red"}; empty: none`, false, false)
	intro := []string{"Call a service on " + env.device(), noTSL(env)}
	return newForm(env, "call a service · "+env.device(), intro, []*input{name, args}, func(values []any) (session.Action, string) {
		a := env.action(session.ActionCallService)
		a.Service = values[0].(string)
		if values[1] != nil {
			a.Raw = values[1].(json.RawMessage)
		}
		return a, ""
	})
}

// functionForm invokes a function by its ARN with a payload, sent as
// typed (checked as JSON when it looks like JSON).
func functionForm(env *Env) modal.Modal {
	arn := &input{label: "Function", hint: "service:NAME:function:NAME", required: true, check: func(text string) (any, string) {
		s := strings.TrimSpace(text)
		if p := model.CheckFunctionARN(s); p != "" {
			return nil, p
		}
		return s, ""
	}}
	payload := &input{label: "Payload", hint: "sent as typed; empty: none", check: func(text string) (any, string) {
		if s := strings.TrimSpace(text); strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
			if _, p := model.CheckJSON(s, false); p != "" {
				return nil, p
			}
		}
		if text == "" {
			return nil, ""
		}
		return text, ""
	}}
	intro := []string{"Invoke a function on the gateway (Function Compute)", "Its payload goes to it unchanged."}
	return newForm(env, "invoke a function", intro, []*input{arn, payload}, func(values []any) (session.Action, string) {
		a := env.action(session.ActionInvokeFunction)
		a.ProductKey, a.DeviceName = "", ""
		a.Function = values[0].(string)
		if values[1] != nil {
			a.Payload = []byte(values[1].(string))
		}
		return a, ""
	})
}

// openFunction opens the function form.
func openFunction(env *Env) modal.Result {
	return modal.Result{Close: true, Open: functionForm(env)}
}
