// Package earlysignal catches SIGINT and SIGTERM from the moment it is
// initialised. Initialising every package of a binary this size takes a
// good part of a second on a busy machine; a signal in that window used to
// kill gwanmun before main had installed its handler (exit 143, no summary
// line). This package imports only the standard library, so Go
// initialises it within the first milliseconds, and main picks up a
// signal that arrived in between as a cancelled context.
package earlysignal

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

var ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)

// Context is cancelled by the first SIGINT or SIGTERM since start-up.
func Context() context.Context { return ctx }

// Stop restores the default signal behaviour (a test binary that is not
// standing in for gwanmun wants Ctrl-C to end it).
func Stop() { stop() }
