// Command edgetop is a terminal dashboard for the edge HTTP API of Link IoT
// Edge gateways. This file parses the command line and wires the packages
// together; the work happens in ui, edgeclient, edgeclient/edgesim and model.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"edgetop/assets"
	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/edgeclient/session"
	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/model/failures"
	"edgetop/model/har"
	"edgetop/ui"
	"edgetop/ui/explain"
	"edgetop/ui/export"
	"edgetop/ui/password"
	"edgetop/ui/plain"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const description = `A terminal dashboard for the edge HTTP API of Link IoT Edge gateways.

Examples:
  edgetop                                   dashboard on the built-in simulated gateway
  edgetop --gateway https://10.0.0.2:9999 --user admin --ca-file ca.x509.pem
  edgetop --plain --duration 30s            one line per exchange, stop after 30s
  edgetop sim --listen 127.0.0.1:9999       the simulated gateway alone, for curl
  edgetop codes                             the edge API status table
  edgetop explain 421                       one status code, or an API error Code
  edgetop --plain --fail-on errors --duration 1m   a CI smoke check: exit 3 at the first failure
  edgetop replay --last --speed 4           the last recorded session, played back at 4x
  edgetop export --format har --last -o incident.har
  edgetop summary --last                    the last session's failures, grouped
  edgetop tour --auto                       the guided tour: every status code in turn, with captions

The dashboard's flags (--gateway, --user, TLS, --plain, --duration, ...): edgetop dash --help`

// cli is the whole command line. Flags also come from EDGETOP_* variables.
type cli struct {
	Version kong.VersionFlag `help:"Print the version and exit."`

	Dash    dashCmd    `cmd:"" default:"withargs" help:"The dashboard (default). Example: edgetop --gateway https://HOST:9999 --user admin"`
	Sim     simCmd     `cmd:"" help:"Run the simulated gateway alone. Example: edgetop sim --listen 127.0.0.1:9999"`
	Codes   codesCmd   `cmd:"" help:"Print the edge API status table and the API error Codes. Example: edgetop codes"`
	Explain explainCmd `cmd:"" help:"Explain a status code or an API error Code. Example: edgetop explain 421"`
	Replay  replayCmd  `cmd:"" help:"Play a recorded session (or a HAR) into the dashboard. Example: edgetop replay --last --speed 4"`
	Export  exportCmd  `cmd:"" help:"Convert a recording to jsonl, har, curl or csv. Example: edgetop export --format har --last -o s.har"`
	Summary summaryCmd `cmd:"" help:"Print a recording's failures, grouped. Example: edgetop summary --last"`
	Tour    tourCmd    `cmd:"" help:"The guided tour: every status code of the table in turn, with captions. Example: edgetop tour --auto"`
}

type dashCmd struct {
	Gateway      string        `env:"EDGETOP_GATEWAY" placeholder:"URL" help:"Gateway base URL, e.g. https://HOST:9999. Without it, edgetop starts the simulated gateway."`
	User         string        `env:"EDGETOP_USER" default:"admin" help:"Edge gateway console user."`
	PasswordFile string        `env:"EDGETOP_PASSWORD_FILE" type:"existingfile" placeholder:"FILE" help:"Read the password from FILE (else EDGETOP_PASSWORD, else a prompt)."`
	APIVersion   string        `env:"EDGETOP_API_VERSION" default:"2020-04-30" enum:"2020-04-30,2019-09-30" help:"Edge API version: 2020-04-30 or 2019-09-30."`
	CAFile       string        `env:"EDGETOP_CA_FILE" type:"existingfile" placeholder:"FILE" help:"Trust this CA (the gateway's ca.x509.pem)."`
	Pin          string        `env:"EDGETOP_PIN" placeholder:"sha256:HEX" help:"Pin the gateway certificate by its SHA-256 fingerprint."`
	Insecure     bool          `env:"EDGETOP_INSECURE" help:"Skip TLS verification (shown on screen)."`
	Timeout      time.Duration `env:"EDGETOP_TIMEOUT" default:"10s" help:"Timeout of one HTTP attempt."`
	MaxConns     int           `env:"EDGETOP_MAX_CONNS" default:"4" help:"Most open connections to the gateway."`
	Ring         int           `env:"EDGETOP_RING" default:"100000" help:"Records kept in memory."`
	Plain        bool          `env:"EDGETOP_PLAIN" help:"One line per exchange instead of the dashboard (automatic when stdout is not a terminal)."`
	Duration     time.Duration `env:"EDGETOP_DURATION" help:"Stop after this long, e.g. 30s (0: run until q or Ctrl+C)."`
	Record       string        `env:"EDGETOP_RECORD" placeholder:"FILE" help:"Record the session to FILE (default: every session is recorded, bounded, in $XDG_STATE_HOME/edgetop/sessions)."`
	NoRecord     bool          `env:"EDGETOP_NO_RECORD" help:"Do not record the session."`
	ReadOnly     bool          `env:"EDGETOP_READ_ONLY" help:"Refuse every action that changes state (a in the dashboard is off; the header says READ-ONLY)."`
	faceFlags    `embed:""`
	// tour, set by tourCmd, runs the guided tour instead of the demo.
	tour     *model.Tour
	tourAuto bool
}

