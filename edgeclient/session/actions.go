package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// An operator's actions: what a face asks the engine to do on the
// gateway besides its workload (set a property, call a service, enable or
// disable a scene, invoke a function, log in again), and the reads its
// forms need (a product's TSL, the devices, the scenes). Do queues one;
// it runs at once, beside the pace and the slots (an operator is waiting
// for it), its exchanges are records like any other, and its outcome comes
// back as EventAction, after those records. With Config.ReadOnly every
// action that changes state is refused without sending anything.

// ActionKind says what an Action does.
type ActionKind uint8

// The actions, the reads first.
const (
	// ActionTSL reads the device's product TSL (GetTSL), once per product
	// key: later ones answer from the cache without a request.
	ActionTSL ActionKind = iota + 1
	// ActionThings lists the devices (ListThings), to pick one.
	ActionThings
	// ActionScenes lists the scenes (ListScenes).
	ActionScenes
	// ActionSetProperties sets properties (SetThingProperties).
	ActionSetProperties
	// ActionCallService calls one service (CallThingServices).
	ActionCallService
	// ActionEnableScene and ActionDisableScene start and stop a scene.
	ActionEnableScene
	ActionDisableScene
	// ActionInvokeFunction invokes a function with a payload.
	ActionInvokeFunction
	// ActionLogin logs in again (CreateAuthCookie): a new cookie.
	ActionLogin
)

// Operation is the edge API operation the action calls.
func (k ActionKind) Operation() string {
	ops := [...]string{
		"", edgeclient.OpGetTSL, edgeclient.OpListThings, edgeclient.OpListScenes,
		edgeclient.OpSetThingProperties, edgeclient.OpCallThingServices, edgeclient.OpEnableScene,
		edgeclient.OpDisableScene, edgeclient.OpInvokeFunction, edgeclient.OpCreateAuthCookie,
	}
	if int(k) < len(ops) {
		return ops[k]
	}
	return edgeclient.OpUnknown
}

// ChangesState reports whether the action changes something on the
// gateway (all but the reads); --read-only refuses those.
func (k ActionKind) ChangesState() bool { return k >= ActionSetProperties }

// ChangesDevice reports whether the action can change a device, so a face
// asks for confirmation first: all but the reads and logging in.
func (k ActionKind) ChangesDevice() bool { return k.ChangesState() && k != ActionLogin }

// onDevice reports whether the action needs a device.
func (k ActionKind) onDevice() bool {
	return k == ActionTSL || k == ActionSetProperties || k == ActionCallService
}

// needs2020 reports whether the action exists only in 2020-04-30.
func (k ActionKind) needs2020() bool {
	return k == ActionTSL || k == ActionScenes || k == ActionEnableScene || k == ActionDisableScene
}

// Action is one thing an operator asks of the gateway.
type Action struct {
	// ID is the face's, echoed in the outcome, so a face drops an answer
	// it no longer waits for.
	ID   uint64
	Kind ActionKind
	// ProductKey and DeviceName name the device (TSL: the product only).
	ProductKey, DeviceName string
	// Service is the service to call.
	Service string
	// Scene is the scene's Id; SceneName its name, for the texts.
	Scene, SceneName string
	// Function is the function's ARN; Payload the body it is given, as is.
	Function string
	Payload  []byte
	// Properties are the values to set, in the order they are sent.
	Properties model.Object
	// Args are the service's arguments: nil for none, a model.Object, or
	// a list (the get service's identifiers).
	Args any
	// Raw is JSON typed where there is no TSL (2019-09-30): the Properties
	// object to set, or the service's Args. It replaces Properties or Args.
	Raw json.RawMessage
}

// Device is "ProductKey/DeviceName".
func (a Action) Device() string { return a.ProductKey + "/" + a.DeviceName }

// Summary says what the action does in a few words: "set LightSwitch=0,
// Brightness=40 on a1LgtQx7n42/Light01".
func (a Action) Summary() string {
	switch a.Kind {
	case ActionTSL:
		return "read the TSL of " + a.ProductKey
	case ActionThings:
		return "list the devices"
	case ActionScenes:
		return "list the scenes"
	case ActionSetProperties:
		what := a.Properties.String()
		if a.Raw != nil {
			what = string(a.Raw)
		}
		return "set " + what + " on " + a.Device()
	case ActionCallService:
		args := ""
		switch {
		case a.Raw != nil:
			args = "(" + string(a.Raw) + ")"
		case a.Args != nil:
			args = "(" + argsText(a.Args) + ")"
		}
		return "call " + a.Service + args + " on " + a.Device()
	case ActionEnableScene, ActionDisableScene:
		verb := "enable"
		if a.Kind == ActionDisableScene {
			verb = "disable"
		}
		if a.SceneName != "" && a.SceneName != a.Scene {
			return verb + " scene " + a.SceneName + " (" + a.Scene + ")"
		}
		return verb + " scene " + a.Scene
	case ActionInvokeFunction:
		return "invoke " + a.Function + " with " + plural(len(a.Payload), "1 byte", strconv.Itoa(len(a.Payload))+" bytes")
	case ActionLogin:
		return "log in again"
	}
	return "do nothing"
}

