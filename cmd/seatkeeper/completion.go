package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/seatkeeper/seatkeeper/internal/suggest"
)

const completionUsage = `Usage: seatkeeper completion bash|zsh|fish

Prints a script that completes seatkeeper's commands, subcommands and flags
(and file names elsewhere) in the shell. Load it in the shell's startup file.`

func runCompletion(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("completion", completionUsage, stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("want one shell: bash, zsh or fish")
	}
	tree := completionTree(ctx)
	switch fs.Arg(0) {
	case "bash":
		return writeBash(stdout, tree)
	case "zsh":
		return writeZsh(stdout, tree)
	case "fish":
		return writeFish(stdout, tree)
	}
	return usageErr("unknown shell %q%s: want bash, zsh or fish", fs.Arg(0), suggest.DidYouMean(fs.Arg(0), []string{"bash", "zsh", "fish"}, ""))
}

// completed is a command as completion sees it: its path ("token create"),
// summary, flags, subcommands, and the words its arguments may be (none:
// file names).
type completed struct {
	path, summary string
	flags         []*flag.Flag
	sub           []completed
	args          string
}

// completionTree lists every command with its flags, which it learns by
// asking each command for its help, as "COMMAND --help" does.
func completionTree(ctx context.Context) []completed {
	var walk func(prefix []string, cs []*command) []completed
	walk = func(prefix []string, cs []*command) []completed {
		var out []completed
		for _, c := range cs {
			path := append(append([]string{}, prefix...), c.name)
			cc := completed{path: strings.Join(path, " "), summary: c.summary, sub: walk(path, c.sub)}
			if len(c.sub) == 0 {
				cc.flags = flagsOf(ctx, path)
			}
			switch cc.path {
			case "help":
				cc.args = strings.Join(names(commands()), " ")
			case "completion":
				cc.args = "bash zsh fish"
			default:
				cc.args = commandNames(cc.sub)
			}
			out = append(out, cc)
		}
		return out
	}
	return walk(nil, commands())
}

func flagsOf(ctx context.Context, path []string) []*flag.Flag {
	root := lookup(path[:1])
	err := root.run(ctx, append(path[1:], "--help"), func(string) string { return "" }, io.Discard, io.Discard)
	var help *helpRequest
	if !errors.As(err, &help) {
		return nil
	}
	var flags []*flag.Flag
	help.fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	return flags
}

func flagNames(c completed) string {
	names := make([]string, len(c.flags))
	for i, f := range c.flags {
		names[i] = "--" + f.Name
	}
	return strings.Join(names, " ")
}

func commandNames(cs []completed) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.path[strings.LastIndex(c.path, " ")+1:])
	}
	return strings.Join(names, " ")
}

// caseArms are the arms of a shell case statement setting, for each
// command path, the flags that complete it and the words its arguments may
// be.
func caseArms(cs []completed) string {
	var b strings.Builder
	var walk func(cs []completed)
	walk = func(cs []completed) {
		for _, c := range cs {
			fmt.Fprintf(&b, "    %q) flags=%q args=%q;;\n", c.path, flagNames(c), c.args)
			walk(c.sub)
		}
	}
	walk(cs)
	return b.String()
}

func writeBash(w io.Writer, cs []completed) error {
	_, err := fmt.Fprintf(w, `# bash completion for seatkeeper: source <(seatkeeper completion bash)
_seatkeeper() {
  local cur=${COMP_WORDS[COMP_CWORD]} path=${COMP_WORDS[1]} flags="" args=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W %q -- "$cur"))
    return
  fi
  if [[ $path == token && $COMP_CWORD -gt 2 ]]; then path="token ${COMP_WORDS[2]}"; fi
  case "$path" in
%s  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -n $args ]]; then
    COMPREPLY=($(compgen -W "$args" -- "$cur"))
  fi
}
complete -o default -F _seatkeeper seatkeeper
`, commandNames(cs), caseArms(cs))
	return err
}

func writeZsh(w io.Writer, cs []completed) error {
	_, err := fmt.Fprintf(w, `#compdef seatkeeper
# zsh completion for seatkeeper: seatkeeper completion zsh > "${fpath[1]}/_seatkeeper"
_seatkeeper() {
  local path_=${words[2]} flags="" args=""
  if (( CURRENT == 2 )); then
    compadd -- %s
    return
  fi
  if [[ $path_ == token ]] && (( CURRENT > 3 )); then path_="token ${words[3]}"; fi
  case "$path_" in
%s  esac
  if [[ ${words[CURRENT]} == -* ]]; then
    compadd -- ${=flags}
  elif [[ -n $args ]]; then
    compadd -- ${=args}
  else
    _files
  fi
}
if [[ $funcstack[1] == _seatkeeper ]]; then _seatkeeper "$@"; else compdef _seatkeeper seatkeeper; fi
`, commandNames(cs), caseArms(cs))
	return err
}

func writeFish(w io.Writer, cs []completed) error {
	var b strings.Builder
	b.WriteString("# fish completion for seatkeeper: seatkeeper completion fish > ~/.config/fish/completions/seatkeeper.fish\n")
	b.WriteString("complete -c seatkeeper -f\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "complete -c seatkeeper -n __fish_use_subcommand -a %s -d %s\n", c.path, fishQuote(c.summary))
		cond := "__fish_seen_subcommand_from " + c.path
		for _, s := range c.sub {
			name := s.path[len(c.path)+1:]
			fmt.Fprintf(&b, "complete -c seatkeeper -n '%s; and not __fish_seen_subcommand_from %s' -a %s -d %s\n",
				cond, commandNames(c.sub), name, fishQuote(s.summary))
			writeFishFlags(&b, cond+"; and __fish_seen_subcommand_from "+name, s)
		}
		switch {
		case len(c.sub) > 0:
		case c.args != "":
			fmt.Fprintf(&b, "complete -c seatkeeper -n '%s' -a %s\n", cond, fishQuote(c.args))
		default:
			fmt.Fprintf(&b, "complete -c seatkeeper -n '%s' -F\n", cond)
		}
		writeFishFlags(&b, cond, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFishFlags(b *strings.Builder, cond string, c completed) {
	for _, f := range c.flags {
		fmt.Fprintf(b, "complete -c seatkeeper -n '%s' -l %s -d %s\n", cond, f.Name, fishQuote(firstLine(f.Usage)))
	}
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