// faceFlags are the flags of both faces of a session, live or replayed.
type faceFlags struct {
	Filter string `env:"EDGETOP_FILTER" placeholder:"EXPR" help:"Show only the exchanges EXPR matches, e.g. '5xx op:Set*' or 'errors >200ms' (the language: README)."`
	JSON   bool   `help:"Plain mode with Record JSON lines instead of text lines (for scripts)."`
	FailOn string `placeholder:"EXPR" help:"Exit 3 at the first exchange EXPR matches, e.g. 'errors' (a smoke check for CI)."`
}

type simCmd struct {
	Listen           string        `default:"127.0.0.1:9999" help:"Address to listen on."`
	Seed             int64         `default:"1" help:"Seed of the simulated devices."`
	CookieTTL        time.Duration `name:"cookie-max-age" default:"1h" help:"Lifetime of auth cookies."`
	ConnLimit        int           `default:"32" help:"Open connections per client IP before 421 (negative: no limit)."`
	Heartbeat        time.Duration `default:"5s" help:"Watch stream heartbeat interval."`
	MaintenanceEvery time.Duration `placeholder:"DUR" help:"Start a maintenance window (503) this often."`
	MaintenanceFor   time.Duration `placeholder:"DUR" help:"Length of each maintenance window."`
	User             []string      `sep:"none" placeholder:"NAME:PASS[:DENY+DENY]" help:"A console user (repeatable; default admin:admin1234 and viewer:viewer1234, who may not change state)."`
	Fault            []string      `sep:"none" placeholder:"SPEC" help:"Inject a fault, e.g. op=SetThingProperties,code=500,rate=0.2 (repeatable)."`
	CertOut          string        `default:"edgesim-cert.pem" placeholder:"FILE" help:"Where to write the certificate PEM."`
}

// Run serves the simulated gateway until interrupted.
func (s simCmd) Run(ctx context.Context) error {
	opts := edgesim.Options{
		Listen: s.Listen, Seed: s.Seed, CookieMaxAge: s.CookieTTL, ConnLimit: s.ConnLimit,
		Heartbeat: s.Heartbeat, MaintenanceEvery: s.MaintenanceEvery, MaintenanceFor: s.MaintenanceFor,
	}
	if _, port, err := net.SplitHostPort(s.Listen); err != nil || !validPort(port) {
		return usageError{fmt.Errorf("--listen %q: want HOST:PORT, e.g. 127.0.0.1:9999", s.Listen)}
	}
	if s.CookieTTL <= 0 || s.Heartbeat <= 0 || s.ConnLimit == 0 {
		return usageError{errors.New("--cookie-max-age and --heartbeat must be positive, --conn-limit not 0 (negative: no limit)")}
	}
	for _, spec := range s.Fault {
		f, err := edgesim.ParseFault(spec)
		if err != nil {
			return usageError{fmt.Errorf("%w (operations: %s)", err, strings.Join(edgesim.Operations, ", "))}
		}
		opts.Faults = append(opts.Faults, f)
	}
	for _, spec := range s.User {
		u, err := edgesim.ParseUser(spec)
		if err != nil {
			return usageError{err}
		}
		opts.Users = append(opts.Users, u)
	}
	srv, err := edgesim.New(opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := os.WriteFile(s.CertOut, srv.CertPEM(), 0o644); err != nil {
		return fmt.Errorf("writing the certificate: %w", err)
	}
	pem, _ := filepath.Abs(s.CertOut)
	users := opts.Users
	if users == nil {
		users = edgesim.DefaultUsers()
	}
	// Names and paths from the command line go out sanitised like any text.
	out := termtext.NewWriter(os.Stdout)
	fmt.Fprintf(out, "edgetop sim: simulated Link IoT Edge gateway\n  url:          %s\n", srv.URL)
	for _, u := range users {
		fmt.Fprintf(out, "  console user: %s (password %s)\n", u.Name, u.Password)
	}
	fmt.Fprintf(out, "  certificate:  %s\n  written to:   %s\n", srv.Fingerprint(), pem)
	fmt.Fprintf(out, "  try:          curl --cacert %s -u %s:%s -X POST %s/2020-04-30/auth/cookies -i\n", s.CertOut, users[0].Name, users[0].Password, srv.URL)
	fmt.Fprintln(out, "Press Ctrl+C to stop.")
	<-ctx.Done()
	return nil
}

type codesCmd struct{}

type explainCmd struct {
	Code string `arg:"" help:"A status code (421) or an API error Code (InvalidParameter)."`
}

// libLog is where the standard log package writes: what a library logs
// on its own (net/http quotes a gateway's stray bytes) is masked with the
// client's secrets, sanitised, and held while the dashboard has the
// screen.
var libLog *termtext.LogSink

func main() {
	// Every byte to stderr, whoever writes it (a panic report included),
	// goes through the sanitiser.
	restore, _ := termtext.GuardStderr()
	libLog = termtext.NewLogSink(os.Stderr)
	log.SetOutput(libLog)
	log.SetFlags(0)
	log.SetPrefix("edgetop: ")
	os.Exit(run(restore))
}

// run parses the command line, runs the command and returns the exit
// status: 0, 1 (a failure), 2 (bad input) or 128+N (stopped by signal N
// before anything ran, e.g. Ctrl+C at the password prompt).
func run(restore func()) int {
	defer restore()
	var c cli
	parser, err := kong.New(&c, kong.Name("edgetop"), kong.Description(description),
		kong.Vars{"version": version}, kong.ConfigureHelp(kong.HelpOptions{Compact: true}))
	if err != nil {
		return fail(1, err)
	}
	kctx, err := parser.Parse(os.Args[1:])
	if err != nil {
		return fail(2, err)
	}
	ctx, cancel := signalContext()
	defer cancel(nil)
	kctx.BindTo(ctx, (*context.Context)(nil))
	err = kctx.Run()
	var ue usageError
	var se signalError
	var fe *plain.FailOnError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &fe):
		fmt.Fprint(os.Stderr, termtext.ErrorLines("edgetop", fe))
		return 3
	case errors.As(err, &se):
		return 128 + int(se.sig)
	case errors.As(err, &ue):
		return fail(2, err)
	}
	return fail(1, err)
}

