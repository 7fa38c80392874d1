package session

import (
	"context"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// API is what the engine calls on a gateway: *edgeclient.Client has it,
// tests use fakes. Every call reports its exchanges to the client's
// observer; the results only steer the workload.
type API interface {
	Auth() edgeclient.AuthState
	Close(ctx context.Context) error
	CreateAuthCookie(ctx context.Context) error
	ListThings(ctx context.Context, f edgeclient.ThingFilter) ([]edgeclient.Thing, error)
	GetThingProperties(ctx context.Context, productKey, deviceName string, ids ...string) (*edgeclient.Properties, error)
	CallThingServices(ctx context.Context, productKey, deviceName string, calls []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error)
	GetTSL(ctx context.Context, productKey string) (*edgeclient.TSL, error)
	Raw(ctx context.Context, method, path string, body []byte) (*edgeclient.RawResponse, error)
	Watch(ctx context.Context, targets []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error)
}

// result is a finished call, for the engine's loop.
type result struct {
	call    model.Call
	devices []model.PlanDevice
	// things is the device list a ListThings returned, for the faces.
	things []model.DeviceInfo
	err    error
	start  time.Time
}

// runCall makes one planned call on api.
func runCall(ctx context.Context, api API, c model.Call) result {
	r := result{call: c}
	switch c.Kind {
	case model.CallAuth:
		r.err = api.CreateAuthCookie(ctx)
	case model.CallListThings:
		r.devices, r.things, r.err = listDevices(ctx, api)
	case model.CallGetProperties:
		_, r.err = api.GetThingProperties(ctx, c.ProductKey, c.DeviceName, c.Identifiers...)
	case model.CallService:
		_, r.err = api.CallThingServices(ctx, c.ProductKey, c.DeviceName, []edgeclient.ServiceCall{{Name: c.Service}})
	case model.CallBurst:
		r.err = burst(ctx, api, c)
	case model.CallRaw:
		_, r.err = api.Raw(ctx, c.Method, c.Path, nil)
	}
	return r
}

// burst makes c.N property reads at once (the demo's way past the
// gateway's per-IP connection limit); the error is the first one.
func burst(ctx context.Context, api API, c model.Call) error {
	errs := make(chan error, c.N)
	for range c.N {
		go func() {
			_, err := api.GetThingProperties(ctx, c.ProductKey, c.DeviceName, c.Identifiers...)
			errs <- err
		}()
	}
	var first error
	for range c.N {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// listDevices lists the things and finds each product's readable
// properties and services (from the TSL when the gateway has GetTSL),
// and returns the list as the faces show it.
func listDevices(ctx context.Context, api API) ([]model.PlanDevice, []model.DeviceInfo, error) {
	things, err := api.ListThings(ctx, edgeclient.ThingFilter{})
	if err != nil {
		return nil, nil, err
	}
	specs := map[string]productSpec{}
	out := make([]model.PlanDevice, 0, len(things))
	for _, t := range things {
		spec, ok := specs[t.ProductKey]
		if !ok {
			spec = fetchSpec(ctx, api, t.ProductKey)
			specs[t.ProductKey] = spec
		}
		out = append(out, model.PlanDevice{
			ProductKey: t.ProductKey, DeviceName: t.DeviceName,
			Properties: spec.properties, Services: spec.services,
		})
	}
	return out, deviceInfos(api, things), nil
}

// productSpec is what the workload needs from a product's TSL.
type productSpec struct{ properties, services []string }

// fetchSpec reads a product's TSL for its readable properties and its
// services. Without a TSL (2019-09-30, or an error) the device has no
// identifiers until the watch stream names some (Plan.Learn); the plan
// does not poll it before.
func fetchSpec(ctx context.Context, api API, productKey string) productSpec {
	tsl, err := api.GetTSL(ctx, productKey)
	if err != nil || tsl == nil {
		return productSpec{}
	}
	var s productSpec
	for _, p := range tsl.Properties {
		s.properties = append(s.properties, p.Identifier)
	}
	for _, sv := range tsl.Services {
		s.services = append(s.services, sv.Identifier)
	}
	return s
}
