package ingest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest/progress"
)

// Run statuses, in the ledger and the summary line. Skipped, up-to-date
// and interrupted runs appear only in the summary: they commit nothing.
const (
	StatusOK      = "ok"
	StatusPartial = "partial"
	StatusFailed  = "failed"
	// StatusSkipped: another run holds the lake, so this one did nothing.
	StatusSkipped = "skipped"
	// StatusUpToDate: every collector ran recently enough (IfOlderThan).
	StatusUpToDate    = "up-to-date"
	StatusInterrupted = "interrupted"
)

// Runner executes collectors into one lake transaction.
type Runner struct {
	LakeDir string
	Log     *slog.Logger
	Mode    Mode
	// Bundled says a replay serves the collectors' bundled, hand-made
	// recordings (the offline demo): its rows are fixtures, not archives.
	Bundled   bool
	UserAgent string
	// Transport builds the HTTP transport for a web collector; the closer
	// flushes its archive. Nil for runs with only the seed.
	Transport func(c Collector) (http.RoundTripper, io.Closer, error)
	// BufferRows bounds how many rows of one collector wait in memory,
	// across all the partitions it writes (default DefaultBufferRows).
	// When the budget is hit the partition holding the most rows is
	// appended to its file; each partition still ends as one file.
	BufferRows int
	Now        func() time.Time
	// RunID is set by tests and the scheduler; empty means a fresh one.
	RunID string
	// LockWait is how long to wait for a running ingest to finish before
	// giving up with lakestore.ErrLocked; 0 gives up at once.
	LockWait time.Duration
	// IfOlderThan, when set, runs only the collectors whose last completed
	// run (ok or partial, from the ledger) finished longer ago than this:
	// the catch-up rule for a cron job or scheduler that missed its slot.
	IfOlderThan time.Duration
	// LogRepeats is how many lines with one message a collector logs per
	// run before the rest are counted into one summary line (default
	// DefaultLogRepeats); the ledger keeps every count.
	LogRepeats int
	// Progress shows each collector's counters as it runs (nil: counted,
	// not shown).
	Progress progress.Reporter
}

// Result is one collector's outcome.
type Result struct {
	Collector     string   `json:"collector"`
	Status        string   `json:"status"`
	RowsEmitted   int64    `json:"rows_emitted"`
	RowsWritten   int64    `json:"rows_written"`
	RowsRejected  int64    `json:"rows_rejected"`
	RowsDuplicate int64    `json:"rows_duplicate"`
	ParseFailures int64    `json:"parse_failures"`
	Requests      int64    `json:"requests"`
	Errors        []string `json:"errors,omitempty"`
	// LastCompleted is when the collector last completed, for one skipped
	// as up to date.
	LastCompleted *time.Time `json:"last_completed,omitempty"`
}

// Summary is the one-line JSON a cron run prints.
type Summary struct {
	RunID        string    `json:"run_id"`
	Status       string    `json:"status"`
	Lake         string    `json:"lake"`
	StartedAt    time.Time `json:"started_at"`
	FinishedAt   time.Time `json:"finished_at"`
	FilesWritten int       `json:"files_written"`
	FilesSkipped int       `json:"files_unchanged"`
	RowsWritten  int64     `json:"rows_written"`
	Collectors   []Result  `json:"collectors"`
	// Error says why a run failed, was skipped or interrupted as a whole.
	Error string `json:"error,omitempty"`
	// Holder is who held the lake when the run was skipped.
	Holder *lakestore.LockInfo `json:"holder,omitempty"`
}

