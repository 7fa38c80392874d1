package model

// Class is the class of an HTTP status, plus ClassNet for exchanges that got
// no usable HTTP response (refused, reset, TLS failure, timeout, or a
// success status whose body was truncated or malformed: Record.Class).
type Class uint8

// The classes, in display order.
const (
	ClassNet Class = iota // no HTTP status: transport error
	Class1xx
	Class2xx
	Class3xx
	Class4xx
	Class5xx
	numClasses
)

// Classes lists every class in display order (2xx first, transport last).
var Classes = [...]Class{Class2xx, Class3xx, Class4xx, Class5xx, ClassNet, Class1xx}

// ClassOf returns the class of an HTTP status; 0 or anything outside
// 100..599 is ClassNet.
func ClassOf(status int) Class {
	switch {
	case status >= 100 && status < 200:
		return Class1xx
	case status >= 200 && status < 300:
		return Class2xx
	case status >= 300 && status < 400:
		return Class3xx
	case status >= 400 && status < 500:
		return Class4xx
	case status >= 500 && status < 600:
		return Class5xx
	default:
		return ClassNet
	}
}

// String names the class the way the screen does: "2xx" ... "net".
func (c Class) String() string {
	switch c {
	case Class1xx:
		return "1xx"
	case Class2xx:
		return "2xx"
	case Class3xx:
		return "3xx"
	case Class4xx:
		return "4xx"
	case Class5xx:
		return "5xx"
	default:
		return "net"
	}
}

// Title is a short human phrase for the class.
func (c Class) Title() string {
	switch c {
	case Class1xx:
		return "informational"
	case Class2xx:
		return "success"
	case Class3xx:
		return "redirection"
	case Class4xx:
		return "client error"
	case Class5xx:
		return "server error"
	default:
		return "transport error (no usable HTTP response)"
	}
}

// IsError reports whether the class counts toward the error rate
// (4xx, 5xx and transport errors).
func (c Class) IsError() bool { return c == Class4xx || c == Class5xx || c == ClassNet }

// ClassSet is a set of classes as a bit mask; the zero value is empty.
type ClassSet uint8

// AllClasses is the set holding every class.
const AllClasses ClassSet = 1<<numClasses - 1

// ErrorClasses is the set of the failing classes: 4xx, 5xx and transport
// errors (Class.IsError).
const ErrorClasses ClassSet = 1<<Class4xx | 1<<Class5xx | 1<<ClassNet

// Has reports whether c is in the set.
func (s ClassSet) Has(c Class) bool { return s&(1<<c) != 0 }

// With returns the set with c added.
func (s ClassSet) With(c Class) ClassSet { return s | 1<<c }

// Without returns the set with c removed.
func (s ClassSet) Without(c Class) ClassSet { return s &^ (1 << c) }

// Toggle returns the set with c flipped.
func (s ClassSet) Toggle(c Class) ClassSet { return s ^ (1 << c) }
