package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// tourEnv is what a tour action works with: the session's client, the
// simulator's controls and the viewer client (nil against a real gateway),
// the devices listed, the API version.
type tourEnv struct {
	api  API
	demo *Demo
	devs []model.PlanDevice
	ver  string
}

// tourAction is one word of the tour's vocabulary. run makes the calls
// (their records show the code; their errors are the point) and returns
// why it could not, "" when it ran; check vets a script's ARG (nil: any
// ARG, a device name, or none).
type tourAction struct {
	run   func(ctx context.Context, env tourEnv, arg string) (why string)
	check func(arg string) error
}

// tourActions is the vocabulary, one action per code of the status table.
var tourActions = map[string]tourAction{
	"read":             {run: tourRead},
	"login":            {run: tourLogin, check: noArg},
	"legacy-read":      {run: tourLegacyRead},
	"unknown-property": {run: tourUnknownProperty},
	"expire-cookie":    {run: tourExpireCookie},
	"viewer-write":     {run: tourViewerWrite},
	"unknown-device":   {run: tourUnknownDevice},
	"wrong-method":     {run: tourWrongMethod, check: checkMethod},
	"burst":            {run: tourBurst, check: checkBurst},
	"failing-service":  {run: tourFailingService},
	"maintenance":      {run: tourMaintenanceWindow, check: checkWindow},
}

// noSim is why an action that needs the simulator's controls did not run.
const noSim = "it needs the simulated gateway's controls (edgetop tour without --gateway)"

func noArg(arg string) error {
	if arg != "" {
		return fmt.Errorf("takes no argument, got %q", arg)
	}
	return nil
}

func checkMethod(arg string) error {
	if strings.ContainsFunc(arg, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return fmt.Errorf("%q is not an HTTP method (want e.g. DELETE)", arg)
	}
	return nil
}

func checkBurst(arg string) error {
	if arg == "" {
		return nil
	}
	if n, err := strconv.Atoi(arg); err != nil || n < 2 || n > 64 {
		return fmt.Errorf("%q is not a number of reads from 2 to 64", arg)
	}
	return nil
}

func checkWindow(arg string) error {
	if arg == "" {
		return nil
	}
	if d, err := time.ParseDuration(arg); err != nil || d <= 0 || d > tourMaintenanceMax {
		return fmt.Errorf("%q is not a duration up to %s (want e.g. 2s)", arg, tourMaintenanceMax)
	}
	return nil
}

// device finds the device an action names (arg: its name, or
// PRODUCTKEY/NAME), or with no arg the first listed (with properties to
// read when props is set).
func (env tourEnv) device(arg string, props bool) (model.PlanDevice, string) {
	if arg == "" {
		if d, ok := withProperties(env.devs, false); ok || !props && len(env.devs) > 0 {
			if !ok {
				d = env.devs[0]
			}
			return d, ""
		}
		if len(env.devs) == 0 {
			return model.PlanDevice{}, "the gateway listed no device"
		}
		return model.PlanDevice{}, "no listed device has property identifiers to read"
	}
	for _, d := range env.devs {
		if d.DeviceName == arg || d.ProductKey+"/"+d.DeviceName == arg {
			if props && len(d.Properties) == 0 {
				return model.PlanDevice{}, arg + " has no property identifiers known to read"
			}
			return d, ""
		}
	}
	return model.PlanDevice{}, "the gateway listed no device " + arg
}

// controls are the simulator's, or why there are none.
func (env tourEnv) controls() (DemoControls, string) {
	if env.demo == nil || env.demo.Controls == nil {
		return nil, noSim
	}
	return env.demo.Controls, ""
}

// readIDs are the identifiers a read of d names.
func readIDs(d model.PlanDevice) []string {
	return d.Properties[:min(len(d.Properties), model.MaxReadIdentifiers)]
}

// service is the service an action calls on d: one that takes no
// arguments, else the built-in set with no properties.
func service(d model.PlanDevice) edgeclient.ServiceCall {
	if svc := pickService(d.Services); svc != "" {
		return edgeclient.ServiceCall{Name: svc}
	}
	return edgeclient.ServiceCall{Name: "set", Args: map[string]any{}}
}

// tourRead reads a device's properties (200).
func tourRead(ctx context.Context, env tourEnv, arg string) string {
	d, why := env.device(arg, true)
	if why != "" {
		return why
	}
	_, _ = env.api.GetThingProperties(ctx, d.ProductKey, d.DeviceName, readIDs(d)...)
	return ""
}

// tourLogin logs in again (201).
func tourLogin(ctx context.Context, env tourEnv, _ string) string {
	_ = env.api.CreateAuthCookie(ctx)
	return ""
}

