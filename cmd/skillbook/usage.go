package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// A command is one line of the command line: its name (two words for a
// subcommand such as "keys rotate"), the arguments after the name, what it
// does, and the function that runs it. Help, usage and the unknown-command
// errors are all made from the table in main.go.
type command struct {
	name     string
	synopsis string
	summary  string // one line, or two separated by \n
	run      func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

// usageError is a bad command line; like a bad setting it exits with 2.
// One that carries the command's flags (every error of parseFlags and
// usageErrorf does) has run print that command's usage with it: on stdout
// for a help request, on stderr before the error otherwise.
type usageError struct {
	msg   string
	flags *flag.FlagSet
	help  bool
}

func (e *usageError) Error() string { return e.msg }

// parseFlags parses the flags of a command that takes no other arguments.
// It runs before the command reads a setting or touches anything, so
// --help and a bad flag never do more than print the usage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// parseArgs parses a command's flags and leaves its other arguments in
// fs.Args() for the command to check (with usageErrorf).
func parseArgs(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return &usageError{msg: fs.Name() + ": help requested", flags: fs, help: true}
	}
	if err != nil {
		return usageErrorf(fs, "%v", err)
	}
	return nil
}

// usageErrorf is a bad argument to the command fs belongs to: run prints
// the command's usage with it.
func usageErrorf(fs *flag.FlagSet, format string, args ...any) error {
	return &usageError{msg: fs.Name() + ": " + fmt.Sprintf(format, args...), flags: fs}
}

// isHelp says whether an argument asks for help.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "-help" || arg == "--help"
}

// dispatch runs the command args name, or answers with usage: the whole
// list, or a group's (the commands named "keys …") for its first word.
func dispatch(ctx context.Context, cmds []command, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "help" {
		if len(args) == 1 {
			fmt.Fprint(stdout, topUsage(cmds))
			return nil
		}
		// skillbook help NAME… is NAME… --help.
		args = append(slices.Clip(args[1:]), "--help")
	}
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(stdout, topUsage(cmds))
		return nil
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"serve"}, args...)
	}
	if c, rest, ok := lookup(cmds, args); ok {
		if len(rest) == 1 && rest[0] == "help" {
			rest = []string{"--help"}
		}
		err := c.run(ctx, rest, getenv, stdout, stderr)
		var ue *usageError
		if errors.As(err, &ue) && ue.flags != nil {
			if ue.help {
				fmt.Fprint(stdout, c.usage(ue.flags))
				return nil
			}
			fmt.Fprint(stderr, c.usage(ue.flags))
		}
		return err
	}
	group := groupOf(cmds, args[0])
	if len(group) == 0 {
		fmt.Fprint(stderr, topUsage(cmds))
		return &usageError{msg: fmt.Sprintf("unknown command %q", args[0])}
	}
	if len(args) > 1 && isHelp(args[1]) {
		fmt.Fprint(stdout, groupUsage(args[0], group))
		return nil
	}
	fmt.Fprint(stderr, groupUsage(args[0], group))
	if len(args) == 1 {
		return &usageError{msg: args[0] + ": name a command"}
	}
	return &usageError{msg: fmt.Sprintf("%s: unknown command %q", args[0], args[1])}
}

// lookup finds the command args begin with, and the arguments left for it.
func lookup(cmds []command, args []string) (command, []string, bool) {
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// groupOf lists the commands whose name is word and more.
func groupOf(cmds []command, word string) []command {
	var group []command
	for _, c := range cmds {
		if strings.HasPrefix(c.name, word+" ") {
			group = append(group, c)
		}
	}
	return group
}

func (c command) line() string {
	return strings.TrimSpace(c.name + " " + c.synopsis)
}

// usage is the command's help: synopsis, what it does, and each flag with
// its default.
func (c command) usage(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: skillbook %s\n\n%s\n", c.line(), c.summary)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nflags:\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
		fs.VisitAll(func(f *flag.Flag) {
			value, text := flag.UnquoteUsage(f)
			if v, ok := c.placeholder(f.Name); ok {
				value = v
			}
			if value != "" {
				value = " " + value
			}
			if f.DefValue != "" && f.DefValue != "false" {
				text += fmt.Sprintf(" (default: %s)", f.DefValue)
			}
			fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, value, text)
		})
		tw.Flush()
	}
	return b.String()
}

// placeholder is the word the synopsis puts after --name ("--out FILE"
// gives FILE), so a flag reads the same in both; ok is false when the
// synopsis does not name the flag.
func (c command) placeholder(name string) (value string, ok bool) {
	words := strings.Fields(strings.NewReplacer("[", "", "]", "").Replace(c.synopsis))
	for i, w := range words {
		if w == "--"+name {
			if i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") {
				return words[i+1], true
			}
			return "", true
		}
	}
	return "", false
}

func topUsage(cmds []command) string {
	var b strings.Builder
	b.WriteString("usage: skillbook [COMMAND] [flags]   (serve when no command is named)\n\ncommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %s\n      %s\n", c.line(), strings.ReplaceAll(c.summary, "\n", "\n      "))
	}
	b.WriteString("\nskillbook help COMMAND (or COMMAND --help) prints a command's flags and their defaults.\n" +
		"Every setting comes from the environment; see the README.\n")
	return b.String()
}

func groupUsage(word string, group []command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: skillbook %s COMMAND\n\ncommands:\n", word)
	for _, c := range group {
		fmt.Fprintf(&b, "  %s\n      %s\n", strings.TrimPrefix(c.line(), word+" "), strings.ReplaceAll(c.summary, "\n", "\n      "))
	}
	fmt.Fprintf(&b, "\nskillbook help %s COMMAND prints a command's flags and their defaults.\n", word)
	return b.String()
}
