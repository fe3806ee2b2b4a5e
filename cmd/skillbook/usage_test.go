package main

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

// invoke runs the program as main does, with an environment that fails
// the test when read: help and a bad command line touch nothing.
func invoke(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	getenv := func(name string) string {
		t.Errorf("run(%q) read %s; want the command line handled first", args, name)
		return ""
	}
	var out, errw bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errw)
	code = exitCode(err, &errw)
	return code, out.String(), errw.String()
}

// commandFlags is each command's flags, as its usage must name them.
var commandFlags = map[string][]string{
	"serve":               {"--demo"},
	"bootstrap":           {"--program NAME", "--admin-email EMAIL", "--admin-name NAME"},
	"checklists validate": nil,
	"checklists list":     nil,
	"export":              {"--program ID", "--out FILE"},
	"import":              {"--in FILE", "--keys FILE|URL"},
	"seed":                {"--students N", "--cohorts N", "--program NAME", "--seed S", "--out FILE", "--password P", "--audit"},
	"verify":              {"--keys FILE|URL"},
	"keys show":           nil,
	"keys generate":       nil,
	"keys rotate":         nil,
	"backup":              {"--out FILE"},
	"restore":             {"--in FILE"},
	"version":             nil,
}

func TestEveryCommandAnswersHelp(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			words := strings.Fields(c.name)
			want := "usage: skillbook " + c.line() + "\n"
			var first string
			for _, args := range [][]string{
				slices.Concat(words, []string{"--help"}),
				slices.Concat(words, []string{"-h"}),
				slices.Concat(words, []string{"help"}),
				append([]string{"help"}, words...),
			} {
				code, stdout, stderr := invoke(t, args...)
				if code != 0 || stderr != "" {
					t.Errorf("run(%q) = exit %d, stderr %q; want exit 0 and nothing on stderr", args, code, stderr)
				}
				if !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, c.summary) {
					t.Errorf("run(%q) printed %q; want the usage, starting %q, with the summary", args, stdout, want)
				}
				for _, f := range commandFlags[c.name] {
					if !strings.Contains(stdout, "  "+f+"  ") {
						t.Errorf("run(%q) printed %q; want a line for %s", args, stdout, f)
					}
				}
				if first == "" {
					first = stdout
				} else if stdout != first {
					t.Errorf("run(%q) printed %q; want what %s --help prints, %q", args, stdout, c.name, first)
				}
			}

			args := slices.Concat(words, []string{"--no-such-flag"})
			code, stdout, stderr := invoke(t, args...)
			if code != 2 || stdout != "" {
				t.Errorf("run(%q) = exit %d, stdout %q; want exit 2 and nothing on stdout", args, code, stdout)
			}
			if !strings.HasPrefix(stderr, first) || !strings.HasSuffix(stderr, "skillbook: "+c.name+": flag provided but not defined: -no-such-flag\n") {
				t.Errorf("run(%q) wrote %q on stderr; want the usage, then the error", args, stderr)
			}
		})
	}
	for name := range commandFlags {
		if _, _, ok := lookup(commands, strings.Fields(name)); !ok {
			t.Errorf("commandFlags names %q, which is no command", name)
		}
	}
}

func TestBadArgumentsPrintUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		cmd  string // whose usage comes first
		want string // the error after it
	}{
		{[]string{"--bogus"}, "serve", "serve: flag provided but not defined: -bogus"},
		{[]string{"serve", "now"}, "serve", `serve: unexpected argument "now"`},
		{[]string{"bootstrap", "--program", "College"}, "bootstrap", "bootstrap: --program and --admin-email are required"},
		{[]string{"export"}, "export", "export: --program ID is required"},
		{[]string{"export", "--program"}, "export", "export: flag needs an argument: -program"},
		{[]string{"seed", "--students", "many"}, "seed", `seed: invalid value "many" for flag -students: parse error`},
		{[]string{"verify"}, "verify", "verify: name at least one archive or transcript PDF"},
		{[]string{"keys", "generate"}, "keys generate", "keys generate: name the one file to write"},
		{[]string{"keys", "generate", "a.pem", "b.pem"}, "keys generate", "keys generate: name the one file to write"},
		{[]string{"keys", "show", "all"}, "keys show", `keys show: unexpected argument "all"`},
		{[]string{"checklists", "validate", "a", "b"}, "checklists validate", "checklists validate: takes at most one argument, a directory"},
		{[]string{"backup"}, "backup", "backup: --out FILE is required"},
		{[]string{"restore", "--in", "b.db", "now"}, "restore", `restore: unexpected argument "now"`},
		{[]string{"version", "--short"}, "version", "version: flag provided but not defined: -short"},
	} {
		code, stdout, stderr := invoke(t, c.args...)
		cmd, _, _ := lookup(commands, strings.Fields(c.cmd))
		usage := "usage: skillbook " + cmd.line() + "\n"
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, usage) || !strings.HasSuffix(stderr, "skillbook: "+c.want+"\n") {
			t.Errorf("run(%q) = exit %d, stdout %q, stderr %q; want exit 2, %q then %q on stderr", c.args, code, stdout, stderr, usage, c.want)
		}
	}
}

func TestTopAndGroupUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, stdout, stderr := invoke(t, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "usage: skillbook [COMMAND]") {
			t.Errorf("run(%q) = exit %d, stdout %q, stderr %q; want exit 0 and the list of commands", args, code, stdout, stderr)
		}
		for _, c := range commands {
			if !strings.Contains(stdout, "\n  "+c.line()+"\n") {
				t.Errorf("run(%q) does not list %q", args, c.line())
			}
		}
	}
	for _, c := range []struct {
		args   []string
		code   int
		usage  string // on stdout with exit 0, on stderr otherwise
		err    string
		listed []string
	}{
		{[]string{"checklists", "--help"}, 0, "usage: skillbook checklists COMMAND", "", []string{"validate [DIR]", "list [DIR]"}},
		{[]string{"help", "keys"}, 0, "usage: skillbook keys COMMAND", "", []string{"show", "generate FILE", "rotate"}},
		{[]string{"keys", "-h"}, 0, "usage: skillbook keys COMMAND", "", []string{"show", "generate FILE", "rotate"}},
		{[]string{"keys", "help"}, 0, "usage: skillbook keys COMMAND", "", nil},
		{[]string{"keys"}, 2, "usage: skillbook keys COMMAND", "keys: name a command", []string{"rotate"}},
		{[]string{"checklists", "check"}, 2, "usage: skillbook checklists COMMAND", `checklists: unknown command "check"`, []string{"list [DIR]"}},
		{[]string{"db", "--help"}, 2, "usage: skillbook [COMMAND]", `unknown command "db"`, []string{"backup --out FILE"}},
		{[]string{"help", "frobnicate"}, 2, "usage: skillbook [COMMAND]", `unknown command "frobnicate"`, nil},
	} {
		code, stdout, stderr := invoke(t, c.args...)
		got := stdout
		if c.code != 0 {
			got = stderr
			if stdout != "" || !strings.HasSuffix(stderr, "skillbook: "+c.err+"\n") {
				t.Errorf("run(%q) = stdout %q, stderr %q; want nothing on stdout and the error %q", c.args, stdout, stderr, c.err)
			}
		} else if stderr != "" {
			t.Errorf("run(%q) wrote %q on stderr; want nothing", c.args, stderr)
		}
		if code != c.code || !strings.HasPrefix(got, c.usage) {
			t.Errorf("run(%q) = exit %d, %q; want exit %d and %q", c.args, code, got, c.code, c.usage)
		}
		for _, l := range c.listed {
			if !strings.Contains(got, "\n  "+l+"\n") {
				t.Errorf("run(%q) printed %q; want it to list %q", c.args, got, l)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := invoke(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "skillbook "+version+" (go") {
		t.Errorf("version = exit %d, %q; want exit 0 and skillbook %s (go…)", code, stdout, version)
	}
}

// TestREADMEListsEveryCommand keeps the README's Commands section and the
// command table telling the same story.
func TestREADMEListsEveryCommand(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## Commands\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, c := range commands {
		line := "\nskillbook " + c.line()
		if !strings.Contains(section, line+" ") && !strings.Contains(section, line+"\n") {
			t.Errorf("README's Commands section has no line for skillbook %s", c.line())
		}
	}
}
