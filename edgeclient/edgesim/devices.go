package edgesim

import (
	"maps"
	"slices"
)

// Device describes one simulated device, for callers that drive the
// simulator (the demo workload, tests, `edgetop sim`).
type Device struct {
	ProductKey  string
	DeviceName  string
	ProductName string
	// Status is the ListThings Status now: Online, Offline or Inactivated.
	Status string
	Online bool
	// Properties are the TSL property identifiers; Writable the ones
	// SetThingProperties accepts.
	Properties []string
	Writable   []string
	// Services are the callable services, set and get included.
	Services []string
	// Events are the TSL event identifiers.
	Events []string
	Tags   map[string]string
	// Role says what the device is for in demos ("" for an ordinary one).
	Role string
}

// Devices lists the simulated devices in ListThings order.
func (s *Server) Devices() []Device {
	now := s.opts.Now()
	out := make([]Device, 0, len(s.world.devices))
	for _, d := range s.world.devices {
		dev := Device{
			ProductKey: d.prod.Key, DeviceName: d.def.Name, ProductName: d.prod.Name,
			Status: s.world.status(d, now), Online: s.world.online(d, now),
			Services: []string{"set", "get"}, Tags: maps.Clone(d.def.Tags), Role: roleOf(d),
		}
		for _, p := range d.prod.Props {
			dev.Properties = append(dev.Properties, p.ID)
			if p.Access == "rw" {
				dev.Writable = append(dev.Writable, p.ID)
			}
		}
		for _, sv := range d.prod.Services {
			dev.Services = append(dev.Services, sv.ID)
		}
		for _, ev := range d.prod.Events {
			dev.Events = append(dev.Events, ev.ID)
		}
		out = append(out, dev)
	}
	return out
}

// roleOf names a device's demo role.
func roleOf(d *device) string {
	switch {
	case d.def.FailAll:
		return "every service call fails: 500 Message.FailedReply"
	case d.def.Status == "flapping":
		return "offline 20 s of every minute: then 500 Service.NotExist"
	case d.def.Status != "Online":
		return d.def.Status + ": reads and writes give 500 Service.NotExist"
	case slices.ContainsFunc(d.prod.Services, func(s serviceDef) bool { return s.FailRate > 0 }):
		return "calibrate fails now and then (Message.FailedReply)"
	}
	return ""
}
