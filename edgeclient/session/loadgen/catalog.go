package loadgen

import "edgetop/model"

// What the generated gateways hold, modelled on the simulator
// (edgeclient/edgesim): its four products and fourteen devices, plus six
// more so that about twenty devices share the polling.

// propKind is how a property's value is written in JSON.
type propKind uint8

const (
	propBool propKind = iota // 0 or 1, as the edge API sends booleans
	propInt
	propDec  // a number with up to dec decimals
	propText // one of texts
)

// prop is one TSL property. Its values lie in lo..hi, in units of
// 10^-dec for a propDec.
type prop struct {
	id     string
	kind   propKind
	lo, hi int64
	dec    int
	texts  []string
	unit   string
	rw     bool
}

// service is one TSL service: arg is its input (nil: none; required when
// set), out its output property (nil: Returns.Data is []).
type service struct {
	name string
	arg  *prop
	out  *prop
}

// product is a device type: its properties in TSL order, its services.
type product struct {
	key, name, driver, driverID string
	props                       []prop
	services                    []service
	// query is GetThingProperties' query naming every property, as the
	// client sends it (identifiers repeated, TSL order); sorted is the
	// properties' order in a body (by identifier). Both are set by init.
	query  string
	sorted []int
}

// device is one device; offline ones answer reads and writes with 500
// Service.NotExist, the faulty one fails every service call.
type device struct {
	prod    *product
	name    string
	status  string // Online, Offline, Inactivated: ListThings' Status
	faulty  bool
	tagRoom string
}

