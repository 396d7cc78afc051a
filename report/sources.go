package report

import (
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// The narrative beyond the statistics contract: comparisons with earlier
// years, the crisis shelters named, the sources' notes and the screening
// figures (Input.Facts, SourceNotes, Screenings).

// earlierYears are the years before the reporting year with identified
// persons in the narrative facts, latest first.
func (b *builder) earlierYears() []int {
	if b.in.Facts == nil {
		return nil
	}
	var ys []int
	for y, f := range b.in.Facts.Earlier {
		if y < b.s.Year && f != nil && f.Total > 0 {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	return ys
}

// firstTime reports whether no earlier year of the series has a person in
// a category (pick reads the category from a year's facts): false when
// there is no earlier year to compare with.
func (b *builder) firstTime(pick func(*nrm.YearFacts) int) bool {
	ys := b.earlierYears()
	if len(ys) == 0 {
		return false
	}
	for _, y := range ys {
		if pick(b.in.Facts.Earlier[y]) > 0 {
			return false
		}
	}
	return true
}

// firstRegion is "For første gang er der i 2011 identificeret én person
// fra Mellemøsten."
func (b *builder) firstRegion(region string, c count) string {
	return b.f("For første gang er der i %[1]s identificeret %[2]s %[3]s.", "For the first time, %[2]s %[3]s %[4]s identified in %[1]s.",
		b.year(), b.persons(c), b.fromRegion(region), b.verb(c, "was", "were"))
}

// firstForm is "Det er første gang, at der er identificeret ofre for
// menneskehandel til tiggeri." for a form no earlier year has.
func (b *builder) firstForm(form string) string {
	return b.f("Det er første gang, at der er identificeret ofre for menneskehandel %[1]s.",
		"It is the first time that victims of trafficking %[1]s have been identified.", b.phrase(formTo, form, form))
}

// earlierMen is the seed's "Det bemærkes dog, at to mænd i 2010 og én
// mand i 2009 blev vurderet handlet." for a year without men: the latest
// earlier years (at most three) with men. Under disclosure control the
// numbers are left out (an earlier edition may have withheld them); the
// years alone tell only that a published count was not zero.
func (b *builder) earlierMen() string {
	type ym struct{ y, n int }
	var with []ym
	for _, y := range b.earlierYears() {
		if n := b.in.Facts.Earlier[y].ByGender["male"]; n > 0 && len(with) < 3 {
			with = append(with, ym{y, n})
		}
	}
	if len(with) == 0 {
		return ""
	}
	var parts, years []string
	for _, w := range with {
		c := count{v: w.n}
		parts = append(parts, b.np(c, b.tr("mand", "man"), b.tr("mænd", "men"))+b.tr(" i ", " in ")+strconv.Itoa(w.y))
		years = append(years, strconv.Itoa(w.y))
	}
	if b.published() {
		return b.f("Det bemærkes dog, at der blev vurderet mænd handlet i %[1]s.", "It should be noted, however, that men were identified as victims in %[1]s.",
			joinAnd(years, b.lang))
	}
	if b.lang == nrm.LangEN {
		// "two men were identified in 2010 and one man in 2009"
		first := with[0]
		c := count{v: first.n}
		s := b.np(c, "man", "men") + " " + b.verb(c, "was", "were") + " identified as victims in " + strconv.Itoa(first.y)
		return "It should be noted, however, that " + joinAnd(append([]string{s}, parts[1:]...), b.lang) + "."
	}
	return "Det bemærkes dog, at " + joinAnd(parts, b.lang) + " blev vurderet handlet."
}

// shelterProviders is the parenthesis naming the crisis shelters of the
// year's shelter count, "(Reden International krisecenter, Røde Kors
// Kvindecenter og LOKK krisecenter)", largest first. Under disclosure
// control a shelter with fewer than k of the persons is not named (its
// name would tell a small count), and the list then says "bl.a."; nothing
// is named when the shelter count itself is withheld.
func (b *builder) shelterProviders(sc count) string {
	if b.in.Facts == nil || sc.hidden || sc.v == 0 {
		return ""
	}
	m := b.in.Facts.ShelterProviders
	names := make([]string, 0, len(m))
	for p := range m {
		names = append(names, p)
	}
	slices.SortFunc(names, func(x, y string) int {
		if m[x] != m[y] {
			return m[y] - m[x]
		}
		return strings.Compare(x, y)
	})
	var shown []string
	for _, p := range names {
		if m[p] > 0 && (b.k <= 1 || m[p] >= b.k) {
			shown = append(shown, p)
		}
	}
	if len(shown) == 0 {
		return ""
	}
	if len(shown) < len(names) {
		return b.tr(" (bl.a. ", " (including ") + joinAnd(shown, b.lang) + ")"
	}
	return " (" + joinAnd(shown, b.lang) + ")"
}

// sourceName is a source as the subject of a sentence: the competent
// authorities by the names the seed uses, other organisations by their
// registered name.
func (b *builder) sourceName(code string) string {
	switch code {
	case string(nrm.AuthorityUS):
		return b.tr("Udlændingestyrelsen", "The Danish Immigration Service")
	case string(nrm.AuthorityCMM):
		return b.tr("Center mod Menneskehandel", "The Danish Centre against Human Trafficking")
	}
	name := b.orgName(code)
	if b.lang == nrm.LangEN {
		// "the Danish Red Cross", "the Ministry of Justice"; names such as
		// "Reden International" take no article.
		first, _, _ := strings.Cut(name, " ")
		if slices.Contains([]string{"Danish", "National", "Ministry", "International", "Director", "Council", "Centre", "Office", "Immigration"}, first) {
			name = "The " + name
		}
	}
	return name
}

// notesOf are the reporting year's source notes of a section.
func (b *builder) notesOf(section string) []*nrm.SourceNote {
	var out []*nrm.SourceNote
	for _, n := range b.in.SourceNotes {
		if n != nil && n.Year == b.s.Year && string(n.Section) == section {
			out = append(out, n)
		}
	}
	return out
}

// attributedSource is the organisation whose attributed note makes a
// section's figures read as reported by it ("" when none).
func (b *builder) attributedSource(section string) string {
	for _, n := range b.notesOf(section) {
		if n.Attributed {
			return n.Org
		}
	}
	return ""
}

// sourceNotes adds the paragraphs of a section's notes; a section whose
// figures a source reported without a returns-style sentence of its own
// says so.
func (b *builder) sourceNotes(section string) {
	for _, n := range b.notesOf(section) {
		if n.Attributed && section != "returns" {
			b.narr(b.f("Tallene i dette afsnit er oplyst af %[1]s.", "The figures in this section were reported by %[2]s.",
				b.sourceName(n.Org), lowerThe(b.sourceName(n.Org))))
		}
		for _, p := range splitParagraphs(n.Text(b.lang)) {
			b.para(p)
		}
	}
}

// lowerThe writes "The Danish …" as "the Danish …" inside a sentence.
func lowerThe(s string) string {
	if strings.HasPrefix(s, "The ") {
		return "the " + s[4:]
	}
	return s
}

// screeningGroupNoun is singular and plural, Danish then English.
var screeningGroupNoun = map[string][4]string{
	"minors": {"mindreårig", "mindreårige", "minor", "minors"},
	"adults": {"voksen", "voksne", "adult", "adults"},
	"all":    {"person", "personer", "person", "persons"},
}

// screenings states the year's interview and screening figures of the
// given groups, one sentence each: "Der er i 2011 foretaget
// menneskehandelsinterviews med 80 mindreårige i regi af Dansk Røde Kors."
// A figure below the disclosure threshold reads "færre end tre".
func (b *builder) screenings(groups ...nrm.ScreeningGroup) []string {
	var out []string
	for _, s := range b.in.Screenings {
		if s == nil || s.Year != b.s.Year || !slices.Contains(groups, s.Group) {
			continue
		}
		c := count{v: s.Persons}
		if b.k > 1 && s.Persons >= 1 && s.Persons < b.k {
			c.hidden = true
		}
		who := b.np(c, b.noun4(screeningGroupNoun, string(s.Group), false), b.noun4(screeningGroupNoun, string(s.Group), true))
		org := b.sourceName(s.Org)
		if s.Persons == 0 {
			who = b.noun4(screeningGroupNoun, string(s.Group), true)
		}
		switch {
		case s.Kind == nrm.ScreeningInterview && s.Persons == 0:
			out = append(out, b.f("Der er i %[1]s ikke foretaget menneskehandelsinterviews med %[2]s i regi af %[3]s.",
				"In %[1]s, no trafficking interviews with %[2]s were carried out by %[4]s.", b.year(), who, org, lowerThe(org)))
		case s.Kind == nrm.ScreeningInterview:
			out = append(out, b.f("Der er i %[1]s foretaget menneskehandelsinterviews med %[2]s i regi af %[3]s.",
				"In %[1]s, %[4]s carried out trafficking interviews with %[2]s.", b.year(), who, org, lowerThe(org)))
		case s.Persons == 0:
			out = append(out, b.f("Der er i %[1]s ikke screenet %[2]s for tegn på menneskehandel i regi af %[3]s.",
				"In %[1]s, %[4]s screened no %[2]s for signs of trafficking.", b.year(), who, org, lowerThe(org)))
		default:
			out = append(out, b.f("Der er i %[1]s screenet %[2]s for tegn på menneskehandel i regi af %[3]s.",
				"In %[1]s, %[4]s screened %[2]s for signs of trafficking.", b.year(), who, org, lowerThe(org)))
		}
	}
	return out
}

// attributed rewrites the first sentence of the returns for a source:
// "Udlændingestyrelsen har oplyst, at der i 2011 blev gennemført …".
func (b *builder) attributed(org, da, en string, further bool) string {
	name := b.sourceName(org)
	if b.lang == nrm.LangEN {
		verb := " has reported that "
		if further {
			verb = " has further reported that "
		}
		return name + verb + lowerFirst(en)
	}
	verb := " har oplyst, at "
	if further {
		verb = " har endvidere oplyst, at "
	}
	return name + verb + da
}

// lowerFirst lower-cases the first letter of a sentence that becomes a
// clause ("In 2011, …" → "in 2011, …").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