// tourLegacyRead reads on the legacy singular path, which the gateway
// redirects (302) to the canonical one.
func tourLegacyRead(ctx context.Context, env tourEnv, arg string) string {
	d, why := env.device(arg, false)
	if why != "" {
		return why
	}
	c := legacyCall([]model.PlanDevice{d}, env.ver, 0)[0]
	_, _ = env.api.Raw(ctx, c.Method, c.Path, nil)
	return ""
}

// tourUnknownProperty reads a property the device does not have (400).
func tourUnknownProperty(ctx context.Context, env tourEnv, arg string) string {
	d, why := env.device(arg, false)
	if why != "" {
		return why
	}
	_, _ = env.api.GetThingProperties(ctx, d.ProductKey, d.DeviceName, "NoSuchProperty")
	return ""
}

// tourExpireCookie expires every cookie on the gateway, then reads: 401,
// the client's renewal (201) and the retried read (200).
func tourExpireCookie(ctx context.Context, env tourEnv, arg string) string {
	ctl, why := env.controls()
	if why != "" {
		return why
	}
	if _, why := env.device(arg, true); why != "" {
		return why
	}
	ctl.ExpireCookies()
	return tourRead(ctx, env, arg)
}

// tourViewerWrite has the read-only user call a service (403).
func tourViewerWrite(ctx context.Context, env tourEnv, arg string) string {
	if env.demo == nil || env.demo.Viewer == nil {
		return "it needs the read-only viewer client (edgetop tour without --gateway)"
	}
	d, why := env.device(arg, false)
	if why != "" {
		return why
	}
	v := env.demo.Viewer
	if !v.Auth().Authenticated {
		if err := v.CreateAuthCookie(ctx); err != nil {
			return "the viewer could not log in: " + err.Error()
		}
	}
	_, _ = v.CallThingServices(ctx, d.ProductKey, d.DeviceName, []edgeclient.ServiceCall{service(d)})
	return ""
}

// tourUnknownDevice reads a device that does not exist (404), with
// identifiers, or the answer is a 400 for the missing parameter.
func tourUnknownDevice(ctx context.Context, env tourEnv, arg string) string {
	d, why := env.device("", false)
	if why != "" {
		return why
	}
	ids := readIDs(d)
	if len(ids) == 0 {
		ids = []string{"NoSuchProperty"}
	}
	name := arg
	if name == "" {
		name = "NoSuchDevice"
	}
	_, _ = env.api.GetThingProperties(ctx, d.ProductKey, name, ids...)
	return ""
}

// tourWrongMethod sends a method the things collection does not take
// (405 with Allow).
func tourWrongMethod(ctx context.Context, env tourEnv, arg string) string {
	m := arg
	if m == "" {
		m = "DELETE"
	}
	_, _ = env.api.Raw(ctx, m, "/"+env.ver+"/things", nil)
	return ""
}

// tourBurst lowers the connection limit, reads a device N times at once
// (421 past it), and restores the limit.
func tourBurst(ctx context.Context, env tourEnv, arg string) string {
	ctl, why := env.controls()
	if why != "" {
		return why
	}
	d, why := env.device("", true)
	if why != "" {
		return why
	}
	n := tourBurstN
	if arg != "" {
		n, _ = strconv.Atoi(arg) // checked by ParseTour
	}
	ctl.SetConnLimit(tourConnLimit)
	defer ctl.SetConnLimit(demoConnLimit)
	_ = burst(ctx, env.api, model.Call{
		Kind: model.CallBurst, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: readIDs(d), N: n,
	})
	return ""
}

// tourFailingService calls a service on a device whose service fails
// (500): the one named, else each device in turn until one fails.
func tourFailingService(ctx context.Context, env tourEnv, arg string) string {
	devs := env.devs
	if arg != "" {
		d, why := env.device(arg, false)
		if why != "" {
			return why
		}
		devs = []model.PlanDevice{d}
	}
	for _, d := range devs {
		_, err := env.api.CallThingServices(ctx, d.ProductKey, d.DeviceName, []edgeclient.ServiceCall{service(d)})
		var ae *edgeclient.APIError
		if errors.As(err, &ae) && ae.Status >= 500 || ctx.Err() != nil {
			return ""
		}
	}
	if arg != "" {
		return ""
	}
	return "no listed device's service failed"
}

// tourMaintenanceWindow starts a maintenance window and reads (503; the
// client retries after Retry-After). The window it started ends with the
// step, so no later call meets it.
func tourMaintenanceWindow(ctx context.Context, env tourEnv, arg string) string {
	ctl, why := env.controls()
	if why != "" {
		return why
	}
	if _, why := env.device("", true); why != "" {
		return why
	}
	d := tourMaintenance
	if arg != "" {
		d, _ = time.ParseDuration(arg) // checked by ParseTour
	}
	ctl.Maintenance(d)
	defer ctl.Maintenance(0)
	return tourRead(ctx, env, "")
}