// argsText is a service's arguments for a summary: key=value pairs, or
// the JSON of a list.
func argsText(args any) string {
	if o, ok := args.(model.Object); ok {
		return o.String()
	}
	b, err := json.Marshal(args)
	if err != nil {
		return "?"
	}
	return string(b)
}

// Request is the method and path the action sends (with the version's
// prefix), for a confirmation to show.
func (a Action) Request(version string) (method, path string) {
	dev := "/" + version + "/things/" + url.PathEscape(a.ProductKey) + "/" + url.PathEscape(a.DeviceName)
	switch a.Kind {
	case ActionTSL:
		return "GET", "/" + version + "/tsls/" + url.PathEscape(a.ProductKey)
	case ActionThings:
		return "GET", "/" + version + "/things"
	case ActionScenes:
		return "GET", "/" + version + "/scenes"
	case ActionSetProperties:
		return "POST", dev + "/properties"
	case ActionCallService:
		return "POST", dev + "/services"
	case ActionEnableScene:
		return "POST", "/" + version + "/scenes/" + url.PathEscape(a.Scene) + "/enable"
	case ActionDisableScene:
		return "POST", "/" + version + "/scenes/" + url.PathEscape(a.Scene) + "/disable"
	case ActionInvokeFunction:
		return "POST", "/" + version + "/functions/" + url.PathEscape(a.Function) + "/invocations"
	case ActionLogin:
		return "POST", "/" + version + "/auth/cookies"
	}
	return "", ""
}

// Body is exactly the request body the action sends (nil for none).
func (a Action) Body() ([]byte, error) {
	switch a.Kind {
	case ActionSetProperties:
		return edgeclient.PropertiesBody(a.properties())
	case ActionCallService:
		return edgeclient.ServicesBody([]edgeclient.ServiceCall{a.call()})
	case ActionInvokeFunction:
		return a.Payload, nil
	}
	return nil, nil
}

// properties is the Properties object to send.
func (a Action) properties() json.RawMessage {
	if a.Raw != nil {
		return a.Raw
	}
	b, err := json.Marshal(a.Properties)
	if err != nil {
		return nil // PropertiesBody says it is not JSON
	}
	return b
}

// call is the one service call to send.
func (a Action) call() edgeclient.ServiceCall {
	c := edgeclient.ServiceCall{Name: a.Service, Args: a.Args}
	if a.Raw != nil {
		c.Args = a.Raw
	}
	return c
}

// problem says why the action cannot be sent as it is, "" when it can.
func (a Action) problem() string {
	switch {
	case a.Kind < ActionTSL || a.Kind > ActionLogin:
		return "no such action"
	case a.Kind == ActionTSL && a.ProductKey == "":
		return "no product key"
	case a.Kind.onDevice() && a.Kind != ActionTSL && (a.ProductKey == "" || a.DeviceName == ""):
		return "no device"
	case a.Kind == ActionSetProperties && len(a.Properties) == 0 && len(a.Raw) == 0:
		return "no property to set"
	case a.Kind == ActionCallService && a.Service == "":
		return "no service to call"
	case (a.Kind == ActionEnableScene || a.Kind == ActionDisableScene) && a.Scene == "":
		return "no scene"
	case a.Kind == ActionInvokeFunction && a.Function == "":
		return "no function"
	}
	return ""
}

// ActionResult is an action's outcome.
type ActionResult struct {
	Action Action
	// Sent is false when the engine refused the action and sent nothing
	// (Err says why: a *RefusedError), or answered from its cache.
	Sent bool
	// Err is why it failed: the client's error (its records say more), a
	// service's own failure (*ServiceError), or a refusal.
	Err error
	// Schema is the product's TSL (ActionTSL); Things the devices
	// (ActionThings); Scenes the scenes (ActionScenes).
	Schema *model.Schema
	Things []edgeclient.Thing
	Scenes []edgeclient.Scene
	// Returned is what a service or a function returned, when it did.
	Returned []byte
	// Auth is the session's authentication after ActionLogin.
	Auth edgeclient.AuthState
}

// OK reports whether the action was carried out.
func (r ActionResult) OK() bool { return r.Err == nil }

// RefusedError is an action the engine did not send.
type RefusedError struct {
	Kind ActionKind
	Why  string
}

