package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/spf13/cobra"
)

type scheduleOptions struct {
	ingest  ingestOptions
	cron    string
	tz      string
	catchUp bool
}

func newScheduleCmd(a *app) *cobra.Command {
	o := &scheduleOptions{}
	c := &cobra.Command{
		Use:   "schedule --cron 'EXPR' [ingest flags]",
		Short: "Run ingest on a cron schedule, for machines without cron",
		Long: `Stay in the foreground and run 'gwanmun ingest' (with the same flags) at the
times a cron expression names: five fields (minute hour day-of-month month
day-of-week), an optional leading seconds field, or @hourly / @daily /
@every 6h. Times are local unless --tz or a CRON_TZ= prefix says otherwise.

Runs never overlap: a run still going when the next is due makes that one skip
(singleton mode), and the lake lock keeps out ingests started elsewhere. At
start, sources whose last completed run is older than one schedule interval
catch up at once (--catch-up=false turns that off). Every run prints its summary
(one JSON line when stdout is not a terminal); a failed run is logged and the
schedule goes on. SIGTERM or Ctrl-C stops it cleanly: an ingest in flight is
abandoned (the lake keeps nothing of it) and the command exits 0.

For a systemd service or a container, see docs/operations.md.`,
		Example: `  gwanmun schedule --cron '0 3 * * *'                    # daily at 03:00 local time
  gwanmun schedule --cron '30 */6 * * *' --source rss --mode record --record archive/
  gwanmun schedule --cron 'CRON_TZ=Europe/Berlin 0 9 * * 1-5' --source rss`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Bad flags or config fail now, not at every scheduled run.
			if _, err := a.config(); err != nil {
				return usageError{err}
			}
			if err := o.ingest.validate(); err != nil {
				return err
			}
			for _, n := range o.ingest.sources {
				if _, err := a.registry.Get(n); err != nil {
					return usageError{err}
				}
			}
			return runSchedule(cmd.Context(), a, o, func(ctx context.Context, ifOlderThan time.Duration) {
				opts := o.ingest
				opts.ifOlderThan = ifOlderThan
				sum, err := runIngest(ctx, a, &opts)
				if err := reportIngest(a, sum, err); err != nil && !errors.Is(err, errPartial) {
					var quiet reported
					if !errors.As(err, &quiet) {
						a.logger().Error("scheduled ingest failed", "run_id", sum.RunID, "err", err)
					}
				}
			})
		},
	}
	c.Flags().StringVar(&o.cron, "cron", "", "cron expression (required), e.g. '0 3 * * *'")
	c.Flags().StringVar(&o.tz, "tz", "", "time zone of the expression, e.g. Asia/Seoul (default local)")
	c.Flags().BoolVar(&o.catchUp, "catch-up", true, "at start, run sources whose last completed run is older than one interval")
	o.ingest.addFlags(c.Flags())
	return c
}

// runSchedule runs job on the schedule until ctx is cancelled. job gets
// the catch-up age: one interval for the start-up run, 0 for scheduled ones.
func runSchedule(ctx context.Context, a *app, o *scheduleOptions, job func(ctx context.Context, ifOlderThan time.Duration)) error {
	if o.cron == "" {
		return usageError{errors.New("--cron is required, e.g. --cron '0 3 * * *'")}
	}
	loc := time.Local
	if o.tz != "" {
		var err error
		if loc, err = time.LoadLocation(o.tz); err != nil {
			return usageError{fmt.Errorf("--tz: %w", err)}
		}
	}
	interval, err := cronInterval(o.cron, loc, time.Now())
	if err != nil {
		return usageError{err}
	}
	s, err := gocron.NewScheduler(gocron.WithLocation(loc), gocron.WithStopTimeout(time.Minute))
	if err != nil {
		return err
	}
	j, err := s.NewJob(gocron.CronJob(o.cron, true),
		gocron.NewTask(func(ctx context.Context) { job(ctx, 0) }),
		gocron.WithName("ingest"),
		// A run still going when the next is due: skip that slot.
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithContext(ctx))
	if err != nil {
		_ = s.Shutdown()
		return usageError{fmt.Errorf("--cron %q: %w", o.cron, err)}
	}
	log := a.logger()
	if o.catchUp {
		job(ctx, interval)
	}
	if ctx.Err() != nil { // stopped during the catch-up run
		return s.Shutdown()
	}
	s.Start()
	next, _ := j.NextRun()
	log.Info("schedule started", "cron", o.cron, "interval", interval.String(), "next_run", next)
	<-ctx.Done()
	// Shutdown cancels the running job's context (WithContext) and waits
	// for it to return, so the lake lock is released before we exit.
	if err := s.Shutdown(); err != nil {
		return fmt.Errorf("stop schedule: %w", err)
	}
	log.Info("schedule stopped")
	return nil
}

// cronInterval is the time between the expression's next two runs: the
// age at which a source counts as having missed a run.
func cronInterval(expr string, loc *time.Location, now time.Time) (time.Duration, error) {
	c := gocron.NewDefaultCron(true)
	if err := c.IsValid(expr, loc, now); err != nil {
		return 0, fmt.Errorf("--cron %q: %w", expr, err)
	}
	first := c.Next(now)
	return c.Next(first).Sub(first), nil
}