// signalContext is cancelled by SIGINT or SIGTERM, with a signalError as
// its cause. After the first signal the default action is back, so a
// second Ctrl+C ends a cleanup that hangs.
func signalContext() (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			if n, ok := s.(syscall.Signal); ok {
				cancel(signalError{n})
			}
		case <-ctx.Done():
			signal.Stop(sigs)
		}
	}()
	return ctx, cancel
}

// signalError is the cause of a context ended by a signal.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string { return "stopped by " + e.sig.String() }

// usageError marks an error caused by the user's input: exit status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// fail prints err on stderr, sanitised (it may quote the gateway) and
// without the packages' prefixes (the line says "edgetop:"), and returns
// code.
func fail(code int, err error) int {
	err = errors.New(strings.ReplaceAll(err.Error(), "edgeclient: ", ""))
	fmt.Fprint(os.Stderr, termtext.ErrorLines("edgetop", err))
	return code
}

// Run prints the status table.
func (codesCmd) Run() error {
	cat, codes := catalogs()
	_, err := lipgloss.Fprint(os.Stdout, explain.Codes(cat, codes, printOptions()))
	return err
}

// Run explains one code.
func (e explainCmd) Run() error {
	cat, codes := catalogs()
	out, err := explain.Code(cat, codes, e.Code, printOptions())
	if err != nil {
		return usageError{err}
	}
	_, err = lipgloss.Fprint(os.Stdout, out)
	return err
}

// catalogs parses the embedded status table and API Codes; they are part of
// the binary, so a failure is a build bug, checked by a test.
func catalogs() (*model.Catalog, *model.APICodes) {
	cat, err := model.ParseCatalog(bytes.NewReader(assets.StatusCodes()))
	if err != nil {
		panic(fmt.Errorf("embedded status table: %w", err)) // a build bug: TestEmbeddedCatalog
	}
	codes, err := model.ParseAPICodes(bytes.NewReader(assets.APICodes()))
	if err != nil {
		panic(fmt.Errorf("embedded API codes: %w", err))
	}
	return cat, codes
}

// printOptions: colour and glyphs on a terminal, plain text when piped;
// NO_COLOR (any non-empty value) drops colour but keeps glyphs.
func printOptions() explain.Options {
	fd := int(os.Stdout.Fd())
	if !term.IsTerminal(fd) {
		return explain.Options{Theme: theme.NoColorTheme()}
	}
	w, _, _ := term.GetSize(fd)
	o := explain.Options{Theme: theme.NoColorTheme(), Glyphs: true, Width: w}
	if !theme.NoColorRequested(os.Getenv) {
		o.Theme = theme.NewTheme(lipgloss.HasDarkBackground(os.Stdin, os.Stdout))
	}
	return o
}

// password finds the console password: EDGETOP_PASSWORD, --password-file,
// or a prompt on the terminal. It is never taken from argv. A signal while
// waiting for it ends the program (128+N).
func (d *dashCmd) password(ctx context.Context) (string, error) {
	if p := os.Getenv("EDGETOP_PASSWORD"); p != "" {
		return p, nil
	}
	var p string
	var err error
	if d.PasswordFile != "" {
		p, err = password.FromFile(ctx, d.PasswordFile)
	} else {
		p, err = password.Prompt(ctx, int(os.Stdin.Fd()), os.Stderr, fmt.Sprintf("Password for %s at %s: ", d.User, d.Gateway))
		if errors.Is(err, password.ErrNotTerminal) {
			err = errors.New("no password: set EDGETOP_PASSWORD or --password-file")
		}
	}
	var se signalError
	if err != nil && !errors.As(err, &se) {
		err = usageError{err}
	}
	return p, err
}