var (
	colors     = []string{"white", "warm", "red", "green", "blue", "amber"}
	selfTests  = []string{"ok", "ok", "ok", "weak signal"}
	lightProps = []prop{
		{id: "LightSwitch", kind: propBool, hi: 1, rw: true},
		{id: "Brightness", kind: propInt, hi: 100, unit: "%", rw: true},
		{id: "ColorTemperature", kind: propInt, lo: 2700, hi: 6500, unit: "K", rw: true},
		{id: "Color", kind: propText, texts: colors, rw: true},
		{id: "MeasuredIlluminance", kind: propDec, lo: 4000, hi: 56000, dec: 2, unit: "Lux"},
	}
	sensorProps = []prop{
		{id: "CurrentTemperature", kind: propDec, lo: 160, hi: 320, dec: 1, unit: "°C"},
		{id: "CurrentHumidity", kind: propDec, lo: 400, hi: 700, dec: 1, unit: "%RH"},
		{id: "BatteryLevel", kind: propInt, lo: 20, hi: 100, unit: "%"},
		{id: "ReportInterval", kind: propInt, lo: 5, hi: 60, unit: "s", rw: true},
	}
	meterProps = []prop{
		{id: "Voltage", kind: propDec, lo: 2240, hi: 2360, dec: 1, unit: "V"},
		{id: "Current", kind: propDec, lo: 50, hi: 4500, dec: 2, unit: "A"},
		{id: "ActivePower", kind: propDec, lo: 10000, hi: 100000, dec: 1, unit: "W"},
		{id: "TotalEnergy", kind: propDec, lo: 120000, hi: 130000, dec: 2, unit: "kWh"},
		{id: "RelayState", kind: propBool, hi: 1, rw: true},
	}
	doorProps = []prop{
		{id: "ContactState", kind: propBool, hi: 1},
		{id: "Tamper", kind: propBool, hi: 1},
		{id: "BatteryLevel", kind: propInt, lo: 20, hi: 100, unit: "%"},
	}
	products = []*product{
		{
			key: "a1LgtQx7n42", name: "SmartLight", driver: "LightSensor", driverID: "e0bb1b48964e4519b4a52f9b7c1d1dd3",
			props: lightProps, services: []service{
				{name: "toggle", out: &lightProps[0]},
				{name: "setColor", arg: &prop{id: "color", kind: propText, texts: colors}},
			},
		},
		{
			key: "a1THsR2kM9p", name: "TempHumiditySensor", driver: "ModbusTH", driverID: "3f9a6c2d1b8e4f70a5d6c7b8e9f01234",
			props: sensorProps, services: []service{
				{name: "calibrate", arg: &prop{id: "offset", kind: propDec, lo: -50, hi: 50, dec: 1}},
			},
		},
		{
			key: "a1PwMt8vB3c", name: "PowerMeter", driver: "DLT645Meter", driverID: "9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5",
			props: meterProps, services: []service{
				{name: "resetEnergy", out: &prop{id: "TotalEnergy", kind: propInt}},
				{name: "setRelay", arg: &prop{id: "state", kind: propBool, hi: 1}},
			},
		},
		{
			key: "a1DrSn5wE1z", name: "DoorSensor", driver: "ZigbeeContact", driverID: "5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e",
			props: doorProps, services: []service{
				{name: "selfTest", out: &prop{id: "result", kind: propText, texts: selfTests}},
			},
		},
	}
	devices = []device{
		{prod: products[0], name: "Light01", status: "Online", tagRoom: "Lobby"},
		{prod: products[0], name: "Light02", status: "Online", tagRoom: "Office"},
		{prod: products[0], name: "Light03", status: "Online", tagRoom: "Warehouse"},
		{prod: products[0], name: "Light04", status: "Online", tagRoom: "Lab", faulty: true},
		{prod: products[0], name: "Light05", status: "Online"},
		{prod: products[0], name: "Light06", status: "Online", tagRoom: "Canteen"},
		{prod: products[1], name: "THSensor01", status: "Online", tagRoom: "Lobby"},
		{prod: products[1], name: "THSensor02", status: "Online", tagRoom: "Office"},
		{prod: products[1], name: "THSensor03", status: "Online", tagRoom: "ColdRoom"},
		{prod: products[1], name: "THSensor04", status: "Offline", tagRoom: "Roof"},
		{prod: products[1], name: "THSensor05", status: "Online", tagRoom: "ServerRoom"},
		{prod: products[2], name: "PowerMeter01", status: "Online"},
		{prod: products[2], name: "PowerMeter02", status: "Online"},
		{prod: products[2], name: "PowerMeter03", status: "Online"},
		{prod: products[2], name: "PowerMeter04", status: "Online"},
		{prod: products[3], name: "Door01", status: "Online", tagRoom: "Lobby"},
		{prod: products[3], name: "Door02", status: "Inactivated", tagRoom: "Warehouse"},
		{prod: products[3], name: "Door03", status: "Online", tagRoom: "Office"},
		{prod: products[3], name: "Door04", status: "Online", tagRoom: "Lab"},
		{prod: products[3], name: "Door05", status: "Online", tagRoom: "Roof"},
	}
	// offline are the devices whose driver service does not exist;
	// writable the ones with a property SetThingProperties takes.
	offline  = []int{9, 16}
	writable = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14}
	// ghosts are device names a stale list still names: 404 NotFound.
	ghosts = []string{"Gone1", "Light99", "THSensor09"}
)

// op is an edge API operation the generator makes records of.
type op uint8

const (
	opGet    op = iota // GetThingProperties
	opSet              // SetThingProperties
	opCall             // CallThingServices
	opList             // ListThings
	opTSL              // GetTSL
	opAuth             // CreateAuthCookie
	opWatch            // BulkActions.Watch: one record when the stream ends
	opDelete           // a DELETE on the things collection: 405
)

var opNames = [...]string{
	"GetThingProperties", "SetThingProperties", "CallThingServices", "ListThings",
	"GetTSL", "CreateAuthCookie", "BulkActions.Watch", "things (DELETE)",
}

var opMethods = [...]string{"GET", "POST", "POST", "GET", "GET", "POST", "POST", "DELETE"}

// outcome is how the gateway (or the network) answers a call.
type outcome uint8

