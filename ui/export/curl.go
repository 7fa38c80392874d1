package export

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// The operations the curl export treats apart, named as model.Record names
// them.
const (
	opCreateAuthCookie = "CreateAuthCookie"
	opDeleteAuthCookie = "DeleteAuthCookie"
	opWatch            = "BulkActions.Watch"
)

// defaultVersion is the API version of the token command when a
// recording does not say.
const defaultVersion = "2020-04-30"

// maxTokenCommands bounds the token commands at the top: one per gateway
// and version recorded, which is one in any real session.
const maxTokenCommands = 4

// tokenSed picks the token out of CreateAuthCookie's headers (any case:
// HTTP/2 writes header names in lower case).
const tokenSed = `sed -n 's/^[Ss]et-[Cc]ookie: token=\([^;]*\).*/\1/p'`

// skipHeaders are request headers a command does not repeat: curl sets
// them itself (Host, Content-Length, User-Agent, Accept-Encoding,
// Transfer-Encoding), or they held a secret and are replaced (Cookie,
// Authorization).
var skipHeaders = []string{"host", "content-length", "cookie", "authorization", "accept-encoding", "user-agent", "transfer-encoding"}

// Curl writes recs as a shell script, one curl command per exchange, that
// sends the same requests again with `-sS -i`, so that each prints the
// status it gets. The auth cookie comes from $EDGETOP_TOKEN; the comment at
// the top gives the command that gets one. CreateAuthCookie and
// DeleteAuthCookie stay comments (one needs the password, the other would
// end the session whose token it names), and so does a command that could
// not be written exactly as recorded, with the reason.
//
// Every text from a record is sanitised (termtext.Sanitize, SanitizeBlock
// for a body) and single-quoted; a URL or method that sanitising would
// change is never run (it could address another path), a header it would
// change is left out, a body it changes is sent with a comment saying so.
// Each command has -g and --path-as-is, so that curl neither expands
// globs nor folds dot segments in the recorded path.
func Curl(w io.Writer, recs model.Records, o Options) error {
	bw := bufio.NewWriter(w)
	var b strings.Builder
	writeCurlHead(&b, recs, o)
	for i := 0; ; i++ {
		if _, err := bw.WriteString(b.String()); err != nil {
			return fmt.Errorf("export curl: %w", err)
		}
		if i == recs.Len() {
			break
		}
		b.Reset()
		b.WriteByte('\n')
		writeCommand(&b, curlCommand(recs.At(i), o))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export curl: %w", err)
	}
	return nil
}

func writeCurlHead(b *strings.Builder, recs model.Records, o Options) {
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(b, "# edgetop: %d recorded %s as curl commands.\n", recs.Len(), plural(recs.Len(), "exchange", "exchanges"))
	b.WriteString("# Secrets were masked when they were recorded: each command sends the auth\n" +
		"# cookie in $EDGETOP_TOKEN. To get a token (curl asks for the password):\n#\n")
	for _, t := range tokenTargets(recs) {
		b.WriteString("# export EDGETOP_TOKEN=" + tokenCommand(t, o) + "\n")
	}
	b.WriteString("#\n# The auth calls are comments, as is any command that cannot be sent as\n" +
		"# it was recorded (its comment says why).\n" +
		`: "${EDGETOP_TOKEN:?set EDGETOP_TOKEN first: see the top of this file}"` + "\n")
}

// target is a gateway and API version to get a token from.
type target struct{ gateway, version string }