// NewRunID returns a sortable, unique run id.
func NewRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Run executes the collectors in order and commits everything they wrote,
// plus one ledger row each, as a single lake transaction. A collector that
// fails is recorded and the others still run; cancelling ctx aborts the
// whole transaction and leaves the lake as it was. The summary is filled
// in on every return, errors included, so cron always gets its line.
func (r *Runner) Run(ctx context.Context, cols []Collector) (sum Summary, err error) {
	if r.Now == nil {
		r.Now = time.Now
	}
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if r.BufferRows <= 0 {
		r.BufferRows = DefaultBufferRows
	}
	runID := r.RunID
	if runID == "" {
		runID = NewRunID(r.Now())
	}
	sum = Summary{RunID: runID, Lake: r.LakeDir, StartedAt: r.Now().UTC(), Collectors: []Result{}}
	defer func() {
		sum.FinishedAt = r.Now().UTC()
		if err == nil {
			return
		}
		sum.Status, sum.Error = StatusFailed, err.Error()
		var le *lakestore.LockedError
		switch {
		case errors.As(err, &le):
			sum.Status = StatusSkipped
			if le.Holder.PID != 0 {
				sum.Holder = &le.Holder
			}
		case ctx.Err() != nil:
			sum.Status = StatusInterrupted
		}
	}()
	lk, err := lakestore.OpenContext(ctx, r.LakeDir, runID, lakestore.Options{Log: log, Wait: r.LockWait})
	if err != nil {
		return sum, err
	}
	defer lk.Close()
	cols, fresh, err := r.due(cols)
	if err != nil {
		return sum, err
	}
	if len(cols) == 0 && len(fresh) > 0 {
		sum.Collectors, sum.Status = fresh, StatusUpToDate
		return sum, nil
	}
	txn := lk.Begin(runID)
	host, _ := os.Hostname()
	var ledger []schema.Row
	var names []string
	for _, c := range cols {
		if err := ctx.Err(); err != nil {
			_ = txn.Abort()
			return sum, err
		}
		res, run, err := r.runOne(ctx, txn, c, runID, host, log)
		if err != nil { // the lake itself failed: nothing can be trusted
			_ = txn.Abort()
			return sum, err
		}
		if ctx.Err() != nil {
			_ = txn.Abort()
			return sum, ctx.Err()
		}
		sum.Collectors = append(sum.Collectors, res)
		ledger = append(ledger, run)
		names = append(names, c.Info().Name)
	}
	runsDS, _ := schema.Lookup("runs")
	byPart := map[string][]schema.Row{}
	for _, row := range ledger {
		byPart[row.Partition()] = append(byPart[row.Partition()], row)
	}
	for part, rows := range byPart {
		if err := txn.Write(runsDS, part, rows); err != nil {
			_ = txn.Abort()
			return sum, err
		}
	}
	m, err := txn.Commit(names)
	if err != nil {
		return sum, err
	}
	for _, f := range m.Files {
		if f.Dataset != "runs" {
			sum.FilesWritten++
			sum.RowsWritten += f.Rows
		}
	}
	sum.FilesSkipped = txn.Skipped
	sum.Status = overall(sum.Collectors)
	sum.Collectors = append(sum.Collectors, fresh...)
	return sum, nil
}

// due splits cols into those to run and, under IfOlderThan, results for
// those that completed recently enough to skip. It runs under the lake
// lock, so two catch-up runs started together cannot both decide to run.
func (r *Runner) due(cols []Collector) ([]Collector, []Result, error) {
	if r.IfOlderThan <= 0 {
		return cols, nil, nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Info().Name
	}
	last, err := lakestore.LastCompleted(r.LakeDir, names)
	if err != nil {
		return nil, nil, fmt.Errorf("catch-up: %w", err)
	}
	var run []Collector
	var fresh []Result
	for _, c := range cols {
		prev, ok := last[c.Info().Name]
		if ok && r.Now().Sub(prev.FinishedAt) < r.IfOlderThan {
			at := prev.FinishedAt.UTC()
			fresh = append(fresh, Result{Collector: c.Info().Name, Status: StatusUpToDate, LastCompleted: &at})
			continue
		}
		run = append(run, c)
	}
	return run, fresh, nil
}

func overall(rs []Result) string {
	if len(rs) == 0 {
		return StatusOK
	}
	ok, failed := 0, 0
	for _, r := range rs {
		switch r.Status {
		case StatusOK:
			ok++
		case StatusFailed:
			failed++
		}
	}
	switch {
	case ok == len(rs):
		return StatusOK
	case failed == len(rs):
		return StatusFailed
	}
	return StatusPartial
}