// Run starts the dashboard (or plain mode) against --gateway, or against
// the built-in simulated gateway when none is given.
func (d *dashCmd) Run(ctx context.Context) error {
	err := d.run(ctx)
	if errors.Is(err, ui.ErrStartTour) {
		// W in the demo: the demo's session is over (its cookie deleted);
		// the tour starts on a simulator of its own.
		return (&tourCmd{APIVersion: d.APIVersion}).Run(ctx)
	}
	return err
}

// run is the dashboard's session.
func (d *dashCmd) run(ctx context.Context) error {
	if err := d.check(); err != nil {
		return usageError{err}
	}
	fc, err := d.parse(time.Now())
	if err != nil {
		return usageError{err}
	}
	cat, codes := catalogs()
	// One observer and one ID sequence for every client of the session, so
	// that record IDs never collide.
	obs, seq := edgeclient.NewChanObserver(session.ObserverBuffer), &edgeclient.Sequence{}
	cfg := edgeclient.Config{
		Gateway: d.Gateway, APIVersion: d.APIVersion, User: d.User, CAFile: d.CAFile,
		Pin: d.Pin, Insecure: d.Insecure, Timeout: d.Timeout, MaxConnsPerHost: d.MaxConns, Observer: obs, Sequence: seq,
	}
	scfg := session.Config{Records: obs, Tour: d.tour, TourAuto: d.tourAuto}
	if d.Gateway == "" {
		sim, err := edgesim.New(edgesim.Options{Seed: 1, CookieMaxAge: d.cookieMaxAge()})
		if err != nil {
			return fmt.Errorf("starting the simulated gateway: %w", err)
		}
		defer sim.Close()
		cfg.Gateway, cfg.CAPEM, cfg.User, cfg.Password = sim.URL, sim.CertPEM(), "admin", "admin1234"
		// Renew only on 401, so the demo's short cookie visibly expires (401)
		// and is renewed, as the status table describes.
		cfg.RenewBefore = -1
		viewer, err := edgeclient.New(edgeclient.Config{
			Gateway: sim.URL, APIVersion: d.APIVersion, User: "viewer",
			Password: "viewer1234", CAPEM: sim.CertPEM(), Observer: obs, Sequence: seq,
		})
		if err != nil {
			return err
		}
		scfg.Simulated, scfg.Demo = true, &session.Demo{Controls: simControls{sim}, Viewer: viewer}
	} else {
		if err := checkGateway(d.Gateway); err != nil {
			return usageError{err}
		}
		pw, err := d.password(ctx)
		if err != nil {
			return err
		}
		cfg.Password = pw
	}
	client, err := edgeclient.New(cfg)
	if err != nil {
		return usageError{err}
	}
	libLog.SetMask(client.Mask)
	scfg.Client, scfg.ReadOnly = client, d.ReadOnly
	eng := session.New(scfg)
	var runner session.Runner = eng
	meta := recording.Meta{
		Version: version, Started: time.Now(), Gateway: cfg.Gateway, APIVersion: d.APIVersion, User: cfg.User,
		Insecure: d.Insecure, Simulated: d.Gateway == "",
	}
	if d.CAFile != "" {
		meta.CAFile, _ = filepath.Abs(d.CAFile)
	}
	rec := d.recorder(meta)
	if rec != nil {
		runner = recording.Tee(eng, rec)
		defer func() {
			// Said last, once the screen is gone: where the evidence is.
			if err := rec.Err(); err != nil {
				fmt.Fprintln(os.Stderr, "edgetop: the recording stopped early ("+termtext.Sanitize(err.Error())+"): "+
					termtext.Sanitize(rec.Path())+" holds the session up to then")
				return
			}
			fmt.Fprintln(os.Stderr, "edgetop: recorded to "+termtext.Sanitize(rec.Path()))
		}()
	}
	if client.Insecure() && (d.Plain || d.JSON || !term.IsTerminal(int(os.Stdout.Fd()))) {
		fmt.Fprintln(os.Stderr, "edgetop: warning: TLS verification is off (--insecure)")
	}
	if d.tour != nil {
		runner = tourRunner{runner, eng} // the face moves the tour on, recorded or not
	}
	return runFace(ctx, runner, fc, faceOptions{
		plain: d.Plain, duration: d.Duration, ring: d.Ring, catalog: cat, codes: codes,
		export:  export.Options{CAFile: meta.CAFile, Insecure: d.Insecure || meta.Simulated, User: cfg.User},
		creator: har.Creator{Name: "edgetop", Version: version},
		actions: eng, readOnly: d.ReadOnly, offerTour: d.Gateway == "" && d.tour == nil,
	})
}

