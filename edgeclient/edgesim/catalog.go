package edgesim

// This file is the simulated gateway's inventory: products with their TSL,
// and the devices bound to it. It is declarative data, exempt from the
// function-size limits.

// Property data types, as the TSL names them.
const (
	typeInt    = "int"
	typeFloat  = "float"
	typeDouble = "double"
	typeBool   = "bool"
	typeText   = "text"
)

// driftKind says how a property's value moves over time.
type driftKind uint8

const (
	driftNone   driftKind = iota // keeps its default until set
	driftWave                    // mid ± amp, a slow sine plus noise
	driftRamp                    // grows steadily (energy counters)
	driftDecay                   // shrinks steadily (batteries)
	driftToggle                  // a 0/1 that flips now and then
)

// propDef is one TSL property with its simulated behaviour.
type propDef struct {
	ID, Name, Type, Access string // Access "r" or "rw"
	Min, Max, Step         float64
	Unit, UnitName         string
	Default                any // for driftNone and writable properties
	Drift                  driftKind
	Mid, Amp               float64 // wave centre and amplitude; ramp/decay rate per hour
	Period                 float64 // wave period, seconds
	Every                  float64 // seconds between value changes
}

// paramDef is an input or output parameter of a service or event.
type paramDef struct {
	ID, Name, Type string
	Min, Max, Step float64
	Unit           string
}

// serviceDef is one TSL service.
type serviceDef struct {
	ID, Name, Desc string
	Inputs         []paramDef
	Outputs        []paramDef
	FailRate       float64 // probability that the device replies with an error
}

// eventDef is one TSL event; a threshold rule makes the Watch stream emit
// it when the property crosses Threshold (upwards when Above).
type eventDef struct {
	ID, Name, Type string // Type: info, alert, error
	Outputs        []paramDef
	Prop           string
	Threshold      float64
	Above          bool
}

// product is a product with its TSL and driver.
type product struct {
	Key, Name, DriverName, DriverID string
	Props                           []propDef
	Services                        []serviceDef
	Events                          []eventDef
}

// deviceDef is a device as configured on the gateway.
type deviceDef struct {
	Product  string // product key
	Name     string
	NickName string
	Tags     map[string]string
	Status   string // Online, Offline, Inactivated, Failed, or "flapping"
	// FailAll makes every service call of the device (but get) fail with
	// Message.FailedReply: the LampFault demo hook.
	FailAll bool
}

// Product keys of the simulated products.
const (
	KeyLight  = "a1LgtQx7n42"
	KeySensor = "a1THsR2kM9p"
	KeyMeter  = "a1PwMt8vB3c"
	KeyDoor   = "a1DrSn5wE1z"
)