// runOne runs one collector, streaming its rows to the transaction in
// bounded batches. Only a lake failure is returned as an error; a
// collector's own failure is its Result.
func (r *Runner) runOne(ctx context.Context, txn *lakestore.Txn, c Collector, runID, host string, log *slog.Logger) (Result, *schema.Run, error) {
	info := c.Info()
	started := r.Now().UTC()
	buf := newPartBuffer(txn, r.BufferRows)
	defer buf.abort()
	rep := r.Progress
	if rep == nil {
		rep = progress.Nop()
	}
	pc := rep.Start(info.Name)
	status := StatusFailed
	defer func() { rep.Finish(pc, status) }()
	capped := newRepeatCap(log.Handler(), cmp.Or(r.LogRepeats, DefaultLogRepeats))
	defer capped.Flush(context.WithoutCancel(ctx), slog.String("collector", info.Name))
	s := &Session{
		RunID: runID, Mode: r.Mode, Bundled: r.Bundled, Log: slog.New(capped), UserAgent: r.UserAgent,
		info: info, now: r.Now, maxErrs: 50, progress: pc,
	}
	s.sink = func(row schema.Row, sum [rowhash.Size]byte) error {
		if err := buf.add(row, sum); err != nil {
			return err
		}
		pc.AddRows(1)
		return nil
	}
	s.recordSink = func(ds schema.Dataset, partition string, rec arrow.RecordBatch, sums [][rowhash.Size]byte) error {
		if err := buf.addRecord(ds, partition, rec, sums); err != nil {
			return err
		}
		pc.AddRows(rec.NumRows())
		return nil
	}
	var closer io.Closer
	if info.Kind == "web" {
		if r.Transport == nil {
			return Result{}, nil, fmt.Errorf("collector %s needs a transport and the runner has none", info.Name)
		}
		rt, cl, err := r.Transport(c)
		if err != nil {
			s.Error(fmt.Errorf("transport: %w", err))
		} else {
			s.transport, closer = rt, cl
		}
	}
	var collectErr error
	if info.Kind != "web" || s.transport != nil {
		collectErr = safeCollect(ctx, c, s)
	} else {
		collectErr = errors.New("no transport")
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			s.Error(fmt.Errorf("close archive: %w", err))
		}
	}
	written, err := buf.close()
	if err != nil {
		return Result{}, nil, err
	}
	if collectErr != nil {
		s.Error(collectErr)
	}
	res := Result{
		Collector: info.Name, RowsEmitted: s.counts.emitted, RowsWritten: written,
		RowsRejected: s.rejected, RowsDuplicate: s.counts.duplicates, ParseFailures: s.counts.parseFailures,
		Requests: s.counts.requests, Errors: s.errs,
	}
	accepted := s.counts.emitted - s.rejected
	switch {
	case collectErr != nil && accepted == 0:
		res.Status = StatusFailed
	case collectErr != nil || s.rejected > 0 || s.counts.parseFailures > 0 || len(s.errs) > 0:
		res.Status = StatusPartial
	default:
		res.Status = StatusOK
	}
	status = res.Status
	run := &schema.Run{
		Mode: string(r.Mode), StartedAt: started, FinishedAt: r.Now().UTC(), Status: res.Status,
		Requests: s.counts.requests, RequestsByStatus: s.statusJSON(),
		RobotsRefusals: s.counts.robotsRefusals, RowsEmitted: s.counts.emitted,
		RowsWritten: written, RowsRejected: s.rejected, ParseFailures: s.counts.parseFailures,
		Errors: s.errs, Host: host,
	}
	if info.Kind != "web" {
		run.Mode = "embedded"
	}
	run.Provenance = schema.Provenance{
		SourceURL: info.URL, SourceTitle: info.Description, FetchedAt: started,
		Collector: info.Name, CollectorVersion: info.Version, RunID: runID,
	}
	return res, run, nil
}

// safeCollect turns a collector panic into an error so one bad parser
// cannot take the run (and the other collectors' rows) down with it.
func safeCollect(ctx context.Context, c Collector, s *Session) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("collector %s panicked: %v", c.Info().Name, p)
		}
	}()
	return c.Collect(ctx, s)
}
