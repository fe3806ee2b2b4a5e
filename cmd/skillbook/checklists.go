package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"skillbook/checklists"
	"skillbook/models"
)

func checklistsValidate(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	return checklistsCmd("validate", args, stdout, stderr)
}

func checklistsList(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	return checklistsCmd("list", args, stdout, stderr)
}

// checklistsCmd checks or lists checklist files: a directory of them, or
// the library built into this binary. It needs no configuration or store.
func checklistsCmd(sub string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("checklists "+sub, flag.ContinueOnError)
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErrorf(fs, "takes at most one argument, a directory")
	}
	args = fs.Args()
	lib, err := loadChecklists(args)
	if err != nil {
		var errs checklists.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				fmt.Fprintln(stderr, e)
			}
			return fmt.Errorf("checklists %s: %d problems found", sub, len(errs))
		}
		return fmt.Errorf("checklists %s: %w", sub, err)
	}
	if sub == "validate" {
		fmt.Fprintf(stdout, "%d checklists OK\n", len(lib))
		return nil
	}
	return printChecklists(stdout, lib)
}

// loadChecklists loads the directory in args, or the built-in library.
func loadChecklists(args []string) ([]models.Checklist, error) {
	if len(args) == 0 {
		return checklists.Library()
	}
	if fi, err := os.Stat(args[0]); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", args[0])
	}
	return checklists.LoadFS(os.DirFS(args[0]))
}

// printChecklists writes a table of lib in curriculum order of areas.
func printChecklists(w io.Writer, lib []models.Checklist) error {
	order := map[models.Area]int{}
	for i, a := range models.Areas {
		order[a] = i
	}
	sort.SliceStable(lib, func(i, j int) bool {
		if lib[i].Area != lib[j].Area {
			return order[lib[i].Area] < order[lib[j].Area]
		}
		return lib[i].ID < lib[j].ID
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tAREA\tSTEPS\tCRITICAL\tCOMPETENCIES")
	for _, c := range lib {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\n", c.ID, c.Version, c.Area, len(c.Steps), c.CriticalSteps(), strings.Join(c.Competencies, ", "))
	}
	return tw.Flush()
}

// loadLibrary stores the built-in checklist library at start-up. A broken
// library, or a shipped version edited without a version bump, stops
// start-up with the error.
func loadLibrary(ctx context.Context, st engine, log *slog.Logger) error {
	lib, err := checklists.Versions()
	if err != nil {
		return fmt.Errorf("checklist library:\n%w", err)
	}
	added, err := st.UpsertLibrary(ctx, lib)
	if err != nil {
		return fmt.Errorf("checklist library: %w", err)
	}
	log.Info("checklist library", "checklists", len(lib), "added", added)
	return nil
}
