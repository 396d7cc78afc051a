// Package textpat translates texts made from a few fixed sentences with
// parts filled in (a number, a date, a code) by patterns: "at most {}
// characters" → "højst {} tegn".
package textpat

import (
	"regexp"
	"strconv"
	"strings"
)

// Table is a compiled list of patterns. In the source text of a pattern,
// {} stands for a part kept as it is; the translation takes the parts in
// order, or by number ({1}, {2}) where it needs another order or leaves
// one out. A source text that ends in a space and has no {} keeps what
// follows it, as if it ended in {}.
type Table struct {
	patterns []pattern
	// Part, when set, translates a part before the table is tried on it
	// (a list of codes given with their labels).
	Part func(string) (string, bool)
}

type pattern struct {
	re  *regexp.Regexp
	to  []string // the translation split around its placeholders
	arg []int    // the part each placeholder of the translation takes
	lit int      // length of the source text without placeholders
}

var placeholder = regexp.MustCompile(`\{([1-9]?)\}`)

// Compile compiles pairs of a source text and its translation.
func Compile(pairs [][2]string) *Table {
	t := &Table{}
	for _, p := range pairs {
		t.patterns = append(t.patterns, compile(p[0], p[1]))
	}
	return t
}

func compile(from, to string) pattern {
	if strings.HasSuffix(from, " ") && !strings.Contains(from, "{}") {
		from += "{}"
		to += "{}"
	}
	lits := strings.Split(from, "{}")
	var re strings.Builder
	re.WriteString("^")
	for i, l := range lits {
		if i > 0 {
			re.WriteString("(.*?)")
		}
		re.WriteString(regexp.QuoteMeta(l))
	}
	re.WriteString("$")
	p := pattern{re: regexp.MustCompile(re.String()), lit: len(from) - 2*(len(lits)-1)}
	next, prev := 0, 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(to, -1) {
		p.to = append(p.to, to[prev:m[0]])
		if m[3] > m[2] {
			n, _ := strconv.Atoi(to[m[2]:m[3]])
			p.arg = append(p.arg, n-1)
		} else {
			p.arg = append(p.arg, next)
			next++
		}
		prev = m[1]
	}
	p.to = append(p.to, to[prev:])
	return p
}

// Translate returns s translated by the pattern that matches all of it
// with the most literal text (the first of equals), and whether one did.
// A part that is itself a text the table (or Part) translates is
// translated too.
func (t *Table) Translate(s string) (string, bool) {
	if t.Part != nil {
		if out, ok := t.Part(s); ok {
			return out, true
		}
	}
	var best *pattern
	var parts []string
	for i := range t.patterns {
		p := &t.patterns[i]
		if best != nil && p.lit <= best.lit {
			continue
		}
		if m := p.re.FindStringSubmatch(s); m != nil {
			best, parts = p, m[1:]
		}
	}
	if best == nil {
		return s, false
	}
	var b strings.Builder
	for i, a := range best.arg {
		b.WriteString(best.to[i])
		if a < len(parts) {
			part := parts[a]
			if out, ok := t.Translate(part); ok {
				part = out
			}
			b.WriteString(part)
		}
	}
	b.WriteString(best.to[len(best.to)-1])
	return b.String(), true
}
