// Package edgesim is a simulated Link IoT Edge gateway: the edge HTTP API
// of both versions (2019-09-30 and 2020-04-30) over HTTPS, behaving as
// edge-api.md describes a real gateway, so that the curl commands of the
// API's documentation work against it unchanged but for host and port.
// It is edgetop's embedded default (run with no gateway given) and the
// fixture of every client and dashboard test.
//
//	s, err := edgesim.New(edgesim.Options{Seed: 1})
//	defer s.Close()
//	resp, err := s.Client().Get(s.URL + "/2020-04-30/things") // 401: log in first
//
// # Transport
//
// HTTPS (HTTP/1.1 only, like OpenResty) with a self-signed ECDSA P-256
// certificate generated at start, subject
// /C=CN/ST=Zhejiang/L=Hangzhou/O=Link IoT Edge/OU=Link IoT Edge/CN=Link IoT Edge,
// valid for 127.0.0.1, ::1 and localhost (CertPEM, CertPool, Fingerprint,
// Client). Replies carry Server: openresty/1.13.6.2, Content-Type:
// application/json; charset=utf-8, Connection: keep-alive and are chunked.
// Slashes in the path are merged (the docs' `//2020-04-30/things/bulk`
// works), the body is parsed as JSON whatever its Content-Type, the Cookie
// header may repeat the Set-Cookie attributes, and query keys match
// case-insensitively. Empty results are [].
//
// # Inventory
//
// Four products with TSLs (SmartLight KeyLight, TempHumiditySensor
// KeySensor, PowerMeter KeyMeter, DoorSensor KeyDoor) and fourteen devices
// with tags; Devices lists them. Property values drift with time as a pure
// function of (Seed, device, property, Now), so a fixed clock and seed give
// fixed bodies. Writable properties keep what is set; services change
// state (toggle, setColor, setRelay, resetEnergy, calibrate). Functions:
// the Func* constants. Scenes: the Scene* constants.
//
// # Users
//
// admin/admin1234 may call everything; viewer/viewer1234 gets 403 on
// WriteOperations (and on BulkActions SetProperties/CallServices). Cookies
// are 64-hex tokens, `token=<hex>; Max-Age=3600; Path=/` by default
// (Options.CookieMaxAge); an unknown or expired token is 401.
//
// # Demo hooks: every status code by a real cause
//
//   - 200, 201: any successful call; CreateAuthCookie is 201.
//   - 302: a non-canonical spelling of a known path redirects to the
//     canonical one, query kept: a trailing slash (GET /2020-04-30/things/),
//     a path without version (GET /things goes to /2020-04-30/things), a
//     singular or capitalised collection (GET
//     /2020-04-30/thing/a1LgtQx7n42/Light01/properties?identifiers=LightSwitch),
//     the legacy /2020-04-30/auth/cookie. Use GET paths for demos: many
//     HTTP clients (Go's net/http, curl -L, browsers) turn a POST
//     redirected by 302 into a GET, which then gets 405; edgeclient keeps
//     the method and body on every redirect but 303.
//   - 400: malformed JSON, a missing parameter (GetThingProperties without
//     identifiers: MissingParameter), over 100 identifiers, an unknown
//     property, a read-only property (SetThingProperties
//     {"Properties":{"MeasuredIlluminance":1}}), a CallThingServices whose
//     Args are not an object or lack a service input (setColor without
//     color: MissingParameter), an unknown BulkAction
//     (InvalidParameter), an ARN that fails the pattern.
//   - 401: no cookie, a wrong one, or an expired one. Run with a short
//     Options.CookieMaxAge (e.g. 20s) to see expiry within a minute, or
//     expire every cookie now: ExpireCookies, DELETE /__edgesim/cookies.
//   - 403: log in as viewer/viewer1234 and call SetThingProperties,
//     CallThingServices, InvokeFunction, EnableScene or DisableScene.
//   - 404: an unknown device (things/a1LgtQx7n42/Light99/properties),
//     product, scene, function (service:demo:function:nope), or path.
//   - 405: a wrong method on a known path (DELETE /2020-04-30/things); the
//     reply has Allow.
//   - 421: more open connections from one client IP than Options.ConnLimit
//     (default 32; SetConnLimit or POST /__edgesim/connlimit at run time):
//     a burst of parallel requests on fresh connections exceeds a small
//     limit (e.g. 4). The 421 reply has Connection: close.
//   - 500, real upstream failures: Light04 (KeyLight) fails every service
//     call but get with Message.FailedReply (and emits LampFault on Watch);
//     THSensor04 (offline) and Door02 (inactivated) answer reads, writes and
//     calls with Service.NotExist; PowerMeter02 flaps, offline 20 s of every
//     minute; calibrate on a TempHumiditySensor fails 20% of the time;
//     FuncUndeploy is not deployed (Service.NotExist); EnableScene of
//     SceneBroken fails with Message.FailedReply. A CallThingServices whose
//     every service failed is 500; with one success it is 200 and the
//     failures are in Returns (as BulkActions always does).
//   - 503: Options.MaintenanceEvery/MaintenanceFor (e.g. 60s/5s) schedule
//     windows from start; Faults().Maintenance(d) or POST
//     /__edgesim/maintenance {"For":"10s"} starts one now. Replies carry
//     Retry-After. One more Watch stream than Options.MaxWatchers is 503
//     too.
//
// # Faults
//
// On top of the real causes, FaultRule injects per operation (and device, rate or
// timed script) a status code, latency and jitter, a stall, a connection
// reset, a truncated body or malformed JSON. Rules come from
// Options.Faults, from ParseFault spec strings (`edgetop sim --fault
// op=SetThingProperties,code=500,rate=0.2`), from Server.Faults, and from
// the admin endpoint.
//
// # Admin endpoint
//
// Under /__edgesim/ on the same listener, loopback clients only (others get
// 403), JSON in and out:
//
//	GET    /__edgesim/              status: faults, maintenance, connections, tokens, watchers, Requests received
//	GET    /__edgesim/faults        the fault rules, with how often each fired
//	POST   /__edgesim/faults        add one: {"Spec":"op=ListThings,code=500"} or a FaultRule object
//	DELETE /__edgesim/faults        clear every rule (and a manual maintenance window)
//	DELETE /__edgesim/faults/{id}   remove one rule
//	POST   /__edgesim/maintenance   start a window now: {"For":"30s"}
//	DELETE /__edgesim/maintenance   end it
//	GET    /__edgesim/connlimit     {"Limit":32,"Conns":{"127.0.0.1":3}}
//	POST   /__edgesim/connlimit     {"Limit":4}
//	DELETE /__edgesim/watchers      cut every open Watch stream (DropWatchers)
//	DELETE /__edgesim/cookies       expire every auth cookie now (ExpireCookies)
//	GET    /__edgesim/devices       Devices(), with each device's demo Role
//
// For example: curl -k -d '{"For":"20s"}' https://127.0.0.1:9999/__edgesim/maintenance
//
// Operation names (User.Deny, FaultRule.Op) are listed in Operations;
// Options.AccessLog gets an nginx-style line per request.
//
// # Load
//
// Safe for many concurrent clients: state is behind mutexes, Watch streams
// are bounded (MaxWatchers) and read a bounded event ring, the token table
// is bounded (MaxTokens) and swept, and Close ends Watch streams and
// stalled replies before it returns.
package edgesim
