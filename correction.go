package nrm

import (
	"context"
	"reflect"
	"sort"
	"strings"
)

// Corrections. Every recorded fact can be corrected or voided by a user
// with write access, with a reason; adding a fact, or filling in a field
// that was empty (the end of an ongoing stay, the date the person was
// told a decision, the answer to an offer), is ordinary work and needs
// none. The audit log names the fields that changed, never their values;
// the case history keeps each version whole.

// Change describes how an edited case differs from the stored one.
type Change struct {
	// Fields names what changed, as "gender", "identifiers.name",
	// "assessment.outcome", "accommodation.end_date", "exit (voided)".
	Fields []string
	// Correction is true when a recorded value was changed or a fact was
	// removed: such a change needs a reason.
	Correction bool
	// Added lists the facts added (new ids), by kind.
	Added []string
}

// Diff compares the edited case c with the stored case old. Facts are
// matched by id; a fact of old missing from c is voided.
func Diff(old, c *Case) Change {
	var ch Change
	field := func(name string, o, n any, fill bool) {
		if reflect.DeepEqual(o, n) {
			return
		}
		ch.Fields = append(ch.Fields, name)
		if !(fill && isZeroValue(o)) {
			ch.Correction = true
		}
	}
	field("owner_org", old.OwnerOrg, c.OwnerOrg, false)
	field("shared_with", setOf(old.SharedWith), setOf(c.SharedWith), true)
	field("gender", old.Gender, c.Gender, false)
	field("birth_year", old.BirthYear, c.BirthYear, true)
	field("nationality", old.Nationality, c.Nationality, true)
	field("residence_status", old.ResidenceStatus, c.ResidenceStatus, old.ResidenceStatus == ResidenceUnknown)
	diffStruct(&ch, "identifiers", reflect.ValueOf(old.Identifiers), reflect.ValueOf(c.Identifiers), true)
	diffFacts(&ch, "contact", old.Contacts, c.Contacts, func(x Contact) int64 { return x.ID })
	diffFacts(&ch, "assessment", old.Assessments, c.Assessments, func(x Assessment) int64 { return x.ID })
	diffFacts(&ch, "reflection_period", old.ReflectionPeriods, c.ReflectionPeriods, func(x ReflectionPeriod) int64 { return x.ID })
	diffFacts(&ch, "accommodation", old.Accommodations, c.Accommodations, func(x Accommodation) int64 { return x.ID })
	diffFacts(&ch, "offer", old.Offers, c.Offers, func(x Offer) int64 { return x.ID })
	diffFacts(&ch, "exit", old.Exits, c.Exits, func(x Exit) int64 { return x.ID })
	diffFacts(&ch, "reopening", old.Reopenings, c.Reopenings, func(x Reopening) int64 { return x.ID })
	diffFacts(&ch, "reconsideration", old.Reconsiderations, c.Reconsiderations, func(x Reconsideration) int64 { return x.ID })
	return ch
}

// fillable fields may go from empty to a value without a reason.
var fillable = map[string]bool{
	"end": true, "end_date": true, "notified_on": true, "accepted": true, "outcome": true, "decided_on": true,
	"new_assessment_id": true, "decided_by": true, "reasons": true,
	"place": true, "provider": true, "org": true, // details learnt later
}

func isZeroValue(v any) bool {
	if v == nil {
		return true
	}
	return reflect.ValueOf(v).IsZero()
}

