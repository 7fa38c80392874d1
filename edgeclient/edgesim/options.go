package edgesim

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Options configures a simulated gateway. The zero value is usable: every
// field has a default, listed on the field.
type Options struct {
	// Listen is the TCP address to listen on; default "127.0.0.1:0" (a free
	// loopback port). A real gateway listens on port 9999.
	Listen string
	// Seed makes the simulated state deterministic: property drift, random
	// service failures, fault rates. 0 is a valid seed.
	Seed int64
	// Users are the console users; default DefaultUsers().
	Users []User
	// CookieMaxAge is the lifetime of an auth cookie; default 3600s, as on a
	// real gateway. Demos use a short one so that 401 on expiry is seen.
	CookieMaxAge time.Duration
	// ConnLimit is the number of open connections one client IP may hold;
	// a request on a connection beyond it gets 421. Default 32; negative
	// means no limit.
	ConnLimit int
	// Heartbeat is the interval of Watch heartbeat lines; default 5s.
	Heartbeat time.Duration
	// WatchInterval is how often a Watch stream looks for new events and
	// property changes; default 1s.
	WatchInterval time.Duration
	// MaxWatchers bounds the open Watch streams; one more gets 503.
	// Default 64.
	MaxWatchers int
	// MaxTokens bounds the auth-cookie table; when it is full of live
	// tokens the one closest to expiry is dropped. Default 4096.
	MaxTokens int
	// MaintenanceEvery and MaintenanceFor schedule periodic maintenance
	// windows (503): every MaintenanceEvery after start, for MaintenanceFor.
	// Both 0 (the default): no scheduled window.
	MaintenanceEvery time.Duration
	MaintenanceFor   time.Duration
	// FunctionErrorStatus is the HTTP status of an InvokeFunction reply
	// that carries X-Fc-Error-Type; default 200 (as cloud Function Compute).
	FunctionErrorStatus int
	// Faults are injected from the start; more can be added at run time
	// through Server.Faults or the admin endpoint.
	Faults []FaultRule
	// AccessLog, when set, gets one nginx-style line per request (status 0:
	// the connection was dropped without a reply).
	AccessLog io.Writer
	// Now is the clock; default time.Now. Tests pass a fake clock: cookie
	// expiry, maintenance windows, timed faults, timestamps and property
	// drift all read it.
	Now func() time.Time
}

// withDefaults returns o with every unset field at its default.
func (o Options) withDefaults() Options {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Users == nil {
		o.Users = DefaultUsers()
	}
	if o.CookieMaxAge <= 0 {
		o.CookieMaxAge = time.Hour
	}
	if o.ConnLimit == 0 {
		o.ConnLimit = 32
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 5 * time.Second
	}
	if o.WatchInterval <= 0 {
		o.WatchInterval = time.Second
	}
	if o.MaxWatchers <= 0 {
		o.MaxWatchers = 64
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 4096
	}
	if o.FunctionErrorStatus == 0 {
		o.FunctionErrorStatus = 200
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// User is a console user of the gateway.
type User struct {
	Name     string
	Password string
	// Deny lists the operations (names as in Operations) this user gets
	// 403 on. BulkActions with SetProperties or CallServices also needs
	// SetThingProperties or CallThingServices respectively.
	Deny []string
	// Allowed, when set, decides instead of Deny.
	Allowed func(op string) bool
}

// allows reports whether the user may call op.
func (u User) allows(op string) bool {
	if u.Allowed != nil {
		return u.Allowed(op)
	}
	return !slices.Contains(u.Deny, op)
}

// WriteOperations are the operations that change state; the default
// viewer user gets 403 on them.
var WriteOperations = []string{
	"SetThingProperties", "CallThingServices", "InvokeFunction",
	"EnableScene", "DisableScene",
}

// Operations lists every operation name the simulator knows, as used by
// User.Deny, FaultRule.Op and the Record's Operation.
var Operations = []string{
	"CreateAuthCookie", "DeleteAuthCookie", "ListThings", "SearchThings",
	"GetThingProperties", "SetThingProperties", "CallThingServices",
	"BulkActions.GetProperties", "BulkActions.SetProperties",
	"BulkActions.CallServices", "BulkActions.Watch", "GetTSL",
	"InvokeFunction", "ListScenes", "EnableScene", "DisableScene",
}

// DefaultUsers returns admin/admin1234, who may call every API, and
// viewer/viewer1234, who gets 403 on every operation that changes state.
func DefaultUsers() []User {
	return []User{
		{Name: "admin", Password: "admin1234"},
		{Name: "viewer", Password: "viewer1234", Deny: slices.Clone(WriteOperations)},
	}
}

// ParseUser parses a `--user` flag value: "name:password" or
// "name:password:Op1+Op2" where the third part lists denied operations
// (separated by '+', '|' or ',').
func ParseUser(spec string) (User, error) {
	parts := strings.SplitN(spec, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return User{}, fmt.Errorf("user %q: want name:password[:DeniedOp+DeniedOp]", spec)
	}
	u := User{Name: parts[0], Password: parts[1]}
	if len(parts) == 3 && parts[2] != "" {
		for _, op := range strings.FieldsFunc(parts[2], func(r rune) bool { return r == '+' || r == '|' || r == ',' }) {
			if !slices.Contains(Operations, op) {
				return User{}, fmt.Errorf("user %q: unknown operation %q", spec, op)
			}
			u.Deny = append(u.Deny, op)
		}
	}
	return u, nil
}
