package edgeclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"edgetop/model"
)

// WatchTarget is one device to watch; an empty list watches every device.
type WatchTarget struct {
	ProductKey string `json:"ProductKey"`
	DeviceName string `json:"DeviceName"`
	// Watches is "all" (the default when empty), "properties" or "events".
	Watches string `json:"Watches,omitempty"`
}

// WatchKind says what a WatchEvent is.
type WatchKind uint8

// The kinds of WatchEvent.
const (
	// WatchOpened: a stream (re)opened; RecordID names its exchange.
	WatchOpened WatchKind = iota + 1
	// WatchDeviceEvent: a device event, e.g. Event "propertiesChanged"
	// with Args {propId:{"time":ms,"value":v}}.
	WatchDeviceEvent
	// WatchHeartbeat: the gateway's keep-alive line.
	WatchHeartbeat
	// WatchDropped: the stream ended; the client reconnects after Delay.
	WatchDropped
	// WatchFailed: the watch ended for good (Err says why, e.g. 403); the
	// channel closes after it.
	WatchFailed
)

// String names the kind: "opened", "event", "heartbeat", "dropped", "failed".
func (k WatchKind) String() string {
	switch k {
	case WatchOpened:
		return "opened"
	case WatchDeviceEvent:
		return "event"
	case WatchHeartbeat:
		return "heartbeat"
	case WatchDropped:
		return "dropped"
	case WatchFailed:
		return "failed"
	}
	return "unknown"
}

// WatchEvent is one item of a Watch stream.
type WatchEvent struct {
	Kind       WatchKind
	ProductKey string
	DeviceName string
	Event      string
	Args       json.RawMessage
	Timestamp  Millis
	// Err is why a stream dropped or the watch failed.
	Err error
	// Delay is the wait before reconnecting (WatchDropped).
	Delay time.Duration
	// RecordID is the ID of the exchange the event belongs to.
	RecordID uint64
}

// streamEnd is how a dropped stream leaves do(): the record gets a
// reconnect action with this delay.
type streamEnd struct {
	delay   time.Duration
	why     string
	cause   error
	recID   uint64
	attempt int
}

func (e *streamEnd) Error() string { return "watch stream ended: " + e.why }

// dropError is a WatchDropped event's Err: why in words ("the gateway
// closed the stream", "no heartbeat within 30s", "the stream broke:
// connection reset by peer"), wrapping the cause (io.EOF, ...).
type dropError struct {
	why   string
	cause error
}

func (e *dropError) Error() string { return e.why }
func (e *dropError) Unwrap() error { return e.cause }

// errWatchIdle is why a stream that went silent was dropped.
var errWatchIdle = errors.New("no line from the gateway within the idle limit")

// maxWatchLine caps one line of a Watch stream; longer lines are skipped.
const maxWatchLine = 1 << 20

// watchBuffer is the size of the event channel.
const watchBuffer = 64

// Watch opens a BulkActions Watch stream and delivers its events on the
// returned channel. It reconnects with backoff whenever the stream drops or
// a connection attempt fails (503, 421, network errors), renews the cookie
// on 401, and gives up only on other errors (WatchFailed, e.g. 403). The
// channel is closed when ctx is cancelled or the client is closed; a slow
// reader slows the stream, it never loses events. Each connection is one
// record, reported when it ends.
func (c *Client) Watch(ctx context.Context, targets []WatchTarget) (<-chan WatchEvent, error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	if targets == nil {
		targets = []WatchTarget{}
	}
	body, err := json.Marshal(struct {
		BulkAction string        `json:"BulkAction"`
		Things     []WatchTarget `json:"Things"`
	}{"Watch", targets})
	if err != nil {
		return nil, err
	}
	ch := make(chan WatchEvent, watchBuffer)
	wctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.life, cancel)
	go func() {
		defer close(ch)
		defer cancel()
		defer stop()
		c.watchLoop(wctx, body, ch)
	}()
	return ch, nil
}

// watchLoop connects, streams and reconnects until ctx ends.
func (c *Client) watchLoop(ctx context.Context, body []byte, ch chan<- WatchEvent) {
	var parent uint64
	attempt, drops := 1, 0
	for ctx.Err() == nil {
		rq := &request{
			op: OpBulkWatch, method: http.MethodPost, path: c.path("/things/bulk"), body: body,
			auth: authCookie, stream: true, endless: true, parent: parent, attempt: attempt,
		}
		err := c.do(ctx, rq, func(h *hop) error { return c.readStream(ctx, h, ch, &drops) })
		var se *streamEnd
		switch {
		case errors.As(err, &se):
			drop := &dropError{why: se.why, cause: se.cause}
			if !sendEvent(ctx, ch, WatchEvent{Kind: WatchDropped, Err: drop, Delay: se.delay, RecordID: se.recID}) ||
				sleepCtx(ctx, se.delay) != nil {
				return
			}
			parent, attempt = se.recID, se.attempt+1
		case err != nil && ctx.Err() == nil:
			sendEvent(ctx, ch, WatchEvent{Kind: WatchFailed, Err: err})
			return
		default:
			return
		}
	}
}

