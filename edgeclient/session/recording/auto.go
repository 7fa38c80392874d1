package recording

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// The default bounds of the recordings directory (Limits).
const (
	DefaultMaxFiles = 50
	DefaultMaxTotal = 500 << 20 // bytes
	DefaultMaxAge   = 14 * 24 * time.Hour
	DefaultMaxFile  = 100 << 20 // bytes
)

// Limits bound the default recordings (Auto); a zero field takes its
// default. They are checked whenever a file is created (a session starts,
// or goes on in a new part): the oldest recordings are deleted until the
// others number at most MaxFiles-1 and hold at most MaxTotal-MaxFile
// bytes, so that with the new file full the directory holds MaxFiles and
// MaxTotal at most; those last written more than MaxAge ago go whatever
// the room. Sessions running side by side each count only their own file,
// so the directory may exceed MaxTotal by a file per extra session.
type Limits struct {
	// MaxFiles is how many recordings the directory keeps, the new one
	// included.
	MaxFiles int
	// MaxTotal is how many bytes they hold.
	MaxTotal int64
	// MaxAge is how long a recording is kept after its last write.
	MaxAge time.Duration
	// MaxFile is the size of one file (at most MaxTotal): a record never
	// crosses it, except one larger than a whole file, alone in its part.
	MaxFile int64
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = DefaultMaxTotal
	}
	if l.MaxAge <= 0 {
		l.MaxAge = DefaultMaxAge
	}
	if l.MaxFile <= 0 {
		l.MaxFile = DefaultMaxFile
	}
	l.MaxFile = min(l.MaxFile, l.MaxTotal)
	return l
}

// DefaultDir is where sessions are recorded by default:
// $XDG_STATE_HOME/edgetop/sessions, else $HOME/.local/state/edgetop/sessions
// (a relative XDG_STATE_HOME is ignored, as the XDG spec says).
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "edgetop", "sessions"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("no directory for the recordings: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "edgetop", "sessions"), nil
}

// autoState is what a Writer made by Auto needs to go on in a new part.
type autoState struct {
	dir, base string // base: the name without ".jsonl"
	lim       Limits
	part      int
	start     time.Time // Auto's now
	wall      time.Time // the wall clock at Auto, for the time since
}

// Auto starts the default recording of a session in dir (created, 0700,
// when missing), named after now (UTC) and the process:
// edgetop-20261201T093000Z-<pid>.jsonl. It first deletes old recordings to
// keep dir within lim (see Limits); the file, once at lim.MaxFile, goes on
// in edgetop-...-<pid>-2.jsonl, -3, ...
func Auto(dir string, m Meta, now time.Time, lim Limits) (*Writer, error) {
	lim = lim.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("the recordings directory: %w", err)
	}
	w := newWriter(m)
	w.auto = &autoState{dir: dir, lim: lim, part: 1, start: now, wall: time.Now()}
	if err := sweep(dir, lim, now); err != nil {
		return nil, err
	}
	// Two sessions of one process (or of two PID namespaces) in the same
	// second: the later one takes the next free second.
	for try := range 10 {
		w.auto.base = fmt.Sprintf("edgetop-%s-%d", now.UTC().Add(time.Duration(try)*time.Second).Format(nameTime), os.Getpid())
		f, path, err := createNew(dir, w.auto.base+".jsonl")
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := w.start(f, path, m); err != nil {
			return nil, err
		}
		return w, nil
	}
	return nil, fmt.Errorf("recording in %s: every name for %s is taken", dir, now.UTC().Format(nameTime))
}

// createNew creates dir/name, which must not exist, with mode 0600.
func createNew(dir, name string) (*os.File, string, error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, path, fmt.Errorf("recording to %s: %w", path, err)
	}
	return f, path, nil
}

// rotate closes the full file and goes on in the session's next part,
// after making room for it.
func (w *Writer) rotate() error {
	a := w.auto
	if err := w.f.Close(); err != nil {
		w.err = fmt.Errorf("recording to %s: %w", w.path, err)
		return w.err
	}
	w.f = nil
	a.part++
	now := a.start.Add(since(a.wall))
	name := fmt.Sprintf("%s-%d.jsonl", a.base, a.part)
	if err := sweep(a.dir, a.lim, now); err != nil {
		w.err = err
		return err
	}
	f, path, err := createNew(a.dir, name)
	if err == nil {
		m := w.meta
		m.Part = a.part
		err = w.start(f, path, m)
	}
	if err != nil {
		w.err = err
		return err
	}
	return nil
}

// nameTime is the time in a recording's name: UTC, sortable.
const nameTime = "20060102T150405Z"

// namePattern matches the recordings Auto makes, and only those are ever
// deleted: time, pid, part.
var namePattern = regexp.MustCompile(`^edgetop-(\d{8}T\d{6}Z)-(\d+)(?:-(\d+))?\.jsonl$`)

// recFile is a recording found in a directory.
type recFile struct {
	name      string
	at        time.Time // from the name
	pid, part int
	size      int64
	mod       time.Time
}

// compareRecFiles orders recordings oldest first: by the time in the
// name, then the process, then the part.
func compareRecFiles(a, b recFile) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.pid, b.pid), cmp.Compare(a.part, b.part))
}

// listRecordings is the recordings in dir, oldest first.
func listRecordings(dir string) ([]recFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []recFile
	for _, e := range ents {
		m := namePattern.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		at, err := time.Parse(nameTime, m[1])
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // deleted meanwhile
		}
		rf := recFile{name: e.Name(), at: at, size: info.Size(), mod: info.ModTime(), part: 1}
		rf.pid, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			rf.part, _ = strconv.Atoi(m[3])
		}
		out = append(out, rf)
	}
	slices.SortFunc(out, compareRecFiles)
	return out, nil
}

// sweep deletes recordings of dir: those last written more than
// lim.MaxAge before now, then the oldest until the rest leave room for one
// more file of lim.MaxFile bytes within lim.MaxFiles and lim.MaxTotal.
func sweep(dir string, lim Limits, now time.Time) error {
	files, err := listRecordings(dir)
	if err != nil {
		return fmt.Errorf("the recordings directory: %w", err)
	}
	var total int64
	kept := files[:0]
	var errs []error
	for _, f := range files {
		if f.pid != os.Getpid() && isAlive(f.pid) {
			// Another session still writes it: never deleted under it
			// (nor counted: it goes when that session has ended).
			continue
		}
		if now.Sub(f.mod) > lim.MaxAge {
			errs = append(errs, remove(dir, f.name))
			continue
		}
		kept = append(kept, f)
		total += f.size
	}
	for i := 0; i < len(kept) && (len(kept)-i+1 > lim.MaxFiles || total+lim.MaxFile > lim.MaxTotal); i++ {
		errs = append(errs, remove(dir, kept[i].name))
		total -= kept[i].size
	}
	return errors.Join(errs...)
}

// isAlive is processAlive (a test fakes it: the names in its files carry
// made-up IDs).
var isAlive = processAlive

// processAlive reports whether a process with that ID runs (a recording's
// name holds its writer's).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// remove deletes dir/name; one already gone is fine.
func remove(dir, name string) error {
	err := os.Remove(filepath.Join(dir, name))
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("deleting an old recording: %w", err)
}

// Last is the newest recording in dir (edgetop replay --last): the last
// part of the session that started last.
func Last(dir string) (string, error) {
	files, err := listRecordings(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no recording in %s: the directory does not exist", dir)
	}
	if err != nil {
		return "", fmt.Errorf("looking for the last recording: %w", err)
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no recording in %s", dir)
	}
	return filepath.Join(dir, files[len(files)-1].name), nil
}
