package model

import (
	"slices"
	"strings"
	"time"
)

// Bounds of the device table: whatever a gateway sends, the table holds at
// most MaxDevices devices, each with at most MaxDeviceProps properties and
// MaxDeviceTags tags.
const (
	// MaxDevices caps the devices held; updates naming more are counted
	// (DeviceTable.Dropped) and ignored.
	MaxDevices = 4096
	// MaxDeviceProps caps the properties held per device: a new one past
	// it replaces the one that changed longest ago.
	MaxDeviceProps = 32
	// MaxDeviceTags caps a device's tags (the first the list gives are
	// kept).
	MaxDeviceTags = 32
	// MaxValueLen caps, in bytes, a property value's JSON text and a tag's
	// key or value as the session hands them on (cut with "…").
	MaxValueLen = 200
)

// Tag is one of a device's tags.
type Tag struct{ Key, Value string }

// DeviceInfo is a device as ListThings returns it. Its texts came from the
// network: masked by the session, not sanitised (faces sanitise).
type DeviceInfo struct {
	ProductKey, DeviceName string
	// Status is Online, Offline, Inactivated or Failed (or what the
	// gateway said).
	Status string
	// Tags are sorted by key.
	Tags []Tag
}

// PropChange is what the Watch stream said of one device: a property's
// new value (Property set), or a device event other than a property change
// (Event set, its Args as Value). The session coalesces a batch per device
// and property: N says how many changes one PropChange stands for, Value
// and the times are the newest's.
type PropChange struct {
	ProductKey, DeviceName string
	Property, Event        string
	// Value is the JSON text of the value (or of the event's Args),
	// masked and at most MaxValueLen bytes.
	Value string
	// At is when the gateway says it changed; Seen when edgetop read it.
	At, Seen time.Time
	N        int
}

// DeviceProp is a property's newest value from the Watch stream.
type DeviceProp struct {
	Name, Value string
	// At is when the gateway says it changed; Seen when edgetop read it.
	At, Seen time.Time
	// Changes counts the changes seen.
	Changes uint64
}

// DeviceEvent is the newest device event other than a property change.
type DeviceEvent struct {
	Name, Args string
	At, Seen   time.Time
	Count      uint64
}

// DeviceError is the newest failing record naming a device.
type DeviceError struct {
	// At is the record's start; zero when the device never failed.
	At       time.Time
	RecordID uint64
	// Status is the HTTP status (0: no usable response; Kind says why).
	Status    int
	Kind      ErrKind
	APICode   string
	Message   string
	Operation string
}

// Device is what the session knows of one device: its listing, the
// records that named it, its properties from the Watch stream.
type Device struct {
	ProductKey, DeviceName string
	// Status is the newest listing's ("" when never listed); Listed says
	// whether the newest ListThings returned the device.
	Status string
	Listed bool
	Tags   []Tag
	// LastSeen is the start of the newest record naming the device;
	// Requests and Failures count those records.
	LastSeen           time.Time
	Requests, Failures uint64
	LastError          DeviceError
	// Props are sorted by name; PropsDropped counts properties replaced
	// past MaxDeviceProps.
	Props        []DeviceProp
	PropsDropped uint64
	// LastEvent is the newest device event (zero Seen: none).
	LastEvent DeviceEvent
	// Changed is when the Watch stream last said anything of it.
	Changed time.Time
}

// Key is the device's identity.
func (d *Device) Key() DeviceKey { return DeviceKey{d.ProductKey, d.DeviceName} }

