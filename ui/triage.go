package ui

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/model/har"
	"edgetop/ui/export"
	"edgetop/ui/prompt"
	"edgetop/ui/summary"
	"edgetop/ui/termtext"
)

// The triage keys: the list's clock, copying a request, exporting the
// view, the failure summary, errors only.

// cycleClock moves the list's time column to the next clock.
func (a *App) cycleClock() tea.Cmd {
	a.clock.Mode = a.clock.Mode.Next()
	a.list.SetClock(a.clock)
	return a.setNotice(noticeInfo, "time: "+a.clock.Mode.String())
}

// yank copies the selected request to the clipboard through OSC 52 (it
// reaches the local terminal over SSH and through tmux): as a curl
// command, or as its Record JSON. The text is sanitised: a record's text
// came from the network.
func (a *App) yank(asJSON bool) tea.Cmd {
	r := a.list.Selected().Rec
	if r == nil {
		return a.setNotice(noticeInfo, "no request selected to copy")
	}
	var text, what string
	if asJSON {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return a.setNotice(noticeError, "copy failed: "+err.Error())
		}
		text, what = string(model.AppendSafeJSON(nil, b)), "JSON"
	} else {
		var buf bytes.Buffer
		if err := export.Curl(&buf, model.Slice{*r}, a.deps.Export); err != nil {
			return a.setNotice(noticeError, "copy failed: "+err.Error())
		}
		text, what = buf.String(), "curl command"
	}
	text = termtext.SanitizeBlock(text)
	return tea.Batch(tea.SetClipboard(text), a.setNotice(noticeInfo,
		"copied request #"+strconv.FormatUint(r.ID, 10)+" as "+what+" ("+strconv.Itoa(len(text))+" bytes, OSC 52)"))
}

// openExport asks where to write the current view (the format from the
// file's extension).
func (a *App) openExport() {
	name := "edgetop-view-" + a.now.UTC().Format("20060102T150405Z") + ".jsonl"
	a.openModal(prompt.New(a.theme, a.keys.Prompt, prompt.Export, name))
}

// exportProblem is why path cannot be exported to, nil when it can be
// tried: the prompt stays open on it.
func exportProblem(path string) *prompt.Problem {
	path = strings.TrimSpace(path)
	if _, ok := export.FormatOf(path); !ok {
		return &prompt.Problem{
			Pos: len(path) - len(filepath.Ext(path)), End: len(path),
			Msg: "end the name in .jsonl, .har, .csv or .sh (curl)",
		}
	}
	return nil
}

// exportView writes the records the list shows (the filter applied) to
// path, in the format its extension says, off the loop.
func (a *App) exportView(path string) tea.Cmd {
	path = strings.TrimSpace(path)
	format, ok := export.FormatOf(path)
	if !ok {
		return a.setNotice(noticeError, "export: "+filepath.Ext(path)+
			" is not a format edgetop writes (.jsonl, .har, .csv, .sh for curl)")
	}
	if a.exporting != nil {
		done, total := a.exporting.b.Progress()
		return a.setNotice(noticeWarn, "an export is still being copied ("+strconv.Itoa(100*done/max(total, 1))+"%): wait for it")
	}
	if !a.view.Complete() {
		// The whole view, not the part a re-filter examined so far: the
		// export starts when the scan is done (handleScan), the loop never
		// held up for it.
		a.exportAfterScan = path
		return tea.Batch(a.scanCmd(), a.setNotice(noticeInfo,
			"export: waiting for the filter to go through every record held ("+a.scanText()+")"))
	}
	// A snapshot (48 bytes a record, the blocks shared), copied a slice a
	// tick, is written off the loop and decoded there record by record:
	// ten million records export without a stall, and without ten million
	// Records in memory.
	a.exporting = &exportJob{b: a.view.SnapshotSteps(a.visibleLen()), path: path, format: format}
	return a.stepExport()
}

// exportJob is an export whose snapshot is being copied.
type exportJob struct {
	b            *model.SnapshotBuilder
	path, format string
}

// exportSlice is how many records a tick copies into an export's
// snapshot (about 10 ms; a variable so that a test can make slices of a
// small view).
var exportSlice = 500_000

// stepExport copies a slice of the export's snapshot, and writes it off
// the loop once complete.
func (a *App) stepExport() tea.Cmd {
	j := a.exporting
	if !j.b.Step(exportSlice) {
		return a.scanCmd()
	}
	a.exporting = nil
	return exportCmd(j.path, j.format, j.b.Snapshot(), j.b.Lost(), a.deps.Export, a.deps.Creator)
}

// exported reports how an export went.
func (a *App) exported(m exportedMsg) tea.Cmd {
	if m.Err != nil {
		return a.setNotice(noticeError, "export failed: "+m.Err.Error())
	}
	text := "exported " + strconv.Itoa(m.N) + " " + plural(m.N, "request") + " to " + m.Path
	if m.Lost > 0 {
		return a.setNotice(noticeWarn, text+"; "+strconv.Itoa(m.Lost)+" more fell out of memory before they were copied")
	}
	return a.setNotice(noticeInfo, text)
}

// openSummary shows the failure summary.
func (a *App) openSummary() {
	a.openModal(summary.New(a.theme, a.keys, a.failures, a.now))
}

// summaryIntent carries out what the summary asked for.
func (a *App) summaryIntent(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case summary.Apply:
		a.classes(0)
		return a.applyQuery(m.Query)
	case summary.Copy:
		return tea.Batch(tea.SetClipboard(termtext.SanitizeBlock(m.Text)), a.setNotice(noticeInfo,
			"copied the failure summary ("+strconv.Itoa(m.Groups)+" "+plural(m.Groups, "group")+", OSC 52)"))
	}
	return nil
}

// toggleErrorsOnly shows only 4xx, 5xx and transport errors, or every
// class again.
func (a *App) toggleErrorsOnly() {
	if a.filter.Classes == model.ErrorClasses {
		a.classes(0)
		return
	}
	a.classes(model.ErrorClasses)
}

// classes sets the class toggles (0: every class).
func (a *App) classes(set model.ClassSet) {
	f := a.filter
	f.Classes = set
	a.setFilter(f)
}

// refreshSummary keeps an open summary up to date with new failures.
func (a *App) refreshSummary() {
	if p, ok := a.modals.Top().(*summary.Pane); ok {
		p.Refresh(a.now)
	}
}

// checkFailOn ends the dashboard at the first record --fail-on matches.
func (a *App) checkFailOn(recs []model.Record) tea.Cmd {
	if a.deps.FailOn == nil || a.failedOn != nil {
		return nil
	}
	for i := range recs {
		if a.deps.FailOn.Match(&recs[i]) {
			r := recs[i]
			a.failedOn = &r
			return a.quit()
		}
	}
	return nil
}

// clockBase starts relative time at the session's first record.
func (a *App) clockBase(recs []model.Record) {
	if a.clock.Base.IsZero() && len(recs) > 0 {
		a.clock.Base = recs[0].Start
		a.list.SetClock(a.clock)
	}
}

// exportCmd writes the snapshot to path in format, off the loop, and
// releases it. The file is written whole to a temporary name, then
// renamed, so a failed export leaves no half file.
func exportCmd(path, format string, snap *model.Snapshot, lost int, o export.Options, c har.Creator) tea.Cmd {
	return func() tea.Msg {
		defer snap.Release()
		err := export.WriteFile(path, format, snap, o, c)
		return exportedMsg{Path: path, N: snap.Len(), Lost: lost, Err: err}
	}
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