// recorder opens the session's recording: --record FILE, none with
// --no-record, else a new file in the state directory, whose old
// recordings are rotated. A recording that cannot be opened there is a
// warning, not a reason to refuse to run.
func (d *dashCmd) recorder(m recording.Meta) *recording.Writer {
	if d.NoRecord {
		return nil
	}
	if d.Record != "" {
		w, err := recording.Create(d.Record, m)
		if err != nil {
			fmt.Fprintln(os.Stderr, "edgetop: warning: not recording: "+termtext.Sanitize(err.Error()))
			return nil
		}
		return w
	}
	dir, err := recording.DefaultDir(os.Getenv)
	if err == nil {
		var w *recording.Writer
		if w, err = recording.Auto(dir, m, time.Now(), recording.Limits{}); err == nil {
			return w
		}
	}
	fmt.Fprintln(os.Stderr, "edgetop: warning: not recording (--no-record to say so): "+termtext.Sanitize(err.Error()))
	return nil
}

// face is what faceFlags ask for, parsed.
type face struct {
	filter, failOn *model.Query
	filterText     string
	json           bool
}

// parse checks the expressions: a bad one is a usage error that says
// where it is wrong.
func (f faceFlags) parse(now time.Time) (face, error) {
	out := face{json: f.JSON, filterText: strings.TrimSpace(f.Filter)}
	var err error
	if out.filter, err = model.ParseQuery(f.Filter, now); err != nil {
		return out, fmt.Errorf("--filter %q: %w", f.Filter, err)
	}
	if out.failOn, err = model.ParseQuery(f.FailOn, now); err != nil {
		return out, fmt.Errorf("--fail-on %q: %w", f.FailOn, err)
	}
	if f.FailOn != "" && out.failOn == nil {
		return out, errors.New("--fail-on: an empty expression would match every exchange; want e.g. 'errors' or '5xx'")
	}
	return out, nil
}

// faceOptions are the rest of what a face needs.
type faceOptions struct {
	plain, replay bool
	duration      time.Duration
	ring          int
	catalog       *model.Catalog
	codes         *model.APICodes
	export        export.Options
	creator       har.Creator
	// actions takes the operator's actions (nil in a replay); readOnly
	// turns them off.
	actions  session.Actor
	readOnly bool
	// offerTour is set in the demo: W starts the guided tour.
	offerTour bool
}

// runFace shows a session, live or replayed: plain lines when asked, with
// --json, or when stdout is not a terminal; else the dashboard.
func runFace(ctx context.Context, r session.Runner, f face, o faceOptions) error {
	noColor := theme.NoColorRequested(os.Getenv)
	var filter, failOn plain.Matcher // nil interfaces, not nil *Query: a nil Query matches every record
	if f.filter != nil {
		filter = f.filter
	}
	if f.failOn != nil {
		failOn = f.failOn
	}
	if o.plain || f.json || !term.IsTerminal(int(os.Stdout.Fd())) {
		dark := term.IsTerminal(int(os.Stdout.Fd())) && lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
		return plain.Run(ctx, r, plain.Options{
			Out: os.Stdout, Err: os.Stderr, Catalog: o.catalog, NoColor: noColor,
			Dark: dark, Environ: os.Environ(), Duration: o.duration,
			Filter: filter, JSON: f.json, FailOn: failOn, Replay: o.replay,
		})
	}
	// What libraries log waits for the screen to be given back (DEBUG=1:
	// goes to edgetop-debug.log as it comes, masked too).
	if os.Getenv("DEBUG") != "" {
		if f, err := os.OpenFile("edgetop-debug.log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			defer f.Close()
			libLog.SetOutput(f)
			defer libLog.SetOutput(os.Stderr)
		}
	} else {
		libLog.Hold()
		defer libLog.Release()
	}
	return ui.Run(ctx, ui.Deps{
		Session: r, Catalog: o.catalog, APICodes: o.codes, NoColor: noColor, RingCap: o.ring,
		Duration: o.duration, Filter: f.filter, FailOn: failOn, Export: o.export, Replay: o.replay, Creator: o.creator,
		Actions: o.actions, ReadOnly: o.readOnly, OfferTour: o.offerTour,
	})
}

// A recording is read by three commands: replay, export and summary.

// sourceFlags name a recording: a file, or the newest one.
type sourceFlags struct {
	File string `arg:"" optional:"" type:"existingfile" placeholder:"FILE" help:"A recording (.jsonl, as edgetop writes them) or a HAR."`
	Last bool   `help:"The newest recording in $XDG_STATE_HOME/edgetop/sessions."`
}

// open opens the recording the flags name. A HAR (by its .har name or
// its content) is read whole; a recording is read as it replays. Damaged
// lines are skipped and told, never fatal.
// problemsFunc says, once a recording was read, its damaged lines (the
// first ones) and how many there were.
type problemsFunc func() ([]recording.LineError, int)