func catalogProducts() []*product {
	return []*product{
		{
			Key: KeyLight, Name: "SmartLight", DriverName: "LightSensor", DriverID: "e0bb1b48964e4519b4a52f9b7c1d1dd3",
			Props: []propDef{
				{ID: "LightSwitch", Name: "Light switch", Type: typeBool, Access: "rw", Min: 0, Max: 1, Step: 1, Default: 1},
				{ID: "Brightness", Name: "Brightness", Type: typeInt, Access: "rw", Min: 0, Max: 100, Step: 1, Unit: "%", UnitName: "percent", Default: 80},
				{ID: "ColorTemperature", Name: "Color temperature", Type: typeInt, Access: "rw", Min: 2700, Max: 6500, Step: 1, Unit: "K", UnitName: "kelvin", Default: 4000},
				{ID: "Color", Name: "Color", Type: typeText, Access: "rw", Max: 16, Default: "white"},
				{ID: "MeasuredIlluminance", Name: "Measured illuminance", Type: typeDouble, Access: "r", Min: 0, Max: 65535, Step: 0.01, Unit: "Lux", UnitName: "lux", Drift: driftWave, Mid: 300, Amp: 260, Period: 120, Every: 3},
			},
			Services: []serviceDef{
				{ID: "setColor", Name: "Set color", Desc: "Sets the light's color", Inputs: []paramDef{{ID: "color", Name: "Color", Type: typeText}}},
				{ID: "toggle", Name: "Toggle", Desc: "Switches the light on or off", Outputs: []paramDef{{ID: "LightSwitch", Name: "Light switch", Type: typeBool, Max: 1, Step: 1}}},
			},
			Events: []eventDef{
				{ID: "LowIlluminance", Name: "Low illuminance", Type: "alert", Outputs: []paramDef{{ID: "MeasuredIlluminance", Name: "Measured illuminance", Type: typeDouble, Max: 65535, Step: 0.01, Unit: "Lux"}}, Prop: "MeasuredIlluminance", Threshold: 100},
				{ID: "LampFault", Name: "Lamp fault", Type: "error", Outputs: []paramDef{{ID: "ErrorCode", Name: "Error code", Type: typeInt, Max: 65535, Step: 1}}},
			},
		},
		{
			Key: KeySensor, Name: "TempHumiditySensor", DriverName: "ModbusTH", DriverID: "3f9a6c2d1b8e4f70a5d6c7b8e9f01234",
			Props: []propDef{
				{ID: "CurrentTemperature", Name: "Temperature", Type: typeFloat, Access: "r", Min: -40, Max: 85, Step: 0.1, Unit: "°C", UnitName: "degree Celsius", Drift: driftWave, Mid: 24, Amp: 8, Period: 180, Every: 2},
				{ID: "CurrentHumidity", Name: "Humidity", Type: typeFloat, Access: "r", Min: 0, Max: 100, Step: 0.1, Unit: "%RH", UnitName: "relative humidity", Drift: driftWave, Mid: 55, Amp: 15, Period: 240, Every: 4},
				{ID: "BatteryLevel", Name: "Battery level", Type: typeInt, Access: "r", Min: 0, Max: 100, Step: 1, Unit: "%", UnitName: "percent", Drift: driftDecay, Mid: 90, Amp: 1, Every: 60},
				{ID: "ReportInterval", Name: "Report interval", Type: typeInt, Access: "rw", Min: 1, Max: 3600, Step: 1, Unit: "s", UnitName: "second", Default: 10},
			},
			Services: []serviceDef{
				{ID: "calibrate", Name: "Calibrate", Desc: "Applies a temperature offset; the sensor is busy now and then", Inputs: []paramDef{{ID: "offset", Name: "Offset", Type: typeFloat, Min: -5, Max: 5, Step: 0.1, Unit: "°C"}}, FailRate: 0.2},
			},
			Events: []eventDef{
				{ID: "HighTemperature", Name: "High temperature", Type: "alert", Outputs: []paramDef{{ID: "CurrentTemperature", Name: "Temperature", Type: typeFloat, Min: -40, Max: 85, Step: 0.1, Unit: "°C"}}, Prop: "CurrentTemperature", Threshold: 30, Above: true},
				{ID: "LowBattery", Name: "Low battery", Type: "alert", Outputs: []paramDef{{ID: "BatteryLevel", Name: "Battery level", Type: typeInt, Max: 100, Step: 1, Unit: "%"}}, Prop: "BatteryLevel", Threshold: 20},
			},
		},
		{
			Key: KeyMeter, Name: "PowerMeter", DriverName: "DLT645Meter", DriverID: "9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5",
			Props: []propDef{
				{ID: "Voltage", Name: "Voltage", Type: typeDouble, Access: "r", Min: 0, Max: 300, Step: 0.1, Unit: "V", UnitName: "volt", Drift: driftWave, Mid: 230, Amp: 6, Period: 90, Every: 2},
				{ID: "Current", Name: "Current", Type: typeDouble, Access: "r", Min: 0, Max: 100, Step: 0.01, Unit: "A", UnitName: "ampere", Drift: driftWave, Mid: 25, Amp: 20, Period: 150, Every: 2},
				{ID: "ActivePower", Name: "Active power", Type: typeDouble, Access: "r", Min: 0, Max: 25000, Step: 0.1, Unit: "W", UnitName: "watt", Drift: driftWave, Mid: 5500, Amp: 4500, Period: 150, Every: 2},
				{ID: "TotalEnergy", Name: "Total energy", Type: typeDouble, Access: "r", Min: 0, Max: 1e9, Step: 0.01, Unit: "kWh", UnitName: "kilowatt hour", Drift: driftRamp, Mid: 1200, Amp: 5.5, Every: 5},
				{ID: "RelayState", Name: "Relay", Type: typeBool, Access: "rw", Min: 0, Max: 1, Step: 1, Default: 1},
			},
			Services: []serviceDef{
				{ID: "resetEnergy", Name: "Reset energy", Desc: "Resets the energy counter", Outputs: []paramDef{{ID: "TotalEnergy", Name: "Total energy", Type: typeDouble, Max: 1e9, Step: 0.01, Unit: "kWh"}}},
				{ID: "setRelay", Name: "Set relay", Desc: "Opens or closes the relay", Inputs: []paramDef{{ID: "state", Name: "State", Type: typeBool, Max: 1, Step: 1}}},
			},
			Events: []eventDef{
				{ID: "OverCurrent", Name: "Over current", Type: "alert", Outputs: []paramDef{{ID: "Current", Name: "Current", Type: typeDouble, Max: 100, Step: 0.01, Unit: "A"}}, Prop: "Current", Threshold: 40, Above: true},
			},
		},
		{
			Key: KeyDoor, Name: "DoorSensor", DriverName: "ZigbeeContact", DriverID: "5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e",
			Props: []propDef{
				{ID: "ContactState", Name: "Contact", Type: typeBool, Access: "r", Min: 0, Max: 1, Step: 1, Drift: driftToggle, Every: 7},
				{ID: "Tamper", Name: "Tamper", Type: typeBool, Access: "r", Min: 0, Max: 1, Step: 1, Default: 0},
				{ID: "BatteryLevel", Name: "Battery level", Type: typeInt, Access: "r", Min: 0, Max: 100, Step: 1, Unit: "%", UnitName: "percent", Drift: driftDecay, Mid: 70, Amp: 2, Every: 60},
			},
			Services: []serviceDef{
				{ID: "selfTest", Name: "Self test", Desc: "Runs the sensor's self test", Outputs: []paramDef{{ID: "result", Name: "Result", Type: typeText}}},
			},
			Events: []eventDef{
				{ID: "DoorOpened", Name: "Door opened", Type: "info", Outputs: []paramDef{{ID: "ContactState", Name: "Contact", Type: typeBool, Max: 1, Step: 1}}, Prop: "ContactState", Threshold: 0.5, Above: true},
			},
		},
	}
}

