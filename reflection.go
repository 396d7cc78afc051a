package nrm

import (
	"fmt"
	"strconv"
)

// ReflectionKind is the kind of a reflection period: the initial period
// or an extension of it (udvidet udrejsefrist).
type ReflectionKind string

// Reflection period kinds.
const (
	ReflectionInitial   ReflectionKind = "initial"
	ReflectionExtension ReflectionKind = "extension"
)

var reflectionKinds = newCodeSet("reflection_kind",
	[3]string{"initial", "Refleksionsperiode", "Initial period"},
	[3]string{"extension", "Forlængelse (udvidet udrejsefrist)", "Extension"},
)

// Label returns the kind's label in l; empty reads as initial.
func (k ReflectionKind) Label(l Lang) string {
	if k == "" {
		k = ReflectionInitial
	}
	return reflectionKinds.label(string(k), l)
}

// orInitial returns k, or initial for the empty kind.
func (k ReflectionKind) orInitial() ReflectionKind {
	if k == "" {
		return ReflectionInitial
	}
	return k
}

// Valid reports whether k is a known kind (empty counts as initial).
func (k ReflectionKind) Valid() bool { return k == "" || reflectionKinds.valid(string(k)) }

// Statutory defaults of the reflection period in Danish practice: a
// period of 30 days, which can be extended to 100 days in total
// (settings reflection.default_days and reflection.max_days).
const (
	DefaultReflectionDays    = 30
	DefaultReflectionMaxDays = 100
)

// MaxDecidedByLen bounds who decided a reflection period.
const MaxDecidedByLen = 200

// validateReflectionKinds checks the kind, reason and decider of each
// reflection period: an extension needs a reason and an initial period
// that starts before it.
func (c *Case) validateReflectionKinds(v *invalid) {
	var firstInitial Date
	for _, r := range c.ReflectionPeriods {
		if r.Kind != ReflectionExtension && !r.Start.IsZero() && (firstInitial.IsZero() || r.Start.Before(firstInitial)) {
			firstInitial = r.Start
		}
	}
	for _, r := range c.ReflectionPeriods {
		if !r.Kind.Valid() {
			v.add("reflection_kind", RuleOneOf, string(r.Kind), reflectionKinds.expected())
		}
		if r.Kind == ReflectionExtension {
			if r.Reason == "" {
				v.add("reflection_reason", RuleRequired, "", "why the period is extended")
			}
			if firstInitial.IsZero() || (!r.Start.IsZero() && r.Start.Before(firstInitial)) {
				v.add("reflection_kind", RuleNotAllowed, string(r.Kind), "an extension after an initial reflection period")
			}
		}
		if len(r.Reason) > MaxTextLen {
			v.add("reflection_reason", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
		if len(r.DecidedBy) > MaxDecidedByLen {
			v.add("reflection_decided_by", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxDecidedByLen))
		}
	}
}

// ReflectionDays returns the days the case's reflection periods cover in
// total: from the earliest start to the latest end. ok is false while no
// period has an end.
func (c *Case) ReflectionDays() (days int, ok bool) {
	var first, last Date
	for _, r := range c.ReflectionPeriods {
		if !r.Start.IsZero() && (first.IsZero() || r.Start.Before(first)) {
			first = r.Start
		}
		if r.End.After(last) {
			last = r.End
		}
	}
	if first.IsZero() || last.IsZero() {
		return 0, false
	}
	return first.DaysUntil(last), true
}

// ValidateReflectionMax checks the reflection periods against the
// statutory maximum of maxDays in total (setting reflection.max_days):
// one field error on the last period's end when they exceed it. Periods
// recorded without a kind, as before kinds, are not held to it: a case
// with only such periods passes.
func (c *Case) ValidateReflectionMax(maxDays int) error {
	kinded := false
	var last *ReflectionPeriod
	for i := range c.ReflectionPeriods {
		r := &c.ReflectionPeriods[i]
		kinded = kinded || r.Kind != ""
		if last == nil || r.End.After(last.End) {
			last = r
		}
	}
	if !kinded || maxDays <= 0 {
		return nil
	}
	v := &invalid{}
	if days, ok := c.ReflectionDays(); ok && days > maxDays {
		v.add("reflection_end", RuleRange, last.End.String(), "at most "+strconv.Itoa(maxDays)+" days of reflection period in total")
	}
	return v.err("The reflection period is longer than the statutory maximum.")
}

// ReflectionEndFor returns the default end of a reflection period of kind
// k starting on start: the default length for an initial period, and for
// an extension the latest end the maximum allows.
func (c *Case) ReflectionEndFor(k ReflectionKind, start Date, defaultDays, maxDays int) Date {
	if start.IsZero() {
		return Date{}
	}
	if k != ReflectionExtension {
		return start.AddDays(defaultDays)
	}
	var first Date
	for _, r := range c.ReflectionPeriods {
		if !r.Start.IsZero() && (first.IsZero() || r.Start.Before(first)) {
			first = r.Start
		}
	}
	if first.IsZero() {
		return start.AddDays(defaultDays)
	}
	return first.AddDays(maxDays)
}

func init() {
	codeSets[reflectionKinds.name] = reflectionKinds
	for k, l := range map[string]label{
		"reflection_kind":       {"Refleksionsperiodens type", "Kind of reflection period"},
		"reflection_reason":     {"Begrundelse for forlængelse", "Reason for the extension"},
		"reflection_decided_by": {"Refleksionsperiode besluttet af", "Reflection period decided by"},
	} {
		fieldLabels[k] = l
	}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"why the period is extended", "hvorfor perioden forlænges"},
		{"an extension after an initial reflection period", "en forlængelse efter en første refleksionsperiode"},
		{"at most {} days of reflection period in total", "højst {} dages refleksionsperiode i alt"},
		{"initial, extension", "initial (refleksionsperiode) eller extension (forlængelse)"},
	}...)
}
