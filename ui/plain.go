package ui

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"edgetop/model"
)

// RunPlain is the dashboard without the TUI (--plain, or stdout not a
// terminal): it drives the same workload and prints one line per exchange
// to w (time, method, operation, device, code, message, latency),
// sanitised like the screen, coloured only when w is a terminal and
// neither deps.NoColor nor NO_COLOR says otherwise. It returns when ctx ends or deps.Duration has
// passed, after deleting the cookie (Client.Close).
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
	pctx, stopPrinting := context.WithCancel(ctx)
	defer stopPrinting()
	done := make(chan struct{})
	var werr error
	if d.Client != nil {
		go func() {
			defer close(done)
			if werr = runPlainWorkload(wctx, d); werr != nil {
				stopPrinting() // e.g. login refused: print what came, then stop
			}
		}()
	} else {
		close(done)
	}
	// A reader that goes away (`| head`) must end the session cleanly, the
	// cookie deleted, rather than kill the process with SIGPIPE: with the
	// signal noted, a write to the closed pipe fails with EPIPE instead.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	err := printRecords(pctx, d, theme, w)
	if errors.Is(err, syscall.EPIPE) {
		err = nil
	}
	stop()
	<-done
	err = errors.Join(err, werr)
	cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return errors.Join(err, d.closeClients(cctx))
}

// printRecords writes a line per record until ctx ends, flushing after
// each batch that the channel had ready.
func printRecords(ctx context.Context, d Deps, t *Theme, w io.Writer) error {
	if d.Observer == nil {
		<-ctx.Done()
		return nil
	}
	bw := bufio.NewWriter(w)
	ch := d.Observer.C()
	for {
		select {
		case <-ctx.Done():
			// Print what is already buffered: the records that explain why
			// the session ended come last.
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
	b.WriteString(fit(Sanitize(r.Method), 6) + " ")
	b.WriteString(fit(Sanitize(r.Operation), 25) + " ")
	b.WriteString(fit(Sanitize(dev), 24) + " ")
	status := ClassGlyph(r.Class()) + " " + code + " " + Sanitize(rowMessage(r, cat))
	b.WriteString(t.Class[r.Class()].Render(status))
	b.WriteString(" " + t.Muted.Render(fmtLatency(r.Duration)))
	if r.Action.Kind != model.ActionNone {
		b.WriteString(t.Muted.Render(" [" + Sanitize(string(r.Action.Kind)) + "]"))
	}
	return b.String()
}

// runPlainWorkload is the workload loop of plain mode: the same plan, calls
// and demo steps as the TUI, run one after another.
func runPlainWorkload(ctx context.Context, d Deps) error {
	w := newWorkload(d)
	watchEnded := make(chan struct{}, 1)
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
				go func() {
					s.run()
					watchEnded <- struct{}{}
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