func (f sourceFlags) open() (recording.RecordSource, recording.Meta, problemsFunc, error) {
	none := func() ([]recording.LineError, int) { return nil, 0 }
	path, err := f.path()
	if err != nil {
		return nil, recording.Meta{}, none, err
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, recording.Meta{}, none, err
	} else if !fi.Mode().IsRegular() {
		return nil, recording.Meta{}, none, usageError{fmt.Errorf("%s is not a regular file: want a recording or a HAR", path)}
	}
	if isHAR(path) {
		fh, err := os.Open(path)
		if err != nil {
			return nil, recording.Meta{}, none, err
		}
		defer fh.Close()
		recs, err := har.Read(fh)
		if err != nil {
			return nil, recording.Meta{}, none, fmt.Errorf("%s: %w", path, err)
		}
		m := recording.Meta{}
		if len(recs) > 0 {
			m.Gateway, m.APIVersion = recs[0].Gateway, recs[0].APIVersion
		}
		return recording.SliceSource(recs), m, none, nil
	}
	if err := probeRecording(path); err != nil {
		return nil, recording.Meta{}, none, err
	}
	r, err := recording.Open(path)
	if err != nil {
		return nil, recording.Meta{}, none, err
	}
	m, _ := r.Meta()
	return r, m, func() ([]recording.LineError, int) { return r.Problems(), r.ProblemCount() }, nil
}

// probeRecording refuses a file that is no recording at all (its first
// line neither a meta line nor a record): a wrong file must not look like
// a session without failures.
func probeRecording(path string) error {
	r, err := recording.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	_, err = r.Next()
	_, meta := r.Meta()
	if ps := r.Problems(); !meta && len(ps) > 0 && ps[0].Line == 1 {
		return usageError{fmt.Errorf("%s is not an edgetop recording or a HAR (%v)", path, ps[0])}
	}
	if errors.Is(err, io.EOF) && !meta {
		return usageError{fmt.Errorf("%s is empty: not an edgetop recording", path)}
	}
	return nil
}

// isHAR tells a HAR from a recording: by its name, else by its first
// bytes (a HAR is one JSON object holding "log"; a recording's first line
// is its meta line or a record).
func isHAR(path string) bool {
	if strings.EqualFold(filepath.Ext(path), ".har") {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	first, _, _ := bytes.Cut(bytes.TrimSpace(head[:n]), []byte("\n"))
	first = bytes.TrimSpace(first)
	return bytes.Equal(first, []byte("{")) || bytes.HasPrefix(first, []byte(`{"log"`))
}

// reportProblems tells the damaged lines a recording had, once read.
func reportProblems(path string, problems problemsFunc) {
	list, count := problems()
	for i, p := range list {
		if i == 5 {
			fmt.Fprintf(os.Stderr, "edgetop: %s: %d more damaged lines skipped\n", termtext.Sanitize(path), count-i)
			break
		}
		fmt.Fprintln(os.Stderr, "edgetop: "+termtext.Sanitize(path+": "+p.Error()+" (skipped)"))
	}
}

type replayCmd struct {
	sourceFlags `embed:""`
	Speed       float64       `default:"1" help:"Playback speed: 1 real time, 4 four times as fast, 0 as fast as possible."`
	Plain       bool          `help:"One line per exchange instead of the dashboard (automatic when stdout is not a terminal)."`
	Duration    time.Duration `help:"Stop after this long (0: the end of the recording in plain mode, q in the dashboard)."`
	Ring        int           `default:"100000" help:"Records kept in memory."`
	faceFlags   `embed:""`
}

// Run plays the recording into a face: the same faces as a live session,
// fed by a player instead of the engine.
func (c *replayCmd) Run(ctx context.Context) error {
	switch {
	case c.Speed < 0:
		return usageError{fmt.Errorf("--speed %v: want 0 (as fast as possible) or more", c.Speed)}
	case c.Ring <= 0:
		return usageError{fmt.Errorf("--ring %d: want a positive number of records", c.Ring)}
	case c.Ring > maxRing():
		return usageError{fmt.Errorf("--ring %d: this machine holds at most %d records in memory", c.Ring, maxRing())}
	case c.Duration < 0:
		return usageError{fmt.Errorf("--duration %v: want 0 or a positive duration", c.Duration)}
	}
	fc, err := c.parse(time.Now())
	if err != nil {
		return usageError{err}
	}
	src, meta, problems, err := c.open()
	if err != nil {
		return err
	}
	if rc, ok := src.(interface{ Close() error }); ok {
		defer func() { _ = rc.Close() }()
	}
	plainMode := c.Plain || c.JSON || !term.IsTerminal(int(os.Stdout.Fd()))
	player := recording.NewPlayer(src, recording.PlayerOptions{Speed: c.Speed, Session: "replay", Hold: !plainMode})
	cat, codes := catalogs()
	err = runFace(ctx, player, fc, faceOptions{
		plain: plainMode, replay: true, duration: c.Duration, ring: c.Ring, catalog: cat, codes: codes,
		export:  export.Options{CAFile: meta.CAFile, Insecure: meta.Insecure || meta.Simulated, User: meta.User},
		creator: har.Creator{Name: "edgetop", Version: version},
	})
	if !plainMode {
		reportProblems(c.name(), problems) // plain mode printed them where they were met
	}
	return err
}

type exportCmd struct {
	sourceFlags `embed:""`
	Format      string `required:"" enum:"jsonl,har,curl,csv" placeholder:"jsonl|har|curl|csv" help:"jsonl (edgetop's own), har (HAR 1.2: a browser's network panel), curl (a shell script), csv."`
	Filter      string `placeholder:"EXPR" help:"Only the exchanges EXPR matches."`
	Output      string `short:"o" default:"-" placeholder:"FILE" help:"Write to FILE (written whole, then renamed; default: stdout)."`
	CAFile      string `placeholder:"FILE" help:"For curl: the CA file the commands trust (default: the session's)."`
	Insecure    bool   `help:"For curl: -k in the commands (default: as the session did)."`
}

// Run converts a recording.
func (c *exportCmd) Run(ctx context.Context) error {
	src, meta, problems, err := c.open()
	if err != nil {
		return err
	}
	q, err := model.ParseQuery(c.Filter, time.Now())
	if err != nil {
		return usageError{fmt.Errorf("--filter %q: %w", c.Filter, err)}
	}
	recs, err := readAll(ctx, src, q)
	if err != nil {
		return err
	}
	defer reportProblems(c.name(), problems)
	o := export.Options{CAFile: meta.CAFile, Insecure: meta.Insecure || meta.Simulated, User: meta.User}
	if c.CAFile != "" {
		o.CAFile, _ = filepath.Abs(c.CAFile)
	}
	o.Insecure = o.Insecure || c.Insecure
	creator := har.Creator{Name: "edgetop", Version: version}
	if c.Output == "-" {
		return export.Write(os.Stdout, c.Format, model.Slice(recs), o, creator)
	}
	if err := export.WriteFile(c.Output, c.Format, model.Slice(recs), o, creator); err != nil {
		return err
	}
	fmt.Fprintf(termtext.NewWriter(os.Stderr), "edgetop: %d %s written to %s\n", len(recs), plural(len(recs), "exchange"), c.Output)
	return nil
}

// name is the recording's name for messages.
// path is the file to read: FILE, or the newest recording (--last).
func (f sourceFlags) path() (string, error) {
	switch {
	case f.Last && f.File != "":
		return "", usageError{errors.New("give a FILE or --last, not both")}
	case f.Last:
		dir, err := recording.DefaultDir(os.Getenv)
		if err != nil {
			return "", err
		}
		return recording.Last(dir)
	case f.File == "":
		return "", usageError{errors.New("which recording? give a FILE or --last")}
	}
	return f.File, nil
}

func (f sourceFlags) name() string {
	if f.File != "" {
		return f.File
	}
	return "the last recording"
}

// readAll reads every record of src that q matches (nil: every one),
// until ctx ends (Ctrl+C).
func readAll(ctx context.Context, src recording.RecordSource, q *model.Query) ([]model.Record, error) {
	var out []model.Record
	for i := 0; ; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if q.Match(&r) {
			out = append(out, r)
		}
	}
}