func catalogDevices() []deviceDef {
	return []deviceDef{
		{Product: KeyLight, Name: "Light01", Tags: map[string]string{"Name": "LightSensor", "Room": "Lobby", "Floor": "1"}, Status: "Online"},
		{Product: KeyLight, Name: "Light02", Tags: map[string]string{"Room": "Office", "Floor": "2"}, Status: "Online"},
		{Product: KeyLight, Name: "Light03", Tags: map[string]string{"Room": "Warehouse", "Floor": "1"}, Status: "Online"},
		{Product: KeyLight, Name: "Light04", NickName: "lab lamp (faulty)", Tags: map[string]string{"Room": "Lab", "Floor": "3"}, Status: "Online", FailAll: true},
		{Product: KeyLight, Name: "Light05", Status: "Online"},
		{Product: KeySensor, Name: "THSensor01", Tags: map[string]string{"Room": "Lobby", "Floor": "1"}, Status: "Online"},
		{Product: KeySensor, Name: "THSensor02", Tags: map[string]string{"Room": "Office", "Floor": "2"}, Status: "Online"},
		{Product: KeySensor, Name: "THSensor03", Tags: map[string]string{"Room": "ColdRoom", "Zone": "Freezer"}, Status: "Online"},
		{Product: KeySensor, Name: "THSensor04", NickName: "roof sensor", Tags: map[string]string{"Room": "Roof"}, Status: "Offline"},
		{Product: KeyMeter, Name: "PowerMeter01", Tags: map[string]string{"Line": "Main"}, Status: "Online"},
		{Product: KeyMeter, Name: "PowerMeter02", Tags: map[string]string{"Line": "HVAC"}, Status: "flapping"},
		{Product: KeyMeter, Name: "PowerMeter03", Tags: map[string]string{"Line": "Lighting"}, Status: "Online"},
		{Product: KeyDoor, Name: "Door01", Tags: map[string]string{"Room": "Lobby"}, Status: "Online"},
		{Product: KeyDoor, Name: "Door02", Tags: map[string]string{"Room": "Warehouse"}, Status: "Inactivated"},
	}
}