func (e *RefusedError) Error() string { return "not sent: " + e.Why }

// ServiceError is a service that the gateway called and that failed: the
// call itself succeeded (HTTP 200), its Returns says the device refused.
type ServiceError struct {
	Service, Code, Message string
}

func (e *ServiceError) Error() string {
	s := "service " + e.Service + " failed"
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Actor is a session that takes an operator's actions (*Engine).
type Actor interface{ Do(a Action) }

var _ Actor = (*Engine)(nil)

// actionAPI is what the actions call besides API (*edgeclient.Client has
// it all).
type actionAPI interface {
	SetThingPropertiesJSON(ctx context.Context, productKey, deviceName string, props json.RawMessage) (*edgeclient.SetResult, error)
	ListScenes(ctx context.Context) ([]edgeclient.Scene, error)
	EnableScene(ctx context.Context, id string) error
	DisableScene(ctx context.Context, id string) error
	InvokeFunction(ctx context.Context, arn string, payload []byte) (*edgeclient.FunctionResult, error)
}

// tslCache holds the products' TSLs read by ActionTSL.
type tslCache struct {
	mu sync.Mutex
	m  map[string]*model.Schema
}

func (c *tslCache) get(pk string) *model.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[pk]
}

func (c *tslCache) put(pk string, s *model.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*model.Schema{}
	}
	c.m[pk] = s
}

// Do queues an action and returns at once; its outcome comes as
// EventAction. It is safe for concurrent use; after Stop it does nothing.
func (e *Engine) Do(a Action) {
	go e.control(func() { e.startAction(a) })
}

// startAction runs on the loop: it refuses the action, answers it from
// the cache, or runs it off the loop (waited for at Stop).
func (e *Engine) startAction(a Action) {
	if why := e.refusal(a); why != "" {
		e.actionDone(ActionResult{Action: a, Err: &RefusedError{Kind: a.Kind, Why: why}})
		return
	}
	if a.Kind == ActionTSL {
		if s := e.tsls.get(a.ProductKey); s != nil {
			e.actionDone(ActionResult{Action: a, Schema: s})
			return
		}
	}
	e.work.Add(1)
	go func() {
		defer e.work.Done()
		r := e.runAction(e.ctx, a)
		e.control(func() { e.actionDone(r) })
	}()
}

// refusal says why the engine does not send a, "" when it does.
func (e *Engine) refusal(a Action) string {
	_, full := e.cfg.Client.(actionAPI)
	switch {
	case a.Kind.ChangesState() && e.cfg.ReadOnly:
		return "read-only session (--read-only): edgetop sends no " + a.Kind.Operation()
	case e.stopping:
		return "the session is ending"
	case e.halted():
		return "the session has stopped: edgetop calls the gateway no more"
	case a.Kind.needs2020() && e.cfg.APIVersion != edgeclient.Version2020:
		return a.Kind.Operation() + " is not in the " + e.cfg.APIVersion + " API"
	case e.cfg.Client == nil || !full && !e.basicAction(a.Kind):
		return "this session's client cannot " + a.Kind.Operation()
	}
	if p := a.problem(); p != "" {
		return p
	}
	return ""
}

// basicAction reports whether API alone (a test's fake) can run k.
func (e *Engine) basicAction(k ActionKind) bool {
	return k == ActionTSL || k == ActionThings || k == ActionCallService || k == ActionLogin
}

// runAction makes the action's call.
func (e *Engine) runAction(ctx context.Context, a Action) ActionResult {
	r := ActionResult{Action: a, Sent: true}
	api := e.cfg.Client
	full, _ := api.(actionAPI)
	switch a.Kind {
	case ActionTSL:
		r.Schema, r.Err = readTSL(ctx, api, a.ProductKey)
		if r.Err == nil {
			e.tsls.put(a.ProductKey, r.Schema)
		}
	case ActionThings:
		r.Things, r.Err = api.ListThings(ctx, edgeclient.ThingFilter{})
	case ActionScenes:
		r.Scenes, r.Err = full.ListScenes(ctx)
	case ActionSetProperties:
		_, r.Err = full.SetThingPropertiesJSON(ctx, a.ProductKey, a.DeviceName, a.properties())
	case ActionCallService:
		r.Returned, r.Err = callService(ctx, api, a)
	case ActionEnableScene:
		r.Err = full.EnableScene(ctx, a.Scene)
	case ActionDisableScene:
		r.Err = full.DisableScene(ctx, a.Scene)
	case ActionInvokeFunction:
		var res *edgeclient.FunctionResult
		res, r.Err = full.InvokeFunction(ctx, a.Function, a.Payload)
		if res != nil {
			r.Returned = res.Body
		}
	case ActionLogin:
		r.Err = api.CreateAuthCookie(ctx)
		r.Auth = api.Auth()
	}
	maskResult(maskOf(api), &r)
	return r
}

