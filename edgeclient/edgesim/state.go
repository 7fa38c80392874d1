package edgesim

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// device is a device bound to the gateway, with its mutable state.
type device struct {
	def  deviceDef
	prod *product
	// connectMs is when the device last connected (epoch ms).
	connectMs int64
	// set holds values written by SetThingProperties or services; they
	// win over the default (guarded by world.mu).
	set map[string]any
	// energyReset is subtracted from TotalEnergy after resetEnergy.
	energyReset float64
	// calOffset is added to CurrentTemperature after calibrate.
	calOffset float64
}

// world is the gateway's state: products, devices, scenes. Property values
// are a pure function of (seed, device, property, time) plus what clients
// set, so reads are deterministic and no goroutine drives them.
type world struct {
	seed  uint64
	start time.Time

	products []*product
	byKey    map[string]*product
	devices  []*device
	byName   map[string]*device // "pk/dn"

	mu     sync.Mutex // guards device.set, energyReset, calOffset, scenes
	scenes []*scene

	rngMu sync.Mutex
	rng   *rand.Rand
}

// newWorld builds the inventory for a seed, starting at start.
func newWorld(seed int64, start time.Time) *world {
	w := &world{
		seed:   uint64(seed),
		start:  start,
		byKey:  map[string]*product{},
		byName: map[string]*device{},
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
	}
	for _, p := range catalogProducts() {
		w.products = append(w.products, p)
		w.byKey[p.Key] = p
	}
	for _, def := range catalogDevices() {
		d := &device{def: def, prod: w.byKey[def.Product], set: map[string]any{}}
		back := int64(w.hash(def.Name, "connect") % 86400000)
		d.connectMs = start.UnixMilli() - back
		w.devices = append(w.devices, d)
		w.byName[def.Product+"/"+def.Name] = d
	}
	w.scenes = catalogScenes()
	return w
}

// chance draws from the seeded source: true with probability p.
func (w *world) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.Float64() < p
}

// float draws a number in [0,1) from the seeded source.
func (w *world) float() float64 {
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.Float64()
}

// hash mixes the seed with parts into a stable 64-bit value.
func (w *world) hash(parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], w.seed)
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	x := h.Sum64()
	// splitmix64 finaliser: FNV alone correlates for near-equal inputs.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps a hash of parts to [0,1).
func (w *world) unit(parts ...string) float64 {
	return float64(w.hash(parts...)>>11) / (1 << 53)
}

// device finds a device by product key and name.
func (w *world) device(pk, dn string) *device {
	return w.byName[pk+"/"+dn]
}

// online reports whether d is connected at t. The flapping device is
// offline for 20 s of every minute.
func (w *world) online(d *device, t time.Time) bool {
	switch d.def.Status {
	case "Online":
		return true
	case "flapping":
		return w.flapSecond(d, t) < 40
	default:
		return false
	}
}

// flapSecond is where in its one-minute cycle the flapping device is.
func (w *world) flapSecond(d *device, t time.Time) int64 {
	off := int64(w.hash(d.def.Name, "flap") % 60)
	return (t.Unix() + off) % 60
}

// status is the ListThings Status of d at t.
func (w *world) status(d *device, t time.Time) string {
	switch d.def.Status {
	case "flapping":
		if w.online(d, t) {
			return "Online"
		}
		return "Offline"
	default:
		return d.def.Status
	}
}

// connectTime is the ListThings ConnectTime of d at t (epoch ms).
func (w *world) connectTime(d *device, t time.Time) int64 {
	if d.def.Status == "flapping" && w.online(d, t) {
		return (t.Unix() - w.flapSecond(d, t)) * 1000
	}
	return d.connectMs
}

// prop finds a property definition of p.
func (p *product) prop(id string) *propDef {
	for i := range p.Props {
		if p.Props[i].ID == id {
			return &p.Props[i]
		}
	}
	return nil
}

// service finds a service definition of p.
func (p *product) service(id string) *serviceDef {
	for i := range p.Services {
		if p.Services[i].ID == id {
			return &p.Services[i]
		}
	}
	return nil
}