// tokenTargets are the recording's gateways and versions, in order of
// first use, as they can be written safely ("GATEWAY" when a recorded one
// cannot).
func tokenTargets(recs model.Records) []target {
	var out []target
	for i := range recs.Len() {
		r := recs.At(i)
		t := target{gateway: r.Gateway, version: r.APIVersion}
		if termtext.Sanitize(t.gateway) != t.gateway || !safeGateway(t.gateway) {
			t.gateway = "GATEWAY"
		}
		if t.version != "2020-04-30" && t.version != "2019-09-30" {
			t.version = defaultVersion
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
		if len(out) == maxTokenCommands {
			break
		}
	}
	if len(out) == 0 {
		out = append(out, target{gateway: "GATEWAY", version: defaultVersion})
	}
	return out
}

// tokenCommand is $(...) that prints a new token from CreateAuthCookie.
func tokenCommand(t target, o Options) string {
	var b strings.Builder
	b.WriteString("$(curl -q --proto =https -s -o /dev/null -D - ")
	b.WriteString(tlsArgs(o))
	if o.User != "" {
		b.WriteString("-u " + shellQuote(termtext.Sanitize(o.User)))
	} else {
		b.WriteString(`-u "$EDGETOP_USER"`)
	}
	b.WriteString(" -X POST " + shellQuote(t.gateway+"/"+t.version+"/auth/cookies") + " | " + tokenSed + ")")
	return b.String()
}

// safeGateway reports whether gw is exactly https://HOST[:PORT]: no user
// information, path, query or fragment, so that the path appended to it
// cannot move the request (and the cookie) to another host.
func safeGateway(gw string) bool {
	u, err := url.Parse(gw)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Path == "" &&
		u.RawQuery == "" && u.Fragment == "" && !strings.ContainsAny(u.Host, "@/\\ '\"")
}

// tlsArgs are the certificate options, each followed by a space.
func tlsArgs(o Options) string {
	var s string
	if o.CAFile != "" {
		s += "--cacert " + shellQuote(termtext.Sanitize(o.CAFile)) + " "
	}
	if o.Insecure {
		s += "-k "
	}
	return s
}

// command is one record's command: its arguments, already quoted, and
// what the comment above it says.
type command struct {
	title string   // the record: time, id, operation, recorded status
	notes []string // why the command is not exact
	off   string   // why it is a comment; "" when it runs
	first string   // curl and the arguments of its first line
	args  []string // one argument (or option and value) a line
}

func writeCommand(b *strings.Builder, c command) {
	b.WriteString("# " + c.title + "\n")
	if c.off != "" {
		b.WriteString("# not run: " + c.off + "\n")
	}
	for _, n := range c.notes {
		b.WriteString("# note: " + n + "\n")
	}
	text := strings.Join(append([]string{c.first}, c.args...), " \\\n  ")
	if c.off != "" {
		text = "# " + strings.ReplaceAll(text, "\n", "\n# ")
	}
	b.WriteString(text + "\n")
}

// curlCommand builds r's command.
func curlCommand(r *model.Record, o Options) command {
	c := command{title: title(r)}
	method, url := termtext.Sanitize(r.Method), termtext.Sanitize(r.Gateway+r.Path)
	switch {
	case r.Operation == opCreateAuthCookie:
		c.off = "CreateAuthCookie needs the password; the command at the top of this file gets a token"
	case r.Operation == opDeleteAuthCookie:
		c.off = "DeleteAuthCookie would end the session whose token its path names (masked here)"
	case !strings.Contains(r.Gateway, "://"):
		c.off = "no gateway was recorded"
	case !safeGateway(r.Gateway):
		c.off = "the recorded gateway is not https://HOST[:PORT]: the command could send the cookie elsewhere"
	case !strings.HasPrefix(r.Path, "/") || strings.HasPrefix(r.Path, "//"):
		c.off = "the recorded path does not start with /: joined to the gateway it could name another host"
	case url != r.Gateway+r.Path:
		c.off = "the recorded URL holds characters that cannot be written safely; without them it would address another path"
	case method != r.Method || !isToken(method):
		c.off = "the recorded method is not a plain HTTP method"
	}
	// -q: no ~/.curlrc; --proto =https: the URL cannot switch to file://,
	// http:// or another scheme; --url: it is never read as an option.
	c.first = "curl -q -sS -i -g --path-as-is --proto =https"
	if r.Operation == opWatch {
		c.first += " -N"
		c.notes = append(c.notes, "a Watch stream: curl prints its lines until the gateway ends it (Ctrl-C stops it)")
	}
	c.first += " -X " + shellWord(method) + " --url " + shellQuote(url)
	if s := strings.TrimSpace(tlsArgs(o)); s != "" {
		c.args = append(c.args, s)
	}
	c.addHeaders(r, o)
	c.addBody(r.RequestBody)
	if strings.Contains(r.Path, "******") && c.off == "" {
		c.notes = append(c.notes, "the path holds a value masked when recorded")
	}
	return c
}

// addHeaders adds the request's headers and its auth.
func (c *command) addHeaders(r *model.Record, o Options) {
	var cookie, basic bool
	for _, h := range r.RequestHeaders {
		lname := strings.ToLower(h.Name)
		if slices.Contains(skipHeaders, lname) {
			cookie = cookie || lname == "cookie"
			basic = basic || lname == "authorization"
			continue
		}
		name, value := termtext.Sanitize(h.Name), termtext.Sanitize(h.Value)
		switch {
		case name != h.Name || value != h.Value || !isToken(name):
			c.notes = append(c.notes, "header "+strconv.Quote(name)+" left out: it holds characters that cannot be written safely")
		case strings.Contains(h.Value, "******"):
			c.notes = append(c.notes, "header "+name+" left out: its value was masked when recorded")
		default:
			c.args = append(c.args, "-H "+shellQuote(name+": "+value))
		}
	}
	user := `"$EDGETOP_USER"`
	if o.User != "" {
		user = shellQuote(termtext.Sanitize(o.User))
	}
	switch {
	case cookie:
		c.args = append(c.args, `-H "Cookie: token=$EDGETOP_TOKEN"`)
	case basic:
		c.args = append(c.args, "-u "+user)
		if r.Operation != opCreateAuthCookie && r.Operation != opDeleteAuthCookie {
			c.notes = append(c.notes, "it used Basic auth: curl asks for the password")
		}
	}
}

// addBody adds the request body, or says why it is not the recorded one.
func (c *command) addBody(b model.Body) {
	if b.Preview == "" {
		if b.Size > 0 {
			c.notes = append(c.notes, fmt.Sprintf("the %d-byte body was not recorded: this command sends none", b.Size))
		}
		return
	}
	text := termtext.SanitizeBlock(b.Preview)
	if text != b.Preview {
		c.notes = append(c.notes, "the body held characters that cannot be written safely; they are left out, so this is not the recorded body")
	}
	if b.Truncated {
		of := "an unknown number of"
		if b.Size >= 0 {
			of = strconv.FormatInt(b.Size, 10)
		}
		c.notes = append(c.notes, fmt.Sprintf("the recorded body was cut at %d of %s bytes: this command sends only that part, so it is not exact", len(b.Preview), of))
	}
	if strings.Contains(b.Preview, "******") {
		c.notes = append(c.notes, "the body holds values masked when recorded")
	}
	// --data-binary reads a file when the data starts with "@": a body
	// from the network must never name a local file to send.
	flag := "--data-binary "
	if strings.HasPrefix(text, "@") {
		flag = "--data-raw "
	}
	c.args = append(c.args, flag+shellQuote(text))
}

// title is the comment line naming the record: time, id, operation,
// device and what was recorded.
func title(r *model.Record) string {
	s := "#" + strconv.FormatUint(r.ID, 10) + " " + r.Start.UTC().Format("2006-01-02T15:04:05.000Z07:00") + " " + clip(termtext.Sanitize(r.Operation), 60)
	if d := model.DeviceLabel(r.Device()); d != "" {
		s += " " + clip(termtext.Sanitize(d), 80)
	}
	return s + ": recorded " + recorded(r)
}

// recorded says what answer the record got.
func recorded(r *model.Record) string {
	var s string
	if r.Status == 0 {
		s = "no response"
	} else {
		s = strconv.Itoa(r.Status)
		if r.APICode != "" {
			s += " " + clip(termtext.Sanitize(r.APICode), 60)
		}
	}
	if r.Err != nil {
		s += " (" + clip(termtext.Sanitize(string(r.Err.Kind)+": "+r.Err.Text), 160) + ")"
	}
	return s
}

// shellWord is s bare when it is plain letters, digits and hyphens (a
// method), else single-quoted.
func shellWord(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return shellQuote(s)
		}
	}
	if s == "" {
		return "''"
	}
	return s
}

// shellQuote single-quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isToken reports whether s is an HTTP token (a method or header name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// clip cuts safe text to n runes with "…".
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
