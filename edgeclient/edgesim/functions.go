package edgesim

import (
	"encoding/json"
	"regexp"
)

// arnPattern is the documented InvokeFunction ARN check, verbatim.
var arnPattern = regexp.MustCompile(`(^acs:fc:([a-z]{2}-[a-z]+(-\d)?)?:(\d{16})?:)?service:([a-zA-Z][\w-]{0,127}):function:([a-zA-Z][\w-]{0,127})$`)

// function is a simulated Function Compute function on the gateway.
type function struct {
	// deployed false: the function is configured but not running, 500
	// Service.NotExist.
	deployed bool
	// run returns content type and body, or an error type and message.
	run func(payload []byte) (ctype string, body []byte, errType, errMsg string)
}

// Function ARNs of the simulated gateway (partial form; the full
// acs:fc:<region>:<account>:service:...:function:... form works too).
const (
	FuncHello     = "service:helloworld:function:helloworld" // 200 text/plain "Hello World"
	FuncEcho      = "service:demo:function:echo"             // echoes the payload
	FuncPage      = "service:demo:function:page"             // 200 text/html "HelloWorld"
	FuncHandled   = "service:demo:function:divide"           // X-Fc-Error-Type: Handled
	FuncUnhandled = "service:demo:function:slow"             // X-Fc-Error-Type: Unhandled (timeout)
	FuncUndeploy  = "service:reports:function:daily"         // 500 Service.NotExist
)

func catalogFunctions() map[string]function {
	text := "text/plain; charset=UTF-8"
	return map[string]function{
		"helloworld/helloworld": {true, func([]byte) (string, []byte, string, string) {
			return text, []byte("Hello World"), "", ""
		}},
		"demo/echo": {true, func(p []byte) (string, []byte, string, string) {
			if len(p) > 0 && json.Valid(p) {
				return jsonType, p, "", ""
			}
			return text, p, "", ""
		}},
		"demo/page": {true, func([]byte) (string, []byte, string, string) {
			return "text/html; charset=UTF-8", []byte("HelloWorld"), "", ""
		}},
		"demo/divide": {true, func([]byte) (string, []byte, string, string) {
			return "", nil, "Handled", "ZeroDivisionError: division by zero"
		}},
		"demo/slow": {true, func([]byte) (string, []byte, string, string) {
			return "", nil, "Unhandled", "Function timed out after 3 seconds"
		}},
		"reports/daily": {deployed: false},
	}
}

// fcError is the body of a function error.
type fcError struct {
	Message    string `json:"Message"`
	StackTrace []any  `json:"StackTrace"`
}

// invokeFunction is InvokeFunction: the body is the payload, the reply is
// the function's own content type and body.
func (s *Server) invokeFunction(c *call) {
	arn := c.params["fn"]
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		c.fail(400, "InvalidParameter", "function ARN "+arn+" does not match the ARN pattern")
		return
	}
	name := m[5] + "/" + m[6]
	fn, ok := s.functions[name]
	if !ok {
		c.fail(404, "NotFound", "function "+m[6]+" of service "+m[5]+" not found")
		return
	}
	if !fn.deployed {
		c.fail(500, "Service.NotExist", "function "+m[6]+" of service "+m[5]+" is not deployed: its FC runtime service does not exist")
		return
	}
	ctype, body, errType, errMsg := fn.run(c.body)
	if errType != "" {
		c.w.Header().Set("X-Fc-Error-Type", errType)
		c.write(s.opts.FunctionErrorStatus, jsonType, marshal(fcError{Message: errMsg, StackTrace: []any{}}))
		return
	}
	c.write(200, ctype, body)
}