func setOf(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// jsonName returns the JSON name of a struct field.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

// diffStruct records the fields of two values of one struct type that
// differ, as prefix.field; the id is not a field. With fillAll, any field
// that was empty may be filled in without a reason (identifiers learnt
// later); otherwise only the fillable ones.
func diffStruct(ch *Change, prefix string, o, n reflect.Value, fillAll bool) {
	for i := 0; i < o.NumField(); i++ {
		f := o.Type().Field(i)
		name := jsonName(f)
		if name == "id" || name == "-" {
			continue
		}
		ov, nv := o.Field(i).Interface(), n.Field(i).Interface()
		if reflect.DeepEqual(ov, nv) || (isZeroValue(ov) && isZeroValue(nv)) {
			continue
		}
		ch.Fields = append(ch.Fields, prefix+"."+name)
		if !((fillAll || fillable[name]) && isZeroValue(ov)) {
			ch.Correction = true
		}
	}
}

func diffFacts[T any](ch *Change, kind string, old, new []T, id func(T) int64) {
	byID := map[int64]T{}
	for _, x := range new {
		if i := id(x); i != 0 {
			byID[i] = x
		}
	}
	for _, o := range old {
		n, ok := byID[id(o)]
		if !ok {
			ch.Fields = append(ch.Fields, kind+" (voided)")
			ch.Correction = true
			continue
		}
		diffStruct(ch, kind, reflect.ValueOf(o), reflect.ValueOf(n), false)
	}
	known := map[int64]bool{}
	for _, o := range old {
		known[id(o)] = true
	}
	for _, x := range new {
		if i := id(x); i == 0 || !known[i] {
			ch.Added = append(ch.Added, kind)
		}
	}
}

// ValidateChange checks what an interactive edit may do to a case beyond
// Validate: facts added (or redated) while the case is closed are refused
// unless it is reopened first, so is an exit while the case is closed,
// and an exit may not leave a stay or reflection period open after it
// (EndOpenOn ends them, once the user has confirmed). Bulk imports, which
// carry whole histories, are checked by Validate alone.
func (c *Case) ValidateChange(old *Case) error {
	v := &invalid{}
	if old == nil {
		old = &Case{}
	}
	checkClosed(v, c, "contact_date", c.Contacts, old.Contacts, func(x Contact) (int64, Date) { return x.ID, x.Date })
	checkClosed(v, c, "assessment_date", c.Assessments, old.Assessments, func(x Assessment) (int64, Date) { return x.ID, x.Date })
	checkClosed(v, c, "reflection_start", c.ReflectionPeriods, old.ReflectionPeriods, func(x ReflectionPeriod) (int64, Date) { return x.ID, x.Start })
	checkClosed(v, c, "start_date", c.Accommodations, old.Accommodations, func(x Accommodation) (int64, Date) { return x.ID, x.Start })
	checkClosed(v, c, "offered", c.Offers, old.Offers, func(x Offer) (int64, Date) { return x.ID, x.Offered })
	checkClosed(v, c, "requested_on", c.Reconsiderations, old.Reconsiderations, func(x Reconsideration) (int64, Date) { return x.ID, x.RequestedOn })
	// Exits: a new exit needs the case open at its date (a second exit
	// needs a reopening between the two), and nothing may stay open after
	// it.
	for _, x := range c.Exits {
		if od, ok := findDate(old.Exits, x.ID, func(y Exit) (int64, Date) { return y.ID, y.Date }); ok && x.ID != 0 && od == x.Date {
			continue
		}
		for _, e := range c.Exits {
			if e.ID == x.ID && e.Date == x.Date && e.Kind == x.Kind {
				continue
			}
			if !e.Date.After(x.Date) && !reopenedBetween(c.Reopenings, e.Date, x.Date) {
				v.add("exit_date", RuleClosed, x.Date.String(), "reopen the case before recording another exit")
				break
			}
		}
		if c.HasOpenOn(x.Date) {
			v.add("exit_date", RuleOpenAfterExit, x.Date.String(), "end the open stays and reflection periods on the exit date")
		}
	}
	return v.err("The change is not possible while the case is closed.")
}

// checkClosed refuses the facts of one kind that are new, or whose date
// changed, and fall while case c is closed.
func checkClosed[T any](v *invalid, c *Case, field string, facts, old []T, key func(T) (id int64, d Date)) {
	for _, x := range facts {
		id, d := key(x)
		if od, ok := findDate(old, id, key); ok && od == d {
			continue // unchanged fact
		}
		if c.ClosedAt(d) {
			v.add(field, RuleClosed, d.String(), "reopen the case first")
		}
	}
}

func reopenedBetween(rs []Reopening, from, to Date) bool {
	for _, r := range rs {
		if !r.Date.Before(from) && !r.Date.After(to) {
			return true
		}
	}
	return false
}

func findDate[T any](xs []T, id int64, get func(T) (int64, Date)) (Date, bool) {
	if id == 0 {
		return Date{}, false
	}
	for _, x := range xs {
		if i, d := get(x); i == id {
			return d, true
		}
	}
	return Date{}, false
}

// CorrectionService stores corrections: an edited case with the reason
// for changing or voiding recorded facts.
type CorrectionService interface {
	// CorrectCase replaces the case like UpdateCase, recording reason in
	// its history; a change that corrects or voids a recorded fact is
	// refused without a reason.
	CorrectCase(ctx context.Context, c *Case, reason string) error
}
