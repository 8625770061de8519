package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/seatkeeper/seatkeeper/internal/suggest"
)

// flagSet is a command's flags with its usage text (a synopsis and a
// description). Its positional arguments are those left when every flag,
// before or after them, has been parsed.
type flagSet struct {
	*flag.FlagSet
	usage string
	args  []string
}

// newFlags returns the flag set of the command name ("token create"), with
// usage as its help text. Errors are returned by parse, never printed.
func newFlags(name, usage string, _ io.Writer) *flagSet {
	fs := flag.NewFlagSet("seatkeeper "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, usage: usage}
}

// Args, NArg and Arg are the positional arguments.
func (fs *flagSet) Args() []string { return fs.args }
func (fs *flagSet) NArg() int      { return len(fs.args) }
func (fs *flagSet) Arg(i int) string {
	if i < 0 || i >= len(fs.args) {
		return ""
	}
	return fs.args[i]
}

// helpRequest is what parse returns for -h or --help: run prints the flag
// set's help on stdout and exits 0.
type helpRequest struct{ fs *flagSet }

func (*helpRequest) Error() string { return "help requested" }

// parse parses args, flags and positional arguments in any order (a "--"
// ends the flags). A flag error is a usage error naming the flag, with a
// suggestion for a misspelt one.
func parse(fs *flagSet, args []string) error {
	fs.args = nil
	for {
		if err := fs.FlagSet.Parse(args); err != nil {
			return fs.flagError(err)
		}
		rest := fs.FlagSet.Args()
		if len(rest) == 0 {
			return nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			fs.args = append(fs.args, rest...)
			return nil
		}
		fs.args = append(fs.args, rest[0])
		args = rest[1:]
	}
}

func (fs *flagSet) flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return &helpRequest{fs}
	}
	see := fmt.Sprintf(" (see %q)", fs.Name()+" --help")
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		if hint := suggest.DidYouMean(name, known, "--"); hint != "" {
			return usageErr("unknown flag --%s%s", name, hint)
		}
		return usageErr("unknown flag --%s%s", name, see)
	}
	return usageErr("%s%s", strings.Replace(err.Error(), " -", " --", 1), see)
}

// writeHelp writes a command's help: its usage, its flags, and the
// examples the command table gives it.
func writeHelp(w io.Writer, fs *flagSet) {
	fmt.Fprintln(w, fs.usage)
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		typ, text := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if typ != "" {
			line += " " + typ
		}
		line += "\n      " + text
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" {
			line += fmt.Sprintf(" (default %s)", d)
		}
		lines = append(lines, line)
	})
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nFlags:\n"+strings.Join(lines, "\n"))
	}
	if c := lookup(strings.Fields(strings.TrimPrefix(fs.Name(), "seatkeeper "))); c != nil && len(c.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:\n  "+strings.Join(c.examples, "\n  "))
	}
}

// lookup finds a command by its path ("token", "create").
func lookup(path []string) *command {
	cs := commands()
	var c *command
	for _, name := range path {
		if c = find(cs, name); c == nil {
			return nil
		}
		cs = c.sub
	}
	return c
}
