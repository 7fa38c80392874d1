package edgesim

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// accessLog writes one nginx-style line per request to Options.AccessLog.
type accessLog struct {
	mu  sync.Mutex
	out io.Writer
}

// logWriter records the status and size of a reply for the access log.
// Unwrap lets http.ResponseController reach the real writer's Flush and
// Hijack.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *logWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap returns the wrapped writer.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged serves r through next and logs it, also when the handler aborts
// the connection (status 0: no reply sent).
func (l *accessLog) logged(w http.ResponseWriter, r *http.Request, now time.Time, next func(http.ResponseWriter)) {
	lw := &logWriter{ResponseWriter: w}
	defer func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		fmt.Fprintf(l.out, "%s - - [%s] %q %d %d\n", hostOf(r.RemoteAddr),
			now.Format("02/Jan/2006:15:04:05 -0700"), r.Method+" "+r.URL.RequestURI()+" "+r.Proto, lw.status, lw.bytes)
	}()
	next(lw)
}
