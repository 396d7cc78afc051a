package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// englishTree returns every command of the tree (help and completion
// included) with its English texts, as written.
func englishTree(t *testing.T) []*cobra.Command {
	t.Helper()
	root := NewRoot(io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	return out
}

// TestHelpDanishCoversEveryCommand fails for a command or flag without a
// Danish text in helpDA, and for a Danish text equal to the English.
func TestHelpDanishCoversEveryCommand(t *testing.T) {
	cmds := englishTree(t)
	if len(cmds) < 60 {
		t.Fatalf("only %d commands", len(cmds))
	}
	known := map[string]bool{}
	for _, c := range cmds {
		path := c.CommandPath()
		known[path] = true
		h, ok := helpDA[path]
		if !ok {
			t.Errorf("%s: no Danish help (add it to helpDA)", path)
			continue
		}
		if h.short == "" || h.short == c.Short {
			t.Errorf("%s: Danish Short %q", path, h.short)
		}
		if c.Long != "" && (h.long == "" || h.long == c.Long) {
			t.Errorf("%s: the English Long has no Danish", path)
		}
		flags := func(fs *pflag.FlagSet) {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Name == "help" {
					return
				}
				if da := h.flags[f.Name]; da == "" || da == f.Usage {
					t.Errorf("%s --%s: no Danish usage for %q", path, f.Name, f.Usage)
				}
			})
		}
		flags(c.LocalNonPersistentFlags())
		flags(c.PersistentFlags())
		for name := range h.flags {
			if c.Flags().Lookup(name) == nil && c.PersistentFlags().Lookup(name) == nil {
				t.Errorf("%s: helpDA names a flag --%s the command does not have", path, name)
			}
		}
	}
	for path := range helpDA {
		if !known[path] {
			t.Errorf("helpDA names a command %q that does not exist", path)
		}
	}
}

// TestHelpInTheUsersLanguage runs "nrm --lang da <command> --help" for
// every command: Danish, no English Short, Danish cobra words; and
// --lang en: the English texts. NRM_LANG chooses when --lang is not
// given, Danish by default.
func TestHelpInTheUsersLanguage(t *testing.T) {
	english := map[string]*cobra.Command{}
	for _, c := range englishTree(t) {
		english[c.CommandPath()] = c
	}
	run := func(args ...string) string {
		var out, errOut bytes.Buffer
		if code := Execute(args, &out, &errOut); code != 0 {
			t.Fatalf("nrm %v: exit %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	for path, c := range english {
		args := append(strings.Fields(path)[1:], "--help")
		if c.Name() == "help" && c.HasParent() {
			continue // nrm help --help prints the root's help
		}
		da := run(append([]string{"--lang", "da"}, args...)...)
		want := helpDA[path].long
		if want == "" {
			want = helpDA[path].short
		}
		if !strings.Contains(da, firstLine(want)) {
			t.Errorf("nrm --lang da %s --help lacks %q:\n%s", path, firstLine(want), da)
		}
		for _, en := range []string{"Usage:", "Flags:", "Global Flags:", "Available Commands:", "(default", "help for ", " string "} {
			if strings.Contains(da, en) {
				t.Errorf("nrm --lang da %s --help has %q", path, en)
			}
		}
		if c.Short != "" && strings.Contains(da, c.Short) {
			t.Errorf("nrm --lang da %s --help has the English %q", path, c.Short)
		}
		for _, sub := range c.Commands() {
			if strings.Contains(da, sub.Short) {
				t.Errorf("nrm --lang da %s --help lists %s in English", path, sub.Name())
			}
		}
		en := run(append([]string{"--lang", "en"}, args...)...)
		wantEN := c.Long
		if wantEN == "" {
			wantEN = c.Short
		}
		if !strings.Contains(en, firstLine(wantEN)) || !strings.Contains(en, "Usage:") {
			t.Errorf("nrm --lang en %s --help lacks %q:\n%s", path, firstLine(wantEN), en)
		}
		if strings.Contains(en, "Brug:") || strings.Contains(en, firstLine(want)) {
			t.Errorf("nrm --lang en %s --help has Danish", path)
		}
	}

	t.Setenv("NRM_LANG", "en")
	if out := run("backup", "--help"); !strings.Contains(out, "Write a consistent copy") {
		t.Errorf("NRM_LANG=en: %s", out)
	}
	if out := run("--lang", "da", "backup", "--help"); !strings.Contains(out, "Skriver en konsistent kopi") {
		t.Errorf("--lang da over NRM_LANG=en: %s", out)
	}
	t.Setenv("NRM_LANG", "")
	if out := run("help", "backup"); !strings.Contains(out, "Skriver en konsistent kopi") || !strings.Contains(out, "Brug:") {
		t.Errorf("nrm help backup without a language: %s", out)
	}
	if out := run(); !strings.Contains(out, "Kommandoer:") {
		t.Errorf("nrm without arguments: %s", out)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
