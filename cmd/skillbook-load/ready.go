package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"skillbook/load"
)

// ready measures time to ready: it starts the given server command with
// PORT=0, reads where it listens from its JSON log, and polls /readyz until
// it answers 200; then stops it. It does so -runs times and prints each
// time and the median.
func ready(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ready", flag.ContinueOnError)
	runs := fs.Int("runs", 3, "how many times to start the server")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest wait for one start")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	cmd := fs.Args()
	if len(cmd) == 0 || *runs < 1 {
		return usageError("ready: give the server command after the flags, such as: skillbook-load ready -runs 3 -- ./skillbook serve")
	}
	var times []time.Duration
	for i := range *runs {
		p, err := load.Start(ctx, cmd[0], cmd[1:], []string{"PORT=0"}, nil, *timeout)
		if err != nil {
			return err
		}
		d, err := p.WaitReady(ctx, *timeout)
		stopErr := p.Stop(30 * time.Second)
		if err != nil {
			return fmt.Errorf("run %d: %w\n%s", i+1, err, p.Head())
		}
		if stopErr != nil {
			fmt.Fprintf(stdout, "run %d: stop: %v\n", i+1, stopErr)
		}
		times = append(times, d)
		fmt.Fprintf(stdout, "run %d: ready in %s\n", i+1, d.Round(time.Millisecond))
	}
	slices.Sort(times)
	fmt.Fprintf(stdout, "time to ready: median %s, min %s, max %s over %d runs\n",
		times[len(times)/2].Round(time.Millisecond), times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), len(times))
	return nil
}
