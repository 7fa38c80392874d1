package edgeclient

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
)

func TestErrText(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 9999}
	local := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 9), Port: 51234}
	tests := []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Post", URL: "https://10.0.0.5:9999/x", Err: &net.OpError{
			Op: "read", Net: "tcp", Source: local, Addr: addr, Err: os.NewSyscallError("read", syscall.ECONNRESET),
		}}, "connection reset by peer"},
		{&url.Error{Op: "Get", URL: "https://10.0.0.5:9999/x", Err: &net.OpError{
			Op: "dial", Net: "tcp", Addr: addr, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED),
		}}, "connection refused (dialling 10.0.0.5:9999)"},
		{&url.Error{Op: "Get", URL: "https://10.0.0.5:9999/x", Err: io.ErrUnexpectedEOF}, "unexpected EOF"},
		{fmt.Errorf("%w after 12 bytes: %v", errBodyEnded, io.ErrUnexpectedEOF), errBodyEnded.Error() + " after 12 bytes: unexpected EOF"},
	}
	for _, tt := range tests {
		if got := errText(tt.err); got != tt.want {
			t.Errorf("errText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
