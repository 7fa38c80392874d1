package ui

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// RunPlain is the dashboard without the TUI (--plain, or stdout not a
// terminal): it drives the same workload and prints one line per exchange
// to w (time, method, operation, device, code, message, latency),
// sanitised like the screen, coloured only when w is a terminal and
// neither deps.NoColor nor NO_COLOR says otherwise. It returns when ctx
// ends or deps.Duration has passed, after the workload and its streams
// have stopped and the cookie is deleted (Client.Close), with a line for
// every exchange: the Watch stream's and the DeleteAuthCookie's too.
func RunPlain(ctx context.Context, deps Deps, w io.Writer) error {
	d := deps.withDefaults()
	if d.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Duration)
		defer cancel()
	}
	theme := NoColorTheme()
	if !d.NoColor && !NoColorRequested(os.Getenv) && isTerminal(w) {
		theme = NewTheme(true)
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	var werr error
	go func() {
		defer close(done)
		if d.Client != nil {
			werr = runPlainWorkload(wctx, d) // e.g. login refused: the session ends
		}
	}()
	// A reader that goes away (`| head`) must end the session cleanly, the
	// cookie deleted, rather than kill the process with SIGPIPE: with the
	// signal noted, a write to the closed pipe fails with EPIPE instead.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	finish := make(chan struct{})
	printed := make(chan error, 1)
	go func() { printed <- printRecords(finish, d, theme, w) }()
	var perr error
	select {
	case <-done:
	case <-wctx.Done():
	case perr = <-printed: // the reader went away
	}
	// The end: stop the workload and wait for its streams, delete the
	// cookie, then print what those last exchanges reported.
	stop()
	<-done
	cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cerr := d.closeClients(cctx)
	close(finish)
	if perr == nil {
		perr = <-printed
	}
	if errors.Is(perr, syscall.EPIPE) {
		perr = nil
	}
	return errors.Join(perr, werr, cerr)
}

// printRecords writes a line per record, flushing after each batch the
// channel had ready, until finish is closed; then it prints what is still
// queued and returns.
func printRecords(finish <-chan struct{}, d Deps, t *Theme, w io.Writer) error {
	if d.Observer == nil {
		<-finish
		return nil
	}
	bw := bufio.NewWriter(w)
	ch := d.Observer.C()
	for {
		select {
		case <-finish:
			for range len(ch) {
				r := <-ch
				if _, err := bw.WriteString(plainLine(&r, d.Catalog, t) + "\n"); err != nil {
					return err
				}
			}
			return bw.Flush()
		case r := <-ch:
			if _, err := bw.WriteString(plainLine(&r, d.Catalog, t) + "\n"); err != nil {
				return err
			}
			if len(ch) == 0 {
				if err := bw.Flush(); err != nil {
					return err
				}
			}
		}
	}
}

// plainLine is one exchange as a line: time, method, operation, device,
// glyph and code, message, latency (and the client's action).
func plainLine(r *model.Record, cat catalogLookup, t *Theme) string {
	code := "---"
	if r.Status != 0 {
		code = itoa(r.Status)
	}
	dev := r.Device()
	switch {
	case r.DeviceName == "" && r.ProductKey != "":
		dev = r.ProductKey
	case dev == "":
		dev = "-"
	}
	var b strings.Builder
	b.WriteString(r.Start.Format("15:04:05.000") + " ")
	b.WriteString(termtext.Fit(termtext.Sanitize(r.Method), 6) + " ")
	b.WriteString(termtext.Fit(termtext.Sanitize(r.Operation), 25) + " ")
	b.WriteString(termtext.Fit(termtext.Sanitize(dev), 24) + " ")
	status := ClassGlyph(r.Class()) + " " + code + " " + termtext.Sanitize(rowMessage(r, cat))
	b.WriteString(t.Class[r.Class()].Render(status))
	b.WriteString(" " + t.Muted.Render(fmtLatency(r.Duration)))
	if r.Action.Kind != model.ActionNone {
		b.WriteString(t.Muted.Render(" [" + termtext.Sanitize(string(r.Action.Kind)) + "]"))
	}
	return b.String()
}

// runPlainWorkload is the workload loop of plain mode: the same plan, calls
// and demo steps as the TUI, run one after another.
func runPlainWorkload(ctx context.Context, d Deps) error {
	w := newWorkload(d)
	watchEnded := make(chan struct{}, 1)
	var streams sync.WaitGroup
	defer streams.Wait() // a stream's record is reported when it ends
	for ctx.Err() == nil {
		select {
		case <-watchEnded:
			w.plan.WatchClosed()
		default:
		}
		w.learnQueued()
		now := d.Now()
		for _, st := range w.dueDemo(now) {
			st.hook(ctx, d.demoEnv(w.plan.Devices()))
		}
		c := w.plan.Next(now)
		wait := w.interval
		switch c.Kind {
		case model.CallNone:
		case model.CallWatch:
			w.watchID++
			if s, ok := newWatchStream(ctx, d.Client, w.watchID, w.plan.Devices()); ok {
				w.learned = s.learned
				streams.Add(1)
				go func() {
					defer streams.Done()
					s.run()
					select {
					case watchEnded <- struct{}{}:
					default:
					}
				}()
			}
		default:
			m, _ := callCmd(ctx, d.Client, w.gen, c)().(callDoneMsg)
			w.plan.Done(c, m.Devices, m.Err != nil)
			if text, ok := haltReason(c, m.Err); ok {
				return errors.New(text)
			}
			if m.Err != nil && (c.Kind == model.CallAuth || c.Kind == model.CallListThings) {
				w.failures++
				wait = min(w.interval<<min(w.failures, 6), 5*time.Second)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

// learnQueued gives the plan what the current watch stream has learned so
// far, without waiting (plain mode's counterpart of handlePropsLearned).
func (w *workload) learnQueued() {
	for w.learned != nil {
		select {
		case m, ok := <-w.learned:
			if !ok {
				w.learned = nil
				return
			}
			w.learn(m)
		default:
			return
		}
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