// Prop returns the property named name.
func (d *Device) Prop(name string) (DeviceProp, bool) {
	i, ok := slices.BinarySearchFunc(d.Props, name, func(p DeviceProp, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		return DeviceProp{}, false
	}
	return d.Props[i], true
}

// Query is the filter expression that selects the device's records.
func (d *Device) Query() string { return DeviceQuery(d.ProductKey, d.DeviceName) }

// DeviceQuery is the filter expression (ParseQuery) selecting one device's
// records: dev:"PK/DN", quoted so that no character of the names acts as a
// wildcard or ends the value.
func DeviceQuery(productKey, deviceName string) string {
	v := productKey + "/" + deviceName
	var b strings.Builder
	b.Grow(len(v) + 6)
	b.WriteString(`dev:"`)
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// DeviceKey identifies a device.
type DeviceKey struct{ ProductKey, DeviceName string }

func compareKeys(a, b DeviceKey) int {
	if c := strings.Compare(a.ProductKey, b.ProductKey); c != 0 {
		return c
	}
	return strings.Compare(a.DeviceName, b.DeviceName)
}

// DeviceTable is every device the session met, sorted by product key and
// device name: from the device list (SetDevices), from the Watch stream
// (Apply) and from the records naming them (Observe). An update of a
// device already held is O(1) (a map lookup and a search among at most
// MaxDeviceProps properties); a new device is a sorted insert among at
// most MaxDevices. It is not safe for concurrent use.
type DeviceTable struct {
	byKey   map[DeviceKey]*Device
	order   []*Device
	gen     uint64
	dropped uint64
	listed  time.Time
}

// NewDeviceTable returns an empty table.
func NewDeviceTable() *DeviceTable { return &DeviceTable{byKey: map[DeviceKey]*Device{}} }

// Len is the number of devices held.
func (t *DeviceTable) Len() int { return len(t.order) }

// At is the i-th device in order (nil out of range).
func (t *DeviceTable) At(i int) *Device {
	if i < 0 || i >= len(t.order) {
		return nil
	}
	return t.order[i]
}

// Get returns the device k, or nil.
func (t *DeviceTable) Get(k DeviceKey) *Device { return t.byKey[k] }

// Index is the position of device k in order, or -1.
func (t *DeviceTable) Index(k DeviceKey) int {
	i, ok := slices.BinarySearchFunc(t.order, k, func(d *Device, k DeviceKey) int { return compareKeys(d.Key(), k) })
	if !ok {
		return -1
	}
	return i
}

// Gen changes whenever anything in the table does: a face redraws when it
// differs from the one it drew.
func (t *DeviceTable) Gen() uint64 { return t.gen }

// Dropped counts the updates ignored because the table was full.
func (t *DeviceTable) Dropped() uint64 { return t.dropped }

// Listed is when the newest device list came (zero: never).
func (t *DeviceTable) Listed() time.Time { return t.listed }

// Reset forgets every device (a replay went back to its start).
func (t *DeviceTable) Reset() {
	t.byKey, t.order, t.listed, t.dropped = map[DeviceKey]*Device{}, nil, time.Time{}, 0
	t.gen++
}

// device returns device k, adding it when it is new and there is room
// (nil when there is none).
func (t *DeviceTable) device(k DeviceKey) *Device {
	if d := t.byKey[k]; d != nil {
		return d
	}
	if len(t.order) >= MaxDevices {
		t.dropped++
		return nil
	}
	d := &Device{ProductKey: k.ProductKey, DeviceName: k.DeviceName}
	t.byKey[k] = d
	i, _ := slices.BinarySearchFunc(t.order, k, func(d *Device, k DeviceKey) int { return compareKeys(d.Key(), k) })
	t.order = slices.Insert(t.order, i, d)
	return d
}

// SetDevices takes a device list (a ListThings answer) that came at at:
// each device's status and tags; the devices it no longer names stay, no
// longer Listed.
func (t *DeviceTable) SetDevices(list []DeviceInfo, at time.Time) {
	for _, d := range t.order {
		d.Listed = false
	}
	for _, info := range list {
		d := t.device(DeviceKey{info.ProductKey, info.DeviceName})
		if d == nil {
			continue
		}
		d.Status, d.Listed = info.Status, true
		tags := info.Tags[:min(len(info.Tags), MaxDeviceTags)]
		d.Tags = append(d.Tags[:0], tags...)
		slices.SortFunc(d.Tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	}
	t.listed = at
	t.gen++
}

// Observe takes a batch of records: each one naming a device (its path has
// a device name) makes it seen then; a failing one (4xx, 5xx, no usable
// answer, but not a call edgetop cancelled itself) is its last error when
// it is the newest.
func (t *DeviceTable) Observe(recs []Record) {
	for i := range recs {
		r := &recs[i]
		if r.DeviceName == "" {
			continue
		}
		d := t.device(DeviceKey{r.ProductKey, r.DeviceName})
		if d == nil {
			continue
		}
		t.gen++
		d.Requests++
		if r.Start.After(d.LastSeen) {
			d.LastSeen = r.Start
		}
		if !r.Class().IsError() || r.Err != nil && r.Err.Kind == ErrCanceled {
			continue
		}
		d.Failures++
		if d.LastError.At.IsZero() || !r.Start.Before(d.LastError.At) {
			d.LastError = errorOf(r)
		}
	}
}

// errorOf is what a failing record says of its device.
func errorOf(r *Record) DeviceError {
	e := DeviceError{
		At: r.Start, RecordID: r.ID, Status: r.Status, APICode: r.APICode, Message: r.APIMessage,
		Operation: r.Operation,
	}
	if r.Err != nil {
		e.Kind = r.Err.Kind
		if e.Message == "" {
			e.Message = r.Err.Text
		}
	}
	return e
}

// Apply takes a batch of the Watch stream's changes, oldest first.
func (t *DeviceTable) Apply(changes []PropChange) {
	for i := range changes {
		c := &changes[i]
		d := t.device(DeviceKey{c.ProductKey, c.DeviceName})
		if d == nil {
			continue
		}
		t.gen++
		n := uint64(max(c.N, 1))
		if c.Seen.After(d.Changed) {
			d.Changed = c.Seen
		}
		if c.Property == "" {
			if !c.Seen.Before(d.LastEvent.Seen) {
				d.LastEvent = DeviceEvent{Name: c.Event, Args: c.Value, At: c.At, Seen: c.Seen, Count: d.LastEvent.Count + n}
			}
			continue
		}
		d.setProp(c, n)
	}
}

// setProp puts a property's newest value, replacing the one that changed
// longest ago when the device already holds MaxDeviceProps.
func (d *Device) setProp(c *PropChange, n uint64) {
	i, ok := slices.BinarySearchFunc(d.Props, c.Property, func(p DeviceProp, n string) int { return strings.Compare(p.Name, n) })
	if ok {
		p := &d.Props[i]
		p.Changes += n
		if !c.Seen.Before(p.Seen) {
			p.Value, p.At, p.Seen = c.Value, c.At, c.Seen
		}
		return
	}
	if len(d.Props) >= MaxDeviceProps {
		old := 0
		for j := range d.Props {
			if d.Props[j].Seen.Before(d.Props[old].Seen) {
				old = j
			}
		}
		d.Props = slices.Delete(d.Props, old, old+1)
		d.PropsDropped++
		if old < i {
			i--
		}
	}
	d.Props = slices.Insert(d.Props, i, DeviceProp{Name: c.Property, Value: c.Value, At: c.At, Seen: c.Seen, Changes: n})
}