// values returns the current values of ids (all properties when ids is
// empty) of d at t.
func (w *world) values(d *device, ids []string, t time.Time) map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.valuesLocked(d, ids, t)
}

// valuesLocked is values with w.mu held.
func (w *world) valuesLocked(d *device, ids []string, t time.Time) map[string]any {
	out := make(map[string]any, len(ids))
	if len(ids) == 0 {
		for _, p := range d.prod.Props {
			out[p.ID] = w.valueLocked(d, &p, t)
		}
		return out
	}
	for _, id := range ids {
		if p := d.prod.prop(id); p != nil {
			out[id] = w.valueLocked(d, p, t)
		}
	}
	return out
}

// valueLocked computes one property value; w.mu is held.
func (w *world) valueLocked(d *device, p *propDef, t time.Time) any {
	if v, ok := d.set[p.ID]; ok {
		return v
	}
	if p.Drift == driftNone {
		return p.Default
	}
	v := w.raw(d, p, t)
	v = w.couple(d, p, v, t)
	return typed(p.Type, p.Step, v)
}

// raw is the drifting value before couplings.
func (w *world) raw(d *device, p *propDef, t time.Time) float64 {
	secs := float64(t.UnixMilli()) / 1000
	every := p.Every
	if every <= 0 {
		every = 1
	}
	k := math.Floor(secs / every)
	kk := strconv.FormatInt(int64(k), 10)
	switch p.Drift {
	case driftWave:
		period := p.Period * (0.8 + 0.4*w.unit(d.def.Name, p.ID, "period"))
		phase := 2 * math.Pi * w.unit(d.def.Name, p.ID, "phase")
		noise := 2*w.unit(d.def.Name, p.ID, kk) - 1
		return p.Mid + p.Amp*math.Sin(2*math.Pi*k*every/period+phase) + 0.08*p.Amp*noise
	case driftRamp:
		hours := k * every / 3600
		base := p.Mid * (1 + w.unit(d.def.Name, p.ID, "base"))
		return base + p.Amp*(hours-float64(w.start.Unix())/3600)
	case driftDecay:
		hours := k*every/3600 - float64(w.start.Unix())/3600
		return max(5, p.Mid+10*w.unit(d.def.Name, p.ID, "base")-p.Amp*hours)
	case driftToggle:
		if w.unit(d.def.Name, p.ID, kk) < 0.3 {
			return 1
		}
		return 0
	default:
		return toFloat(p.Default)
	}
}

// couple ties properties of one device together: a light that is off
// measures less light, an open relay draws nothing, calibration shifts a
// sensor, a freezer is cold.
func (w *world) couple(d *device, p *propDef, v float64, t time.Time) float64 {
	get := func(id string) float64 {
		q := d.prod.prop(id)
		if sv, ok := d.set[id]; ok {
			return toFloat(sv)
		}
		return w.raw(d, q, t)
	}
	switch p.ID {
	case "MeasuredIlluminance":
		if get("LightSwitch") == 0 {
			return v * 0.15
		}
		return v * (0.4 + 0.6*get("Brightness")/100)
	case "Current", "ActivePower":
		if get("RelayState") == 0 {
			return 0
		}
		if p.ID == "ActivePower" {
			return get("Voltage") * get("Current") * 0.95
		}
	case "TotalEnergy":
		return v - d.energyReset
	case "CurrentTemperature":
		if d.def.Tags["Zone"] == "Freezer" {
			v -= 42
		}
		return v + d.calOffset
	}
	return v
}

// typed rounds v to the property's step and gives it its JSON type.
func typed(typ string, step, v float64) any {
	switch typ {
	case typeInt, typeBool:
		return int64(math.Round(v))
	case typeText:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	dec := 0
	for s := step; s > 0 && s < 1 && dec < 6; s *= 10 {
		dec++
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', dec, 64), 64)
	return f
}

// toFloat converts a JSON-ish number to float64 (0 for anything else).
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	}
	return 0
}