// maskResult masks every text of what an action read (a TSL, devices,
// scenes, a service's answer): the dialogs show them, and they came from
// the gateway. A name that held a secret is then not the gateway's name:
// an action on it fails, which is right for a gateway echoing secrets.
func maskResult(mask func(string) string, r *ActionResult) {
	if r.Schema != nil {
		r.Schema.MapText(mask)
	}
	for i := range r.Things {
		t := &r.Things[i]
		t.ProductKey, t.DeviceName, t.ProductName, t.NickName = mask(t.ProductKey), mask(t.DeviceName), mask(t.ProductName), mask(t.NickName)
		t.DriverID, t.DriverName, t.Status = mask(t.DriverID), mask(t.DriverName), mask(t.Status)
		tags := make(edgeclient.Tags, len(t.Tags))
		for k, v := range t.Tags {
			tags[mask(k)] = mask(v)
		}
		t.Tags = tags
	}
	for i := range r.Scenes {
		r.Scenes[i].ID, r.Scenes[i].Name = mask(r.Scenes[i].ID), mask(r.Scenes[i].Name)
	}
	if len(r.Returned) > 0 {
		r.Returned = []byte(mask(string(r.Returned)))
	}
	if r.Err != nil {
		r.Err = maskedError{err: r.Err, text: mask(r.Err.Error())}
	}
}

// maskedError is an action's error as the dialogs say it: its text
// masked, what it wraps still found by errors.As.
type maskedError struct {
	err  error
	text string
}

func (e maskedError) Error() string { return e.text }
func (e maskedError) Unwrap() error { return e.err }

// readTSL reads a product's TSL into a schema.
func readTSL(ctx context.Context, api API, pk string) (*model.Schema, error) {
	tsl, err := api.GetTSL(ctx, pk)
	if err != nil {
		return nil, err
	}
	if tsl == nil || len(tsl.Raw) == 0 {
		return nil, errors.New("the gateway has no TSL for product " + pk)
	}
	return model.ParseTSL(tsl.Raw)
}

// callService calls one service: a service that the device refused is a
// *ServiceError, though the call itself succeeded.
func callService(ctx context.Context, api API, a Action) ([]byte, error) {
	res, err := api.CallThingServices(ctx, a.ProductKey, a.DeviceName, []edgeclient.ServiceCall{a.call()})
	if err != nil {
		return nil, err
	}
	for _, s := range res.Services {
		if !s.Returns.OK() {
			return s.Returns.Data, &ServiceError{Service: s.Name, Code: s.Returns.Code, Message: s.Returns.Message}
		}
	}
	if len(res.Services) > 0 {
		return res.Services[0].Returns.Data, nil
	}
	return nil, nil
}

// actionDone reports an outcome, after the records of its exchanges.
func (e *Engine) actionDone(r ActionResult) {
	text := r.text(e.now())
	if m, ok := e.cfg.Client.(masker); ok {
		text = m.Mask(text)
	}
	e.flush()
	e.emit(Event{Kind: EventAction, Text: text, Action: &r})
}

// text says what happened in a sentence.
func (r ActionResult) text(now time.Time) string {
	a := r.Action
	if r.Err != nil {
		var re *RefusedError
		if errors.As(r.Err, &re) {
			return a.Summary() + ": " + re.Error()
		}
		return a.Summary() + " failed: " + strings.ReplaceAll(r.Err.Error(), "edgeclient: ", "")
	}
	var out string
	switch a.Kind {
	case ActionTSL:
		s := r.Schema
		out = fmt.Sprintf("TSL of %s: %d writable of %d properties, %d services", a.ProductKey,
			len(s.Writable()), len(s.Properties), len(s.Services))
	case ActionThings:
		out = plural(len(r.Things), "1 device", strconv.Itoa(len(r.Things))+" devices")
	case ActionScenes:
		out = plural(len(r.Scenes), "1 scene", strconv.Itoa(len(r.Scenes))+" scenes")
	case ActionLogin:
		out = "logged in again as " + r.Auth.User
		if !r.Auth.Expires.IsZero() {
			out += ", the cookie lasts " + RoundDuration(r.Auth.Expires.Sub(now)).String()
		}
	default:
		out = a.Summary() + ": done"
	}
	if len(r.Returned) > 0 && !isEmptyData(r.Returned) {
		out += "; returned " + clip(string(r.Returned), 120)
	}
	return out
}

// isEmptyData reports a "no data" answer ([], {}, null).
func isEmptyData(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return s == "[]" || s == "{}" || s == "null"
}

// clip cuts s to n bytes at a rune boundary, with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