// sendEvent delivers ev unless ctx ends first.
func sendEvent(ctx context.Context, ch chan<- WatchEvent, ev WatchEvent) bool {
	select {
	case ch <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

// readStream reads a 200 Watch stream line by line until it ends. It
// returns nil when ctx ended (a clean close) and *streamEnd when the gateway
// dropped the stream or it went idle.
func (c *Client) readStream(ctx context.Context, h *hop, ch chan<- WatchEvent, drops *int) error {
	var idled atomic.Bool
	idle := time.AfterFunc(c.cfg.WatchIdle, func() { idled.Store(true); h.cancel(errWatchIdle) })
	defer idle.Stop()
	id := h.rec.ID
	if !sendEvent(ctx, ch, WatchEvent{Kind: WatchOpened, RecordID: id}) {
		return nil
	}
	br := bufio.NewReaderSize(h.resp.Body, 4096)
	var preview []byte
	var n int64
	lines := 0
	var err error
	for err == nil {
		var line []byte
		line, err = readLine(br)
		n += int64(len(line))
		if room := model.BodyPreviewMax + previewMargin - len(preview); room > 0 {
			preview = append(preview, line[:min(room, len(line))]...)
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && len(line) <= maxWatchLine {
			lines++
			if ev, ok := parseWatchLine(t); ok {
				ev.RecordID = id
				// A slow reader is not an idle gateway: the idle clock
				// stops while the event waits on the channel.
				idle.Stop()
				if !sendEvent(ctx, ch, ev) {
					break
				}
			}
			idle.Reset(c.cfg.WatchIdle)
		}
	}
	h.rec.BytesIn = n
	c.fillBody(&h.rec.ResponseBody, preview, n)
	h.rec.Duration = time.Since(h.rec.Start)
	if ctx.Err() != nil {
		h.rec.Action.Detail = "stream closed by the client"
		return nil
	}
	return c.streamEnded(h, err, lines > 0, drops, idled.Load())
}

// healthyStream is how long a stream must have run, delivering lines, for
// its end to restart the reconnect backoff: a gateway that accepts the
// stream, sends a line and hangs up makes the backoff grow, not spin.
const healthyStream = 10 * time.Second

// streamEnded says how a stream the client did not close ended: a reconnect
// delay (reset after a healthy stream) and why.
func (c *Client) streamEnded(h *hop, err error, delivered bool, drops *int, idled bool) *streamEnd {
	if delivered && h.rec.Duration >= healthyStream {
		*drops = 0
	}
	se := &streamEnd{delay: streamDelay(&c.cfg.Retry, *drops), cause: err, why: "the gateway closed the stream"}
	*drops++
	switch {
	case idled:
		se.cause, se.why = errWatchIdle, "no heartbeat within "+c.cfg.WatchIdle.String()
		h.rec.Err = &model.TransportError{Kind: model.ErrTimeout, Text: errWatchIdle.Error()}
	case errors.Is(err, io.EOF):
		se.cause = io.EOF
	default:
		h.rec.Err = &model.TransportError{Kind: classify(err, nil), Text: c.sec.mask(errText(err))}
		se.why = "the stream broke: " + h.rec.Err.Text
	}
	return se
}

// readLine reads one line; a line over maxWatchLine is consumed and
// returned truncated past the cap.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	buf := append([]byte(nil), line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = br.ReadSlice('\n')
		if len(buf) <= maxWatchLine {
			buf = append(buf, line...)
		}
	}
	return buf, err
}

// parseWatchLine decodes one stream line of either version.
func parseWatchLine(b []byte) (WatchEvent, bool) {
	var l struct {
		Code    flexCode `json:"Code"`
		Message string   `json:"Message"`
		Data    struct {
			ProductKey string          `json:"ProductKey"`
			DeviceName string          `json:"DeviceName"`
			Event      string          `json:"Event"`
			Args       json.RawMessage `json:"Args"`
			Timestamp  Millis          `json:"Timestamp"`
		} `json:"Data"`
	}
	if json.Unmarshal(b, &l) != nil {
		return WatchEvent{}, false
	}
	ev := WatchEvent{
		Kind: WatchDeviceEvent, ProductKey: l.Data.ProductKey, DeviceName: l.Data.DeviceName,
		Event: l.Data.Event, Args: l.Data.Args, Timestamp: l.Data.Timestamp,
	}
	if strings.EqualFold(l.Message, "heartbeat") || strings.EqualFold(l.Message, "heartbeats") {
		ev.Kind = WatchHeartbeat
	}
	return ev, true
}
