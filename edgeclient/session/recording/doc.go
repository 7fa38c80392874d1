// Package recording is a session's recording and its replay, both as
// sources of the session engine's events (DESIGN.md, "Data flow" 5: every
// batch is written to the recording before it reaches the screen).
//
// # The format
//
// A recording is JSON lines. Line 1 is a Meta object, the session's
// identity ({"edgetop_recording":1,"version":...}); every other line is one
// model.Record exactly as encoding/json writes it (model.Record's JSON
// form), one per exchange, in the order the engine sent them. Runes that
// would act on a terminal or hide text (C1 controls, DEL, bidi controls,
// zero-width characters, the soft hyphen, U+2028/9: model.AppendSafeJSON)
// are written as \uXXXX escapes, so `cat` of a recording is safe. A reader accepts a file without the meta line, skips
// damaged lines (reporting each as a LineError) and a final line cut short
// by a crash.
//
// # Where, and how much
//
// Tee writes the batches of a session with a Writer: Create for
// --record FILE (no bound but the disk), Auto for the default recording in
// DefaultDir ($XDG_STATE_HOME/edgetop/sessions, else
// ~/.local/state/edgetop/sessions), named
// edgetop-20261201T093000Z-<pid>.jsonl, bounded by Limits:
//
//	bound                     default    how
//	files in the directory    50         the oldest recordings are deleted when one is created
//	bytes in the directory    500 MiB    the same: the others plus one full file fit
//	age                       14 days    recordings last written longer ago are deleted
//	size of one file          100 MiB    the session goes on in ...-2.jsonl, -3, ... (each
//	                                     with its own meta line), older ones deleted as above,
//	                                     this session's first parts included
//
// Only files named like a recording are ever deleted.
//
// # Replay
//
// A Reader reads a recording (Open, NewReader); a Player replays records
// as a session.Runner, at a chosen speed, with the Controls a dashboard
// needs (pause, step, seek, position).
package recording