type summaryCmd struct {
	sourceFlags `embed:""`
	Sort        string `default:"count" enum:"count,recent" help:"Order of the groups: count (most first) or recent (latest first)."`
	Filter      string `placeholder:"EXPR" help:"Only the exchanges EXPR matches."`
}

// Run prints the recording's failures grouped, ready for an incident note.
func (c *summaryCmd) Run(ctx context.Context) error {
	path, err := c.path() // once: the first line names it
	if err != nil {
		return err
	}
	c.File, c.Last = path, false
	src, _, problems, err := c.open()
	if err != nil {
		return err
	}
	q, err := model.ParseQuery(c.Filter, time.Now())
	if err != nil {
		return usageError{fmt.Errorf("--filter %q: %w", c.Filter, err)}
	}
	sum := failures.New()
	n := 0
	var first, last time.Time // the recording's span
	for i := 0; ; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if !r.Start.IsZero() && (first.IsZero() || r.Start.Before(first)) {
			first = r.Start
		}
		if end := r.End(); end.After(last) {
			last = end
		}
		if q.Match(&r) {
			n++
			sum.Add(r)
		}
	}
	reportProblems(c.name(), problems)
	order := failures.ByCount
	if c.Sort == "recent" {
		order = failures.ByRecent
	}
	out := termtext.NewWriter(os.Stdout)
	// What was read, and when: the times below are the recording's, the
	// ages from its last exchange, not from now.
	if !last.IsZero() {
		fmt.Fprintf(out, "Recording %s: %s to %s\n", path, first.Format("2006-01-02 15:04:05"), last.Format("15:04:05 MST"))
	}
	if sum.Len() == 0 {
		fmt.Fprintf(out, "no failures in %d %s\n", n, plural(n, "exchange"))
		return nil
	}
	at := last
	if at.IsZero() {
		at = time.Now()
	}
	_, err = io.WriteString(out, failures.Text(sum.Groups(order), at))
	return err
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// tourCmd is the guided tour: the dashboard (or plain mode) on the built-in
// simulated gateway, running the embedded script (assets/tour.txt) instead
// of the demo. Plain mode goes on by itself (it has no key to press) and
// ends with the tour: exit 0 when every code showed, 1 when one did not.
type tourCmd struct {
	Auto       bool   `help:"Go on from each step by itself after a few seconds (else: the dashboard's key; plain mode always goes on by itself)."`
	Plain      bool   `help:"One line per exchange and the captions, instead of the dashboard (automatic when stdout is not a terminal)."`
	APIVersion string `default:"2020-04-30" enum:"2020-04-30,2019-09-30" help:"Edge API version: 2020-04-30 or 2019-09-30."`
	Record     string `placeholder:"FILE" help:"Record the tour to FILE (a tour is not recorded otherwise)."`
}