const (
	outOK           outcome = iota
	outFound                // 302 from a legacy path, followed
	outInvalid              // 400 InvalidParameter
	outMissing              // 400 MissingParameter
	outUnauthorized         // 401: the client renews the cookie and retries
	outForbidden            // 403: the viewer may not change state
	outNotFound             // 404: a device that is gone
	outMethod               // 405
	outTooMany              // 421 with Retry-After: backoff
	outThrottled            // 429 from OpenResty itself: HTML, no API Code, not retried
	outNotExist             // 500 Service.NotExist: an offline device
	outFailedReply          // 500 Message.FailedReply: a service call failed
	outSendReply            // 500 Message.SendAndReply
	outConnLost             // 500 Connection.Lost
	outDataGet              // 500 Service.Data.Get
	outInternal             // 500 InternalServerError
	outUnavailable          // 503 with Retry-After: backoff
	outTimeout              // no response: a timeout
	outReset                // no response: the connection was reset
	numOutcomes
)

// outcomeWeights are the outcomes of a fresh call, per 10,000. The
// follow-ups (a redirect's hop, a renewal, retries, mostly 2xx) come on
// top, so that every 10,000 records hold about 86% 2xx, 2% 3xx, 6% 4xx,
// 5% 5xx and 1% transport errors (TestMix prints the shares).
var outcomeWeights = [numOutcomes]int{
	outOK: 8650, outFound: 220,
	outInvalid: 160, outMissing: 70, outUnauthorized: 60, outForbidden: 70, outNotFound: 120, outMethod: 20,
	outTooMany: 70, outThrottled: 50,
	outNotExist: 130, outFailedReply: 80, outSendReply: 40, outConnLost: 30, outDataGet: 30, outInternal: 20,
	outUnavailable: 80,
	outTimeout:     55, outReset: 45,
}

// status, API Code and the code's kind of message, per outcome. The
// codes are the 2020-04-30 table's (edge-api §4.2, §4.3); 421 has none
// documented and takes the simulator's TooManyConnections.
var outcomeStatus = [numOutcomes]struct {
	status int
	code   string
}{
	outOK: {200, ""}, outFound: {302, "Found"},
	outInvalid: {400, "InvalidParameter"}, outMissing: {400, "MissingParameter"},
	outUnauthorized: {401, "Unauthorized"}, outForbidden: {403, "Forbidden"}, outNotFound: {404, "NotFound"},
	outMethod: {405, "MethodNotAllowed"}, outTooMany: {421, "TooManyConnections"}, outThrottled: {429, ""},
	outNotExist: {500, "Service.NotExist"}, outFailedReply: {500, "Message.FailedReply"},
	outSendReply: {500, "Message.SendAndReply"}, outConnLost: {500, "Connection.Lost"},
	outDataGet: {500, "Service.Data.Get"}, outInternal: {500, "InternalServerError"},
	outUnavailable: {503, "ServiceUnavailable"},
}

// transport errors as the client words them (edgeclient's errText).
var transportErrors = [numOutcomes]struct {
	kind model.ErrKind
	text string
}{
	outTimeout: {model.ErrTimeout, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"},
	outReset:   {model.ErrReset, "connection reset by peer"},
}

// Fixed texts of the records.
const (
	gateway2020   = "https://192.168.10.20:9999"
	gateway2019   = "https://192.168.10.21:9999"
	version2020   = "2020-04-30"
	version2019   = "2019-09-30"
	userAgent     = "edgetop-edgeclient/1"
	jsonType      = "application/json"
	jsonUTF8      = "application/json; charset=utf-8"
	serverName    = "openresty/1.13.6.2"
	masked        = "******"
	clientTimeout = 10e9 // the client's default per-attempt timeout, ns
	// throttledPage is OpenResty's own 429 page: not the API's JSON.
	throttledPage = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n" +
		"<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>openresty/1.13.6.2</center>\r\n</body>\r\n</html>\r\n"
)