// Run runs the tour as a dashboard session with the tour's settings.
func (c *tourCmd) Run(ctx context.Context) error {
	tour, err := session.ParseTour(assets.Tour())
	if err != nil {
		return fmt.Errorf("embedded tour script: %w", err) // a build bug: TestShippedTourParses
	}
	plainMode := c.Plain || !term.IsTerminal(int(os.Stdout.Fd()))
	d := &dashCmd{
		// dashCmd's defaults, as its flags give them.
		User: "admin", APIVersion: c.APIVersion, Timeout: 10 * time.Second, MaxConns: 4, Ring: 100000,
		Plain: c.Plain, Record: c.Record, NoRecord: c.Record == "",
		tour: tour, tourAuto: c.Auto || plainMode,
	}
	return d.Run(ctx)
}

// cookieMaxAge is the simulator's cookie lifetime: short in the demo, so
// that its expiry shows within a minute; the default hour in the tour,
// whose step expires the cookies when its turn comes.
func (d *dashCmd) cookieMaxAge() time.Duration {
	if d.tour != nil {
		return 0
	}
	return session.DemoCookieMaxAge
}

// tourRunner is the tour's session as the faces get it: a recording's tee
// hides the engine, so NextStep is passed on here.
type tourRunner struct {
	session.Runner
	tour session.TourControls
}

// NextStep goes on to the tour's next step.
func (t tourRunner) NextStep() { t.tour.NextStep() }

var _ session.TourControls = tourRunner{}

// simControls are the simulated gateway's controls as the demo uses them:
// the engine never imports the simulator.
type simControls struct{ s *edgesim.Server }

func (c simControls) SetConnLimit(n int)          { c.s.SetConnLimit(n) }
func (c simControls) Maintenance(d time.Duration) { c.s.Faults().Maintenance(d) }
func (c simControls) ResetNext(op string) {
	c.s.Faults().Add(edgesim.FaultRule{Op: op, Action: edgesim.ActionReset, Count: 1})
}
func (c simControls) ExpireCookies() { c.s.ExpireCookies() }

// check rejects flag values that cannot work: a bad flag is a one-line
// error and exit status 2, not a dashboard that misbehaves.
func (d *dashCmd) check() error {
	switch {
	case d.Timeout <= 0:
		return fmt.Errorf("--timeout %v: want a positive duration, e.g. 10s", d.Timeout)
	case d.Duration < 0:
		return fmt.Errorf("--duration %v: want 0 (until quit) or a positive duration", d.Duration)
	case d.Ring <= 0:
		return fmt.Errorf("--ring %d: want a positive number of records", d.Ring)
	case d.Ring > maxRing():
		return fmt.Errorf("--ring %d: this machine holds at most %d records in memory (about %d bytes each, half its RAM)",
			d.Ring, maxRing(), bytesPerRecord)
	case d.MaxConns <= 0:
		return fmt.Errorf("--max-conns %d: want 1 or more", d.MaxConns)
	}
	if d.CAFile != "" {
		if _, err := edgeclient.ReadCAFile(d.CAFile); err != nil {
			return err
		}
	}
	return nil
}

// bytesPerRecord is what a record held costs in memory at most, headers
// and body previews included: the mean measured with varied records is
// under half of it (BENCHMARKS.md), and the log holds bigger records to
// it by letting the oldest fall out early.
const bytesPerRecord = model.RecordMemory

// maxRing is the largest ring this machine can hold: half its RAM, and
// never more than 20 million records.
func maxRing() int {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil || si.Totalram == 0 {
		return 20_000_000
	}
	total := uint64(si.Totalram) * uint64(si.Unit)
	return int(min(total/2/bytesPerRecord, 20_000_000))
}

// validPort reports whether p is a TCP port number (0 picks a free one).
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// checkGateway rejects a gateway address that cannot work: the edge API is
// HTTPS only, at scheme://host[:port] with no path.
func checkGateway(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("gateway: not a URL; want https://HOST:9999")
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("gateway %q: want https://HOST:9999 (the edge API is HTTPS only)", raw)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("gateway %q: give only https://HOST:PORT; the API paths are added by edgetop", u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("gateway %q: put the user in --user and the password in EDGETOP_PASSWORD, not in the URL", u.Redacted())
	}
	_, err = edgeclient.ParseGateway(raw) // the port, as the client checks it
	return err
}
