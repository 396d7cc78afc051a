package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"nrm"
)

// statistics is "Statistiske opgørelser": each subsection has the
// seed's narrative, its figure and the tables behind it.
func (b *builder) statistics() {
	b.section("statistics", 1, b.tr("Statistiske opgørelser", "Statistics"))
	b.para(b.tr(statisticsIntro[0], statisticsIntro[1]))
	about := fmt.Sprintf(b.tr("Opgørelserne omfatter personer, der er vurderet som ofre for menneskehandel i %s, og oplysninger registreret senest %s.",
		"The statistics cover persons identified as victims of trafficking in %s and information recorded by %s."), b.year(), FormatDate(b.doc.Cutoff, b.lang))
	if b.k > 1 {
		about += " " + fmt.Sprintf(b.tr("Af hensyn til diskretion vises antal under %d som <%d, og tal, der ville kunne afsløre dem, er erstattet af x; teksten nævner ikke disse tal.",
			"For disclosure control, counts below %d are shown as <%d, and numbers that could reveal them are replaced by x; the text does not state these numbers."), b.k, b.k)
	}
	b.note(about)
	total := b.n(TabIdentified, "total", "", b.s.Identified.Total)
	b.identifications(total)
	b.contactForms(total)
	b.nationality(total)
	b.exploitation(total)
	b.age()
	b.minors()
	b.support()
	b.returns()
	b.prosecution()
}

// persons is "60 personer" / "én person" / "60 persons".
func (b *builder) persons(c count) string {
	return b.np(c, b.tr("person", "person"), b.tr("personer", "persons"))
}

// victims is "ofre for menneskehandel" / "offer for menneskehandel".
func (b *builder) victims(c count) string {
	if !c.hidden && c.v == 1 {
		return b.tr("offer for menneskehandel", "victim of trafficking in human beings")
	}
	return b.tr("ofre for menneskehandel", "victims of trafficking in human beings")
}

// zeroWord is the running-text word for a count that may be 0.
func (b *builder) zeroWord(c count) string {
	if !c.hidden && c.v == 0 {
		return b.tr("ingen", "none")
	}
	return b.w(c)
}

func (b *builder) identifications(total count) {
	s := b.s
	b.section("identifications", 2, b.tr("Identifikationer", "Identifications"))
	us := b.n(TabIdentified, "US", "", s.Identified.ByAuthority["US"])
	cmm := b.n(TabIdentified, "CMM", "", s.Identified.ByAuthority["CMM"])
	var first string
	if !total.hidden && total.v == 0 {
		first = fmt.Sprintf(b.tr("I %s er ingen personer officielt vurderet som ofre for menneskehandel.",
			"In %s, no persons were officially identified as victims of trafficking in human beings."), b.year())
	} else {
		first = b.f("I %[1]s er %[2]s officielt vurderet som %[4]s; %[5]s af Udlændingestyrelsen (US) og %[6]s af Center mod Menneskehandel (CMM).",
			"In %[1]s, %[2]s %[3]s officially identified as %[4]s; %[5]s by the Danish Immigration Service (US) and %[6]s by the Danish Centre against Human Trafficking (CMM).",
			b.year(), b.persons(total), b.verb(total, "was", "were"), b.victims(total), b.zeroWord(us), b.zeroWord(cmm))
	}
	var prev string
	for _, ya := range s.Identified.ByYearAuthority {
		if ya.Year != s.Year-1 {
			continue
		}
		y := strconv.Itoa(ya.Year)
		pu, pc := b.n(TabByYearAuthority, y, "US", ya.US), b.n(TabByYearAuthority, y, "CMM", ya.CMM)
		if !pu.hidden && !pc.hidden {
			pt := count{v: ya.US + ya.CMM}
			prev = b.f("Til sammenligning blev %[1]s vurderet handlet i %[3]s.", "For comparison, %[1]s %[2]s identified in %[3]s.",
				b.persons(pt), b.verb(pt, "was", "were"), y)
		}
	}
	b.narr(first, prev)
	b.sourceNotes("identifications")

	// Figure 1: identifications per year by authority, stacked.
	n, caption := b.nextFigure(b.tr("Antal identifikationer fordelt pr. år på CMM og US", "Number of identifications per year, CMM and US"))
	f := &Figure{Number: n, ID: "identified_by_year", Caption: caption,
		Chart: Chart{Kind: ChartStackedBar, CategoryLabel: b.tr("År", "Year"), ValueLabel: b.tr("Antal", "Number")}}
	usS := Series{Name: nrm.Label("authority", "US", b.lang)}
	cmmS := Series{Name: nrm.Label("authority", "CMM", b.lang)}
	data := &Table{ID: "identified_by_year.data", Caption: caption, Sheet: fmt.Sprintf("%s %d", b.doc.Words.Figure, n),
		Columns: []Column{{Label: b.tr("År", "Year")}, {Label: usS.Name, Numeric: true}, {Label: cmmS.Name, Numeric: true}}}
	for _, ya := range s.Identified.ByYearAuthority {
		y := strconv.Itoa(ya.Year)
		cu, cc := b.n(TabByYearAuthority, y, "US", ya.US), b.n(TabByYearAuthority, y, "CMM", ya.CMM)
		f.Chart.Categories = append(f.Chart.Categories, y)
		v, l := b.chartValue(cu)
		usS.Values, usS.Labels = append(usS.Values, v), append(usS.Labels, l)
		v, l = b.chartValue(cc)
		cmmS.Values, cmmS.Labels = append(cmmS.Values, v), append(cmmS.Labels, l)
		data.Rows = append(data.Rows, Row{Cells: []Cell{{Text: y}, b.cell(cu), b.cell(cc)}})
	}
	f.Chart.Series = []Series{usS, cmmS}
	f.Data = data
	b.withheldNote(f)
	b.figure(f)
	b.para(b.tr(authorityExplanation[0], authorityExplanation[1]))
}

// f formats the Danish or the English pattern with the same arguments;
// a pattern that skips an argument (an English verb) uses explicit
// indexes such as %[3]s.
func (b *builder) f(da, en string, args ...any) string {
	return fmt.Sprintf(b.tr(da, en), args...)
}

func (b *builder) contactForms(total count) {
	s := b.s
	b.section("contact-form", 2, b.tr("Identifikationer fordelt på kontaktform", "Identifications by contact form"))
	codes := keys(s.ByContactForm, "contact_form")
	var items []item
	for _, c := range codes {
		items = append(items, item{code: c, label: b.label("contact_form", c), c: b.n(TabContactForm, c, "", s.ByContactForm[c])})
	}
	sorted := b.byShown(codes, s.ByContactForm, func(c string) count { return b.n(TabContactForm, c, "", s.ByContactForm[c]) })
	if len(sorted) > 0 && s.ByContactForm[sorted[0]] > 0 {
		top := sorted[0]
		tc := b.n(TabContactForm, top, "", s.ByContactForm[top])
		var sentences []string
		if sh, ok := b.share(tc, total); ok {
			met := b.phrase(contactPhrase, top, "")
			if tc.v == total.v {
				sentences = append(sentences, b.tr("Alle de personer, der officielt er vurderet handlet til Danmark, er mødt ",
					"All the persons officially identified as trafficked to Denmark were met ")+met+".")
			} else {
				sentences = append(sentences, Capitalize(sh)+b.tr(" af de personer, der officielt er vurderet handlet til Danmark, er mødt ",
					" of the persons officially identified as trafficked to Denmark were met ")+met+".")
			}
			rest := total.v - tc.v
			var others []string
			for _, c := range sorted[1:] {
				if s.ByContactForm[c] > 0 || b.n(TabContactForm, c, "", s.ByContactForm[c]).hidden {
					others = append(others, c)
				}
			}
			if rest > 0 && len(others) > 0 {
				second := b.n(TabContactForm, others[0], "", s.ByContactForm[others[0]])
				ratio := float64(second.v) / float64(rest)
				switch {
				case !second.hidden && len(others) > 1 && ratio >= 2.0/3:
					sentences = append(sentences, b.tr("Af de resterende er langt de fleste mødt ", "Of the remainder, by far the most were met ")+b.phrase(contactPhrase, others[0], "")+".")
				case !second.hidden && len(others) > 1 && ratio > 0.5:
					sentences = append(sentences, b.tr("Af de resterende er de fleste mødt ", "Of the remainder, most were met ")+b.phrase(contactPhrase, others[0], "")+".")
				default:
					var parts []string
					for i, c := range others {
						cc := b.n(TabContactForm, c, "", s.ByContactForm[c])
						p := b.w(cc) + " " + b.phrase(contactPhrase, c, "")
						if i == 0 {
							p = b.w(cc) + b.tr(" mødt ", " were met ") + b.phrase(contactPhrase, c, "")
						}
						parts = append(parts, p)
					}
					sentences = append(sentences, b.tr("Af de resterende er ", "Of the remainder, ")+joinAnd(parts, b.lang)+".")
				}
			}
		}
		b.narr(sentences...)
	}
	b.narr(b.screenings(nrm.GroupAdults, nrm.GroupAll)...)
	b.sourceNotes("contact_form")
	b.barFigure("contact_form", b.tr("Identifikationer fordelt på kontaktform ", "Identifications by contact form ")+b.year(),
		b.tr("Kontaktform", "Contact form"), items, false, true)
}

// nationality is "Identifikationer fordelt på nationaliteter": the
// countries and their regions, the regions (Figure 3), the largest
// nationalities and the rest (Figure 4).
func (b *builder) nationality(total count) {
	b.section("nationality", 2, b.tr("Identifikationer fordelt på nationaliteter", "Identifications by nationality"))
	ranking := b.nationalityRanking()
	anyHidden, anyX := b.withheldNationalities()
	b.narr(b.countriesSentence(ranking, anyHidden)...)
	b.narr(b.regionSentences(total)...)
	b.regionFigure()
	b.narr(b.largestNationalities(ranking, total, anyX)...)
	b.sourceNotes("nationality")
	b.nationalityFigure(ranking)
}

// nationalityRanking is the nationalities with victims, largest first,
// then by name in the report's language.
func (b *builder) nationalityRanking() []nrm.NationalityCount {
	ranking := make([]nrm.NationalityCount, 0, len(b.s.NationalityRanking))
	for _, r := range b.s.NationalityRanking {
		if r.Count > 0 {
			ranking = append(ranking, r)
		}
	}
	nrm.SortNationalities(ranking, b.lang)
	return ranking
}

// nationalityName is a nationality's name in the report's language.
func (b *builder) nationalityName(r nrm.NationalityCount) string {
	if b.lang == nrm.LangEN && r.NameEN != "" {
		return r.NameEN
	}
	if r.NameDA != "" {
		return r.NameDA
	}
	return r.Code
}

func (b *builder) natAt(code string) count {
	return b.n(TabNationality, code, "", b.s.ByNationality[code])
}

// withheldNationalities reports whether any nationality is withheld and
// whether any shows "x". When there are any, the number of countries and
// the ranking of the shown ones would tell which withheld counts are zero
// or how large they are, so the text leaves both out.
func (b *builder) withheldNationalities() (anyHidden, anyX bool) {
	for code := range b.s.ByNationality {
		if c := b.natAt(code); c.hidden {
			anyHidden = true
			anyX = anyX || !b.below(c)
		}
	}
	return anyHidden, anyX
}

// countriesSentence is "De officielt vurderede ofre for menneskehandel
// har oprindelse i 16 forskellige lande, hvoraf omkring halvdelen er
// afrikanske lande."
func (b *builder) countriesSentence(ranking []nrm.NationalityCount, anyHidden bool) []string {
	if len(ranking) <= 1 || anyHidden {
		return nil
	}
	perRegion := map[string]int{}
	for _, r := range ranking {
		perRegion[r.Region]++
	}
	regs := byCount(keys(perRegion, "region"), perRegion)
	sentence := fmt.Sprintf(b.tr("De officielt vurderede ofre for menneskehandel har oprindelse i %s forskellige lande",
		"The officially identified victims of trafficking come from %s different countries"), WordsNeuter(len(ranking), b.lang))
	if top := regs[0]; perRegion[top] > 1 && regionAdj[top] != [2]string{} {
		k := perRegion[top]
		q, ok := Fraction(float64(k)/float64(len(ranking)), b.lang)
		if !ok || k == len(ranking) {
			q = b.tr(WordsNeuter(k, b.lang), Words(k, b.lang))
			if k == len(ranking) {
				q = b.tr("alle", "all")
			}
		}
		sentence += fmt.Sprintf(b.tr(", hvoraf %s er %s lande", ", of which %s are %s countries"), q, b.phrase(regionAdj, top, top))
	}
	return []string{sentence + "."}
}

func (b *builder) regionAt(code string) count { return b.n(TabRegion, code, "", b.s.ByRegion[code]) }

// regionSentences are "Personer fra Afrika udgør mere end 50 pct. af det
// samlede antal. Herefter følger Asien med 18 pct., … For første gang er
// der i 2011 identificeret én person fra Mellemøsten."
func (b *builder) regionSentences(total count) []string {
	s := b.s
	sorted := b.byShown(keys(s.ByRegion, "region"), s.ByRegion, b.regionAt)
	if len(sorted) == 0 || s.ByRegion[sorted[0]] == 0 || total.hidden || total.v <= 0 {
		return nil
	}
	top := b.regionAt(sorted[0])
	if top.hidden {
		return nil
	}
	x := float64(top.v) / float64(total.v)
	share := PercentOf(x, b.lang)
	if x > 0.5 && x < 0.595 {
		share = b.tr("mere end 50 pct.", "more than 50 per cent")
	}
	out := []string{fmt.Sprintf(b.tr("Personer %s udgør %s af det samlede antal.", "Persons %s account for %s of the total."),
		b.fromRegion(sorted[0]), share)}
	var follow, small, first []string
	for _, c := range sorted[1:] {
		rc := b.regionAt(c)
		if rc.v == 0 && !rc.hidden {
			continue
		}
		switch {
		case b.firstTime(func(y *nrm.YearFacts) int { return y.ByRegion[c] }):
			first = append(first, b.firstRegion(c, rc))
		case !rc.hidden && float64(rc.v)/float64(total.v) >= 0.05:
			follow = append(follow, fmt.Sprintf(b.tr("%s med %s", "%s with %s"), b.regionText(c), Percent(rc.v, total.v, b.lang)))
		default:
			small = append(small, b.persons(rc)+" "+b.fromRegion(c))
		}
	}
	if len(follow) > 0 {
		out = append(out, b.tr("Herefter følger ", "They are followed by ")+joinAnd(follow, b.lang)+".")
	}
	if len(small) > 0 {
		verb := "were"
		if len(small) == 1 && strings.HasPrefix(small[0], "one ") {
			verb = "was"
		}
		out = append(out, b.f("Herudover er der identificeret %[1]s.", "In addition, %[1]s %[2]s identified.", joinAnd(small, b.lang), verb))
	}
	return append(out, first...)
}

// regionFigure is Figure 3.
func (b *builder) regionFigure() {
	var items []item
	for _, c := range keys(b.s.ByRegion, "region") {
		items = append(items, item{code: c, label: nrm.Label("region", c, b.lang), c: b.regionAt(c)})
	}
	b.barFigure("region", b.tr("Ofre for menneskehandel fordelt på afsenderområde ", "Victims of trafficking by region of origin ")+b.year(),
		b.tr("Afsenderområde", "Region of origin"), items, false, true)
}

// nat is a nationality as the text names it.
type nat struct {
	code, name string
	c          count
}

// largestNationalities names the largest nationalities with their shares
// and numbers, then sums up the others ("Nigeria er det land, der fylder
// mest i statistikken …"). A withheld count shown "x" may be larger than
// the largest shown one: then no country is named as the largest.
func (b *builder) largestNationalities(ranking []nrm.NationalityCount, total count, anyX bool) []string {
	var vis []nat
	for _, r := range ranking {
		if c := b.natAt(r.Code); !c.hidden {
			vis = append(vis, nat{r.Code, b.nationalityName(r), c})
		}
	}
	if len(vis) == 0 || total.hidden || total.v <= 0 || anyX {
		return nil
	}
	out, mentioned := b.topNationalities(vis, total)
	next := b.nextNationalities(vis[mentioned:], 2)
	out = append(out, b.nextNationalitiesSentence(next, total)...)
	mentioned += len(next)
	if len(next) == 2 {
		more := b.nextNationalities(vis[mentioned:], 2)
		out = append(out, b.moreNationalitiesSentence(more)...)
		mentioned += len(more)
	}
	said := map[string]bool{}
	for _, v := range vis[:mentioned] {
		said[v.code] = true
	}
	return append(out, b.otherNationalities(ranking, said)...)
}

// topNationalities is the sentence on the largest nationality (or the
// tied largest ones) and how many it names.
func (b *builder) topNationalities(vis []nat, total count) ([]string, int) {
	top := vis[0]
	ties := 1
	for ties < len(vis) && vis[ties].c.v == top.c.v {
		ties++
	}
	sh := Share(top.c.v, total.v, b.lang)
	if ties == 1 {
		return []string{fmt.Sprintf(b.tr("%s er det land, der fylder mest i statistikken med %s vurderet handlet til Danmark, svarende til %s af det samlede antal.",
			"%s is the country that figures most prominently in the statistics, with %s identified as trafficked to Denmark, corresponding to %s of the total."),
			top.name, b.persons(top.c), sh)}, 1
	}
	var names []string
	for _, v := range vis[:ties] {
		names = append(names, v.name)
	}
	return []string{fmt.Sprintf(b.tr("%s er de lande, der fylder mest i statistikken med hver %s vurderet handlet til Danmark, svarende til hver %s af det samlede antal.",
		"%s are the countries that figure most prominently in the statistics, each with %s identified as trafficked to Denmark, corresponding to %s of the total each."),
		joinAnd(names, b.lang), b.persons(top.c), sh)}, ties
}

// nextNationalities are up to n of vis with at least three persons.
func (b *builder) nextNationalities(vis []nat, n int) []nat {
	var next []nat
	for _, v := range vis {
		if len(next) == n || v.c.v < 3 {
			break
		}
		next = append(next, v)
	}
	return next
}

// nextNationalitiesSentence states the next one or two with their shares.
func (b *builder) nextNationalitiesSentence(next []nat, total count) []string {
	switch len(next) {
	case 1:
		return []string{fmt.Sprintf(b.tr("Med %s udgør %s %s.", "With %s, %s accounts for %s."),
			b.persons(next[0].c), next[0].name, Share(next[0].c.v, total.v, b.lang))}
	case 2:
		return []string{fmt.Sprintf(b.tr("Med %s udgør %s %s og %s udgør %s med %s.", "With %s, %s accounts for %s, and %s for %s with %s."),
			b.persons(next[0].c), next[0].name, Share(next[0].c.v, total.v, b.lang),
			next[1].name, Share(next[1].c.v, total.v, b.lang), b.persons(next[1].c))}
	}
	return nil
}

// moreNationalitiesSentence states up to two more with their numbers only.
func (b *builder) moreNationalitiesSentence(more []nat) []string {
	switch len(more) {
	case 1:
		return []string{fmt.Sprintf(b.tr("Sammen med %s, med %s %s, udgør ovennævnte de enkelte lande, hvorfra der er flest identificerede ofre for menneskehandel.",
			"Together with %s, with %s %s, the countries above are the individual countries from which most victims were identified."),
			more[0].name, b.wn(more[0].c), b.victimWord(more[0].c))}
	case 2:
		return []string{fmt.Sprintf(b.tr("Sammen med %s og %s, med henholdsvis %s og %s ofre for menneskehandel, udgør ovennævnte de enkelte lande, hvorfra der er flest identificerede ofre for menneskehandel.",
			"Together with %s and %s, with %s and %s victims respectively, the countries above are the individual countries from which most victims were identified."),
			more[0].name, more[1].name, b.w(more[0].c), b.wn(more[1].c))}
	}
	return nil
}

// otherNationalities sums up the countries not named: those with victims
// and, under disclosure control, every withheld one (whether a withheld
// count is zero is not told).
func (b *builder) otherNationalities(ranking []nrm.NationalityCount, said map[string]bool) []string {
	var rest []string
	for _, r := range ranking {
		if !said[r.Code] {
			said[r.Code] = true
			rest = append(rest, r.Code)
		}
	}
	for code := range b.s.ByNationality {
		if !said[code] && b.natAt(code).hidden {
			rest = append(rest, code)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	small, hiddenRest := true, false
	for _, code := range rest {
		c := b.natAt(code)
		hiddenRest = hiddenRest || c.hidden
		if (c.hidden && !b.below(c)) || (!c.hidden && c.v > 3) {
			small = false
		}
	}
	switch {
	case len(rest) >= 3 && small:
		return []string{b.tr("Herudover er opgørelsen på nationaliteter præget af få handlede fra mange forskellige lande.",
			"Beyond these, the breakdown by nationality is characterised by few trafficked persons from many different countries.")}
	case hiddenRest:
		return []string{b.tr("De øvrige nationaliteter fremgår af figuren nedenfor.", "The other nationalities are shown in the figure below.")}
	case len(rest) == 1:
		return []string{b.tr("Herudover er der identificeret ofre fra ét andet land.", "In addition, victims from one other country were identified.")}
	}
	return []string{fmt.Sprintf(b.tr("Herudover er der identificeret ofre fra %s andre lande.", "In addition, victims from %s other countries were identified."),
		WordsNeuter(len(rest), b.lang))}
}

// nationalityFigure is Figure 4: the nationalities with victims; the data
// table keeps the nationalities of other years with 0. Under disclosure
// control the withheld ones follow the shown ones in name order, so that
// their order says nothing about their size.
func (b *builder) nationalityFigure(ranking []nrm.NationalityCount) {
	var natItems, withheld []item
	inRanking := map[string]bool{}
	for _, r := range ranking {
		inRanking[r.Code] = true
		it := item{code: r.Code, label: b.nationalityName(r), c: b.n(TabNationality, r.Code, "", r.Count)}
		if b.published() && it.c.hidden {
			withheld = append(withheld, it)
			continue
		}
		natItems = append(natItems, it)
	}
	var zero []string
	for code, v := range b.s.ByNationality {
		if !inRanking[code] && v == 0 {
			zero = append(zero, code)
		}
	}
	sort.Strings(zero)
	for _, code := range zero {
		it := item{code: code, label: code, c: b.natAt(code)}
		if b.published() && it.c.hidden {
			withheld = append(withheld, it)
			continue
		}
		natItems = append(natItems, it)
	}
	if len(withheld) > 0 {
		byName := nameOrder(b.lang)
		sort.SliceStable(withheld, func(i, j int) bool {
			if withheld[i].label != withheld[j].label {
				return byName(withheld[i].label, withheld[j].label) < 0
			}
			return withheld[i].code < withheld[j].code
		})
		// After the shown nationalities with victims, before the zeros.
		shown := 0
		for shown < len(natItems) && inRanking[natItems[shown].code] {
			shown++
		}
		natItems = append(natItems[:shown], append(withheld, natItems[shown:]...)...)
	}
	b.barFigure("nationality", b.tr("Ofre for menneskehandel fordelt på nationalitet ", "Victims of trafficking by nationality ")+b.year(),
		b.tr("Nationalitet", "Nationality"), natItems, true, true)
}

// victimWord is "offer"/"ofre" ("victim"/"victims") without the
// qualifier, for "med fem ofre for menneskehandel".
func (b *builder) victimWord(c count) string {
	if !c.hidden && c.v == 1 {
		return b.tr("offer for menneskehandel", "victim of trafficking")
	}
	return b.tr("ofre for menneskehandel", "victims of trafficking")
}

func (b *builder) exploitation(total count) {
	s := b.s
	b.section("exploitation", 2, b.tr("Identifikationer fordelt på udnyttelsesform og køn", "Identifications by form of exploitation and gender"))
	forms := keys(s.ByExploitation, "exploitation")
	fc := func(f string) count { return b.n(TabExploitation, f, "", s.ByExploitation[f]) }
	sorted := b.byShown(forms, s.ByExploitation, fc)
	var p1, p2 []string
	if len(sorted) > 0 && s.ByExploitation[sorted[0]] > 0 {
		main := sorted[0]
		mc := fc(main)
		to := b.phrase(formTo, main, main)
		if !mc.hidden {
			if pc, ok := b.pct(mc, total); ok {
				p1 = append(p1, b.f("%[1]s, svarende til %[2]s af de vurderede ofre for menneskehandel, er handlet %[4]s.",
					"%[1]s, corresponding to %[2]s of the identified victims, %[3]s trafficked %[4]s.", Capitalize(b.persons(mc)), pc, b.verb(mc, "was", "were"), to))
			}
		}
		var others []string
		allSmall := true
		for _, f := range sorted[1:] {
			c := fc(f)
			if c.v == 0 && !c.hidden {
				continue
			}
			others = append(others, f)
			if c.hidden || total.hidden || float64(c.v) >= 0.1*float64(total.v) {
				allSmall = false
			}
		}
		if len(others) > 0 {
			var nouns, counts []string
			for i, f := range others {
				c := fc(f)
				nouns = append(nouns, b.tr("handel ", "trafficking ")+b.phrase(formTo, f, f))
				if i == 0 {
					counts = append(counts, b.w(c)+b.tr(" handlet ", " trafficked ")+b.phrase(formTo, f, f))
				} else {
					counts = append(counts, b.w(c)+" "+b.phrase(formTo, f, f))
				}
			}
			if allSmall {
				p1 = append(p1, fmt.Sprintf(b.tr("%s fylder ganske lidt i statistikken for %s, med %s.",
					"%s account for very little of the statistics for %s, with %s."), Capitalize(joinAnd(nouns, b.lang)), b.year(), joinAnd(counts, b.lang)))
			} else {
				list := joinAnd(counts, b.lang)
				if b.lang == nrm.LangEN {
					list = strings.Replace(list, " trafficked ", " were trafficked ", 1)
				}
				p1 = append(p1, fmt.Sprintf(b.tr("Herudover er %s.", "In addition, %s."), list))
			}
		}
		// Gender within each form.
		if !mc.hidden && mc.v > 1 {
			gs := b.genderList(main)
			if len(gs) == 1 {
				g := gs[0]
				p2 = append(p2, fmt.Sprintf(b.tr("Alle %s, der er handlet %s, er %s.", "All %s trafficked %s are %s."),
					b.w(mc), to, b.noun4(genderNoun, g.code, true)))
			} else if len(gs) > 1 {
				var parts []string
				for _, g := range gs {
					parts = append(parts, b.np(g.c, b.noun4(genderNoun, g.code, false), b.noun4(genderNoun, g.code, true)))
				}
				p2 = append(p2, fmt.Sprintf(b.tr("Af de %s, der er handlet %s, er %s.", "Of the %s trafficked %s, %s."),
					b.w(mc), to, b.enAre(joinAnd(parts, b.lang))))
			}
		}
		for _, f := range others {
			p2 = append(p2, b.formSentence(f, fc(f)))
			if b.firstTime(func(y *nrm.YearFacts) int { return y.ByExploitation[f] }) {
				p2 = append(p2, b.firstForm(f))
			}
		}
	}
	male := b.n(TabGender, "male", "", s.ByGender["male"])
	if !male.hidden && male.v == 0 {
		p2 = append(p2, fmt.Sprintf(b.tr("Der er i %s ikke identificeret mandlige ofre for menneskehandel.",
			"No male victims of trafficking were identified in %s."), b.year()), b.earlierMen())
	} else if !male.hidden {
		if male.v == 1 {
			p2 = append(p2, fmt.Sprintf(b.tr("Der er i %s identificeret ét mandligt offer for menneskehandel.",
				"One male victim of trafficking was identified in %s."), b.year()))
		} else {
			if b.lang == nrm.LangEN {
				p2 = append(p2, fmt.Sprintf("%s male victims of trafficking were identified in %s.", Capitalize(b.wn(male)), b.year()))
			} else {
				p2 = append(p2, fmt.Sprintf("Der er i %s identificeret %s mandlige ofre for menneskehandel.", b.year(), b.w(male)))
			}
		}
	}
	b.narr(p1...)
	b.narr(p2...)
	b.sourceNotes("exploitation")

	// Table: form × gender, with the persons as the last row.
	genders := b.genderCodes()
	t := &Table{ID: "exploitation_gender", Caption: b.tr("Identifikationer fordelt på udnyttelsesform og køn ", "Identifications by form of exploitation and gender ") + b.year(),
		Sheet:   b.tr("Udnyttelse og køn", "Exploitation and gender"),
		Columns: []Column{{Label: b.tr("Udnyttelsesform", "Form of exploitation"), Weight: 2}}}
	for _, g := range genders {
		t.Columns = append(t.Columns, Column{Label: nrm.Label("gender", g, b.lang), Numeric: true})
	}
	t.Columns = append(t.Columns, Column{Label: b.tr("I alt", "Total"), Numeric: true})
	for _, f := range forms {
		row := Row{Cells: []Cell{{Text: nrm.Label("exploitation", f, b.lang)}}}
		for _, g := range genders {
			row.Cells = append(row.Cells, b.cell(b.n(TabExploitationGender, f, g, s.ByExploitationGender[f][g])))
		}
		row.Cells = append(row.Cells, b.cell(fc(f)))
		t.Rows = append(t.Rows, row)
	}
	pr := Row{Total: true, Cells: []Cell{{Text: b.tr("Personer i alt", "Persons, total")}}}
	for _, g := range genders {
		pr.Cells = append(pr.Cells, b.cell(b.n(TabGender, g, "", s.ByGender[g])))
	}
	pr.Cells = append(pr.Cells, b.cell(total))
	t.Rows = append(t.Rows, pr)
	t.Notes = append(t.Notes, b.tr("En person, der er udnyttet på flere måder, tælles under hver udnyttelsesform; andele er beregnet af antallet af personer.",
		"A person exploited in several ways is counted under each form; shares are computed over persons."))
	if mf := b.n(TabMultiForm, "", "", s.MultiFormPersons); mf.v > 0 && !mf.hidden {
		t.Notes = append(t.Notes, b.f("I %[1]s er %[2]s udnyttet på mere end én måde.", "In %[1]s, %[2]s %[3]s exploited in more than one way.",
			b.year(), b.persons(mf), b.verb(mf, "was", "were")))
	}
	b.table(t)

	var formItems []item
	for _, f := range forms {
		formItems = append(formItems, item{code: f, label: nrm.Label("exploitation", f, b.lang), c: fc(f)})
	}
	b.barFigure("exploitation", b.tr("Ofre for menneskehandel fordelt på udnyttelsesform ", "Victims of trafficking by form of exploitation ")+b.year(),
		b.tr("Udnyttelsesform", "Form of exploitation"), formItems, false, true)
	var genderItems []item
	for _, g := range keys(s.ByGender, "gender") {
		genderItems = append(genderItems, item{code: g, label: nrm.Label("gender", g, b.lang), c: b.n(TabGender, g, "", s.ByGender[g])})
	}
	b.barFigure("gender", b.tr("Ofre for menneskehandel fordelt på køn ", "Victims of trafficking by gender ")+b.year(),
		b.tr("Køn", "Gender"), genderItems, false, true)

	st := &Table{ID: "forced_labour_sectors", Caption: b.tr("Tvangsarbejde fordelt på branche ", "Forced labour by sector ") + b.year(),
		Sheet:   b.tr("Tvangsarbejde", "Forced labour"),
		Columns: []Column{{Label: b.tr("Branche", "Sector"), Weight: 2}, {Label: b.tr("Antal", "Number"), Numeric: true}}}
	for _, c := range keys(s.ForcedLabourSectors, "labour_sector") {
		st.Rows = append(st.Rows, Row{Cells: []Cell{{Text: nrm.Label("labour_sector", c, b.lang)}, b.cell(b.n(TabLabourSectors, c, "", s.ForcedLabourSectors[c]))}})
	}
	b.table(st)
}

// enAre inserts "are" after the first count of an English list: "54 are
// women and two transgender persons".
func (b *builder) enAre(list string) string {
	if b.lang != nrm.LangEN {
		return list
	}
	// After the count, which may be several words: "54 are women",
	// "fewer than three are women", "an undisclosed number are women".
	const undisclosed = "an undisclosed number of "
	if strings.HasPrefix(list, undisclosed) {
		return "an undisclosed number are " + list[len(undisclosed):]
	}
	words := 1
	if strings.HasPrefix(list, "fewer than ") {
		words = 3
	}
	i := -1
	for range words {
		j := strings.Index(list[i+1:], " ")
		if j < 0 {
			return list
		}
		i += j + 1
	}
	return list[:i] + " are" + list[i:]
}

// genderCodes are the gender columns: the code set's order plus any
// other key seen.
func (b *builder) genderCodes() []string {
	seen := map[string]int{}
	for _, g := range nrm.Codes("gender") {
		seen[g] = 0
	}
	for _, m := range b.s.ByExploitationGender {
		for g := range m {
			seen[g] = 0
		}
	}
	for g := range b.s.ByGender {
		seen[g] = 0
	}
	return keys(seen, "gender")
}

// genderList is the genders with persons in a form, largest first.
func (b *builder) genderList(form string) []item {
	m := b.s.ByExploitationGender[form]
	var out []item
	at := func(g string) count { return b.n(TabExploitationGender, form, g, m[g]) }
	for _, g := range b.byShown(keys(m, "gender"), m, at) {
		c := at(g)
		if c.v > 0 || c.hidden {
			out = append(out, item{code: g, c: c})
		}
	}
	return out
}

// formSentence describes a smaller form of exploitation: who, how many
// minors, and for forced labour the sectors.
func (b *builder) formSentence(form string, c count) string {
	gs := b.genderList(form)
	var who string
	if len(gs) == 1 {
		who = b.np(c, b.noun4(genderNoun, gs[0].code, false), b.noun4(genderNoun, gs[0].code, true))
	} else {
		var parts []string
		for _, g := range gs {
			parts = append(parts, b.np(g.c, b.noun4(genderNoun, g.code, false), b.noun4(genderNoun, g.code, true)))
		}
		who = b.persons(c)
		if len(parts) > 0 {
			who += " (" + joinAnd(parts, b.lang) + ")"
		}
	}
	who = Capitalize(who)
	minors := ""
	if b.k <= 1 && b.in.Mask == nil {
		m := 0
		for _, mc := range b.s.Minors.Cases {
			for _, f := range mc.Exploitation {
				if f == form {
					m++
					break
				}
			}
		}
		if m > 0 {
			mc := count{v: m}
			minors = b.tr(" – heraf "+b.np(mc, "mindreårig", "mindreårige")+" –", " – "+b.w(mc)+" of them "+b.verb(mc, "a minor", "minors")+" –")
		}
	}
	if form == "forced_labour" {
		var sectors []string
		sectorAt := func(sc string) count { return b.n(TabLabourSectors, sc, "", b.s.ForcedLabourSectors[sc]) }
		for _, sc := range b.byShown(keys(b.s.ForcedLabourSectors, "labour_sector"), b.s.ForcedLabourSectors, sectorAt) {
			n := sectorAt(sc)
			if n.hidden {
				sectors = append(sectors, b.w(n)+" "+b.phrase(sectorPhrase, sc, sc))
			} else if n.v > 0 {
				// Where the labour took place, when given: "én i form af
				// rengøring på kontorer og skoler".
				for _, p := range b.sectorParts(sc, n.v) {
					item := b.w(count{v: p.n}) + " " + b.phrase(sectorPhrase, sc, sc)
					if p.setting != "" {
						item += " " + b.phrase(settingPhrase, p.setting, p.setting)
					}
					sectors = append(sectors, item)
				}
			}
		}
		tail := ""
		if len(sectors) > 0 {
			tail = " – " + joinAnd(sectors, b.lang)
		}
		return b.f("%[1]s%[2]s er identificeret som %[4]s til tvangsarbejde%[5]s.", "%[1]s%[2]s %[3]s identified as %[4]s for forced labour%[5]s.",
			who, minors, b.verb(c, "was", "were"), b.victimWord(c), tail)
	}
	return b.f("%[1]s%[2]s er handlet %[4]s.", "%[1]s%[2]s %[3]s trafficked %[4]s.",
		who, minors, b.verb(c, "was", "were"), b.phrase(formTo, form, form))
}

func (b *builder) age() {
	s := b.s
	a := s.Age
	b.section("age", 2, b.tr("Identifikationer fordelt på alder", "Identifications by age"))
	var p1 []string
	if a.Min != nil && a.Max != nil && a.Mean != nil {
		rangeOK := !b.masked(TabAge, "min", "") && !b.masked(TabAge, "max", "")
		meanOK := !b.masked(TabAge, "mean", "")
		mean := strconv.Itoa(int(math.Floor(*a.Mean + 0.5)))
		switch {
		case rangeOK && meanOK:
			p1 = append(p1, fmt.Sprintf(b.tr("Aldersmæssigt fordeler de identificerede ofre for menneskehandel sig fra %d-%d år med en gennemsnitsalder på omkring %s år på identifikationstidspunktet.",
				"By age, the identified victims of trafficking range from %d to %d years, with a mean age of about %s years at the time of identification."), *a.Min, *a.Max, mean))
		case meanOK:
			p1 = append(p1, fmt.Sprintf(b.tr("Gennemsnitsalderen på identifikationstidspunktet er omkring %s år.",
				"The mean age at the time of identification is about %s years."), mean))
		case rangeOK:
			p1 = append(p1, fmt.Sprintf(b.tr("Aldersmæssigt fordeler de identificerede ofre for menneskehandel sig fra %d-%d år på identifikationstidspunktet.",
				"By age, the identified victims of trafficking range from %d to %d years at the time of identification."), *a.Min, *a.Max))
		}
		if maj := b.majority(); maj != "" {
			p1 = append(p1, maj)
		}
	} else {
		p1 = append(p1, b.tr("Alderen er ikke kendt for nogen af de identificerede.", "The age is not known for any of the identified persons."))
	}
	if u := b.n(TabAge, "unknown", "", a.Unknown); u.v > 0 || u.hidden {
		p1 = append(p1, fmt.Sprintf(b.tr("For %s er alderen ikke kendt.", "The age of %s is not known."), b.persons(u)))
	}
	b.narr(p1...)
	b.sourceNotes("age")

	var bands []item
	for _, band := range nrm.AgeBands {
		if _, ok := a.Bands[band]; ok {
			bands = append(bands, item{code: band, label: band, c: b.n(TabAgeBands, band, "", a.Bands[band])})
		}
	}
	b.barFigure("age", b.tr("Ofre for menneskehandel fordelt på alder ", "Victims of trafficking by age ")+b.year(),
		b.tr("Alder", "Age"), bands, false, false)

	// Per region: a line for each region with at least two persons whose
	// numbers are shown; one person's "range" would be their age.
	type reg struct {
		code string
		sum  nrm.AgeSummary
	}
	var lines []reg
	regions := b.ageRegions()
	for _, r := range regions {
		sum := a.ByRegion[r]
		c := b.n(TabAgeByRegion, r, "count", sum.Count)
		if c.hidden || sum.Count < 2 || sum.Mean == nil || b.masked(TabAgeByRegion, r, "mean") {
			continue
		}
		lines = append(lines, reg{r, sum})
	}
	sort.SliceStable(lines, func(i, j int) bool { return *lines[i].sum.Mean > *lines[j].sum.Mean })
	if len(lines) >= 2 {
		low := lines[len(lines)-1]
		b.narr(fmt.Sprintf(b.tr("Gennemsnitsalderen varierer for de forskellige afsenderområder; personer %s har den laveste gennemsnitsalder på identifikationstidspunktet.",
			"The mean age varies between regions of origin; persons %s have the lowest mean age at the time of identification."), b.fromRegion(low.code)))
	}
	if len(lines) > 0 {
		b.section("age-by-region", 3, b.tr("Gennemsnitsalder", "Mean age"))
		for _, l := range lines {
			region, mean := nrm.Label("region", l.code, b.lang), FormatDecimal(*l.sum.Mean, 1, b.lang)
			// The youngest and oldest are one person's age each: stated
			// only where the report may show them (never when published).
			if l.sum.Min == nil || l.sum.Max == nil || b.masked(TabAgeByRegion, l.code, "min") || b.masked(TabAgeByRegion, l.code, "max") {
				b.narr(fmt.Sprintf(b.tr("%s: en gennemsnitsalder på %s på identifikationstidspunktet.",
					"%s: a mean age of %s at the time of identification."), region, mean))
				continue
			}
			b.narr(fmt.Sprintf(b.tr("%s: %d-%d år, med en gennemsnitsalder på %s på identifikationstidspunktet.",
				"%s: %d-%d years, with a mean age of %s at the time of identification."),
				region, *l.sum.Min, *l.sum.Max, mean))
		}
	}
	t := &Table{ID: "age_by_region", Caption: b.tr("Alder fordelt på afsenderområde ", "Age by region of origin ") + b.year(),
		Sheet: b.tr("Alder og område", "Age and region"),
		Columns: []Column{{Label: b.tr("Afsenderområde", "Region of origin"), Weight: 2}, {Label: b.tr("Antal", "Number"), Numeric: true},
			{Label: b.tr("Yngste", "Youngest"), Numeric: true}, {Label: b.tr("Ældste", "Oldest"), Numeric: true},
			{Label: b.tr("Gennemsnitsalder", "Mean age"), Numeric: true}}}
	for _, r := range regions {
		sum := a.ByRegion[r]
		c := b.n(TabAgeByRegion, r, "count", sum.Count)
		row := Row{Cells: []Cell{{Text: nrm.Label("region", r, b.lang)}, b.cell(c)}}
		ageCell := func(col string, v *int) Cell {
			switch {
			case v == nil || sum.Count == 0:
				return Cell{Text: "–"}
			case c.hidden || b.masked(TabAgeByRegion, r, col):
				return Cell{Text: "x", Withheld: true}
			}
			return intCell(*v, b.lang)
		}
		row.Cells = append(row.Cells, ageCell("min", sum.Min), ageCell("max", sum.Max))
		switch {
		case sum.Mean == nil || sum.Count == 0:
			row.Cells = append(row.Cells, Cell{Text: "–"})
		case c.hidden || b.masked(TabAgeByRegion, r, "mean"):
			row.Cells = append(row.Cells, Cell{Text: "x", Withheld: true})
		default:
			row.Cells = append(row.Cells, Cell{Text: FormatDecimal(*sum.Mean, 1, b.lang), Number: *sum.Mean, IsNumber: true})
		}
		t.Rows = append(t.Rows, row)
	}
	if len(lines) < len(regions) {
		t.Notes = append(t.Notes, b.tr("Områder med færre end to personer beskrives ikke i teksten, da alderen ville kunne henføres til en enkelt person.",
			"Regions with fewer than two persons are not described in the text, as the age could be traced to a single person."))
	}
	b.table(t)
}

// ageRegions are the regions of the age table in code order.
func (b *builder) ageRegions() []string {
	m := map[string]int{}
	for r := range b.s.Age.ByRegion {
		m[r] = 0
	}
	return keys(m, "region")
}

// majority finds the shortest run of age bands holding more than half of
// the known ages and names it ("Størstedelen er i alderen 20-34 år.").
func (b *builder) majority() string {
	a := b.s.Age
	var bands []string
	var vals []int
	known, withheld := 0, false
	for _, band := range nrm.AgeBands {
		if v, ok := a.Bands[band]; ok {
			bands = append(bands, band)
			known += v
			// A withheld band counts as 0: the run found then holds the
			// majority whatever the withheld numbers are.
			if b.n(TabAgeBands, band, "", v).hidden {
				withheld = true
				v = 0
			}
			vals = append(vals, v)
		}
	}
	if withheld {
		// The number of known ages must itself be public.
		tot, unk := b.n(TabIdentified, "total", "", b.s.Identified.Total), b.n(TabAge, "unknown", "", a.Unknown)
		if tot.hidden || unk.hidden {
			return ""
		}
		known = tot.v - unk.v
	}
	if known <= 0 {
		return ""
	}
	bestI, bestJ, bestSum := -1, -1, -1
	for l := 1; l <= len(vals) && bestI < 0; l++ {
		for i := 0; i+l <= len(vals); i++ {
			sum := 0
			for _, v := range vals[i : i+l] {
				sum += v
			}
			if 2*sum > known && sum > bestSum {
				bestI, bestJ, bestSum = i, i+l-1, sum
			}
		}
	}
	if bestI < 0 || bestJ-bestI+1 > 4 || (bestI == 0 && bestJ == len(bands)-1) {
		return ""
	}
	lo, _ := bandBounds(bands[bestI])
	_, hi := bandBounds(bands[bestJ])
	switch {
	case hi < 0:
		return fmt.Sprintf(b.tr("Størstedelen er %d år eller derover.", "The majority are aged %d or over."), lo)
	case lo == 0:
		return fmt.Sprintf(b.tr("Størstedelen er under %d år.", "The majority are under %d."), hi+1)
	}
	return fmt.Sprintf(b.tr("Størstedelen er i alderen %d-%d år.", "The majority are aged %d-%d."), lo, hi)
}

// bandBounds parses "20-24" to 20, 24 and "60+" to 60, -1.
func bandBounds(band string) (int, int) {
	if strings.HasSuffix(band, "+") {
		lo, _ := strconv.Atoi(strings.TrimSuffix(band, "+"))
		return lo, -1
	}
	l, h, _ := strings.Cut(band, "-")
	lo, _ := strconv.Atoi(l)
	hi, _ := strconv.Atoi(h)
	return lo, hi
}

// minors is "Mindreårige": the year's interviews with minors and the
// sources' notes, then the minors identified, each described only in an
// internal report.
func (b *builder) minors() {
	s := b.s
	b.section("minors", 2, b.tr("Mindreårige", "Minors"))
	b.narr(b.screenings(nrm.GroupMinors)...)
	b.sourceNotes("minors")
	m := b.n(TabMinors, "count", "", s.Minors.Count)
	if !m.hidden && m.v == 0 {
		b.narr(fmt.Sprintf(b.tr("Der er i %s ikke vurderet mindreårige handlet.", "No minors were identified as victims of trafficking in %s."), b.year()))
		return
	}
	first := b.f("%[1]s er vurderet handlet i %[2]s.", "%[1]s %[3]s identified as %[4]s in %[2]s.",
		Capitalize(b.np(m, b.tr("mindreårig", "minor"), b.tr("mindreårige", "minors"))), b.year(),
		b.verb(m, "was", "were"), b.verb(m, "a victim of trafficking", "victims of trafficking"))
	if b.k > 1 || b.in.Mask != nil {
		b.narr(first)
		b.note(b.tr("Af hensyn til diskretion beskrives de mindreårige ikke enkeltvis i denne udgave af rapporten.",
			"For disclosure control, the minors are not described individually in this edition of the report."))
		return
	}
	b.narr(append([]string{first}, b.minorSentences(s.Minors.Cases)...)...)
	if len(s.Minors.Cases) > 2 {
		b.minorsTable(s.Minors.Cases)
	}
}

// minorWhat is how a minor was exploited: "udnyttet til husarbejde".
func (b *builder) minorWhat(c nrm.MinorCase) string {
	var parts []string
	for _, f := range c.Exploitation {
		if f == "forced_labour" && c.LabourSector != "" {
			parts = append(parts, b.tr("udnyttet til ", "exploited in ")+lower(nrm.Label("labour_sector", c.LabourSector, b.lang)))
			continue
		}
		parts = append(parts, b.phrase(minorForm, f, f))
	}
	return joinAnd(parts, b.lang)
}

// minorDesc is "blev udnyttet til husarbejde og blev identificeret i
// forbindelse med …".
func (b *builder) minorDesc(c nrm.MinorCase) string {
	var parts []string
	if w := b.minorWhat(c); w != "" {
		parts = append(parts, b.tr("blev ", "was ")+w)
	}
	if h := b.phrase(contactPhrase, orDefault(c.ContactForm, "unknown"), ""); h != "" {
		parts = append(parts, b.tr("blev identificeret ", "was identified ")+h)
	}
	return strings.Join(parts, b.tr(" og ", " and "))
}

// minorSentences describe one minor, two minors or the group.
func (b *builder) minorSentences(cases []nrm.MinorCase) []string {
	if len(cases) == 0 {
		return nil
	}
	sameGender, sameRegion := true, true
	for _, c := range cases {
		sameGender = sameGender && c.Gender == cases[0].Gender
		sameRegion = sameRegion && c.Region == cases[0].Region
	}
	var sents []string
	switch n := len(cases); {
	case n == 1:
		c := cases[0]
		sents = append(sents, fmt.Sprintf(b.tr("Der er tale om %s %s på %d år.", "The minor is %s %s aged %d."),
			b.noun4(minorNoun, c.Gender, false), b.fromRegion(c.Region), c.Age))
		if d := b.minorDesc(c); d != "" {
			pron := map[string][2]string{"female": {"Hun", "She"}, "male": {"Han", "He"}}
			p, ok := pron[c.Gender]
			who := b.tr("Den mindreårige", "The minor")
			if ok {
				who = b.tr(p[0], p[1])
			}
			sents = append(sents, who+" "+d+".")
		}
	case n == 2:
		c0, c1 := cases[0], cases[1]
		if sameGender && sameRegion {
			sents = append(sents, fmt.Sprintf(b.tr("Begge er %s %s, på henholdsvis %d og %d år.", "Both are %s %s, aged %d and %d respectively."),
				b.noun4(minorNoun, c0.Gender, true), b.fromRegion(c0.Region), c0.Age, c1.Age))
		} else {
			sents = append(sents, fmt.Sprintf(b.tr("Den ene er %s %s på %d år, den anden %s %s på %d år.", "One is %s %s aged %d, the other %s %s aged %d."),
				b.noun4(minorNoun, c0.Gender, false), b.fromRegion(c0.Region), c0.Age, b.noun4(minorNoun, c1.Gender, false), b.fromRegion(c1.Region), c1.Age))
		}
		d0, d1 := b.minorDesc(c0), b.minorDesc(c1)
		if d0 != "" && d1 != "" {
			one := b.tr("Den ene", "One")
			if sameGender {
				one = b.tr("Den ene af "+map[string]string{"female": "pigerne", "male": "drengene"}[c0.Gender], "One of the "+b.noun4(minorNoun, c0.Gender, true))
				if strings.HasSuffix(one, "af ") {
					one = "Den ene"
				}
			}
			sents = append(sents, fmt.Sprintf(b.tr("%s %s; den anden %s.", "%s %s; the other %s."), one, d0, d1))
		}
	default:
		lo, hi := cases[0].Age, cases[0].Age
		for _, c := range cases {
			lo, hi = min(lo, c.Age), max(hi, c.Age)
		}
		if sameGender && sameRegion {
			sents = append(sents, fmt.Sprintf(b.tr("Alle er %s %s, i alderen %d-%d år.", "All are %s %s, aged %d-%d."),
				b.noun4(minorNoun, cases[0].Gender, true), b.fromRegion(cases[0].Region), lo, hi))
		} else {
			sents = append(sents, fmt.Sprintf(b.tr("De er i alderen %d-%d år.", "They are aged %d-%d."), lo, hi))
		}
	}
	return sents
}

// minorsTable lists three or more minors (internal reports only).
func (b *builder) minorsTable(cases []nrm.MinorCase) {
	t := &Table{ID: "minors", Caption: b.tr("Mindreårige vurderet handlet i ", "Minors identified in ") + b.year(), Sheet: b.tr("Mindreårige", "Minors"),
		Columns: []Column{{Label: b.tr("Alder", "Age"), Numeric: true}, {Label: b.tr("Køn", "Gender")}, {Label: b.tr("Afsenderområde", "Region of origin")},
			{Label: b.tr("Udnyttelsesform", "Form of exploitation"), Weight: 1.5}, {Label: b.tr("Kontaktform", "Contact form"), Weight: 1.5}}}
	for _, c := range cases {
		var forms []string
		for _, f := range c.Exploitation {
			l := nrm.Label("exploitation", f, b.lang)
			if f == "forced_labour" && c.LabourSector != "" {
				l += " (" + lower(nrm.Label("labour_sector", c.LabourSector, b.lang)) + ")"
			}
			forms = append(forms, l)
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{intCell(c.Age, b.lang), {Text: nrm.Label("gender", c.Gender, b.lang)},
			{Text: nrm.Label("region", c.Region, b.lang)}, {Text: strings.Join(forms, ", ")}, {Text: b.label("contact_form", orDefault(c.ContactForm, "unknown"))}}})
	}
	b.table(t)
}

// support is "Forløb efter identifikation": the stays in crisis shelters
// and private housing.
func (b *builder) support() {
	b.section("after-identification", 2, b.tr("Forløb efter identifikation", "After identification"))
	b.para(b.tr(afterIdentification[0], afterIdentification[1]))
	sc, still := b.shelter()
	b.privateHousing(sc, still)
}

// shelter is "Ophold på krisecentre" with Figure 8; it returns the shelter
// count and those still there at the year's end for the accommodation
// table.
func (b *builder) shelter() (sc, still count) {
	s := b.s
	b.section("shelter", 3, b.tr("Ophold på krisecentre", "Stays in crisis shelters"))
	sc = b.n(TabShelter, "count", "", s.Shelter.Count)
	still = b.n(TabShelter, "still_at_year_end", "", s.Shelter.StillAtYearEnd)
	var p []string
	if !sc.hidden && sc.v == 0 {
		p = append(p, fmt.Sprintf(b.tr("Ingen af de personer, som er vurderet handlet i %s, blev indkvarteret på krisecenter.",
			"None of the persons identified as trafficked in %s stayed in a crisis shelter."), b.year()))
	} else {
		p = append(p, fmt.Sprintf(b.tr("%s, som er vurderet handlet i %s, blev indkvarteret på krisecenter%s.",
			"%s identified as trafficked in %s stayed in a crisis shelter%s."), Capitalize(b.persons(sc)), b.year(), b.shelterProviders(sc)))
		if !still.hidden && still.v == 0 {
			p = append(p, b.tr("Ingen havde fortsat ophold ved årets udgang.", "None was still in a shelter at the end of the year."))
		} else {
			p = append(p, b.f("Heraf havde %[1]s fortsat ophold ved årets udgang.", "Of these, %[1]s %[2]s still in a shelter at the end of the year.",
				b.w(still), b.verb(still, "was", "were")))
		}
		short := b.n(TabShelterBuckets, "<=30", "", s.Shelter.Buckets["<=30"])
		long := b.n(TabShelterBuckets, ">=100", "", s.Shelter.Buckets[">=100"])
		ps, okS := b.pct(short, sc)
		pl, okL := b.pct(long, sc)
		okS, okL = okS && short.v > 0, okL && long.v > 0
		switch {
		case okS && okL:
			p = append(p, fmt.Sprintf(b.tr("Ca. %s var indkvarteret på krisecenter op til en måned, mens ca. %s var indkvarteret 100 dage eller derover.",
				"About %s stayed in a crisis shelter for up to a month, while about %s stayed for 100 days or more."), ps, pl))
		case okS:
			p = append(p, fmt.Sprintf(b.tr("Ca. %s var indkvarteret på krisecenter op til en måned.", "About %s stayed in a crisis shelter for up to a month."), ps))
		case okL:
			p = append(p, fmt.Sprintf(b.tr("Ca. %s var indkvarteret på krisecenter 100 dage eller derover.", "About %s stayed in a crisis shelter for 100 days or more."), pl))
		}
	}
	b.narr(p...)
	b.sourceNotes("shelter")
	bucketLabel := map[string][2]string{"<=30": {"Op til 30 dage", "Up to 30 days"}, "31-99": {"31-99 dage", "31-99 days"}, ">=100": {"100 dage eller derover", "100 days or more"}}
	var buckets []item
	for _, k := range nrm.ShelterBuckets {
		if _, ok := s.Shelter.Buckets[k]; ok {
			buckets = append(buckets, item{code: k, label: b.phrase(bucketLabel, k, k), c: b.n(TabShelterBuckets, k, "", s.Shelter.Buckets[k])})
		}
	}
	b.barFigure("shelter", b.tr("Ophold på krisecenter fordelt på antal dage ", "Stays in crisis shelters by number of days ")+b.year(),
		b.tr("Antal dage", "Number of days"), buckets, false, false)
	return sc, still
}

// privateHousing is "Privat indkvartering" and the accommodation table.
func (b *builder) privateHousing(sc, still count) {
	b.section("private-housing", 3, b.tr("Privat indkvartering", "Private housing"))
	ph := b.s.PrivateHousing
	pc := b.n(TabPrivateHousing, "count", "", ph.Count)
	pStill := b.n(TabPrivateHousing, "still_at_year_end", "", ph.StillAtYearEnd)
	pGone := b.n(TabPrivateHousing, "disappeared", "", ph.Disappeared)
	pSelf := b.n(TabPrivateHousing, "self_return", "", ph.SelfReturn)
	if !pc.hidden && pc.v == 0 {
		b.narr(fmt.Sprintf(b.tr("Ingen af de personer, som er vurderet handlet i %s, blev privat indkvarteret efter identifikation.",
			"None of the persons identified as trafficked in %s was placed in private housing after identification."), b.year()))
	} else {
		first := b.f("%[1]s blev privat indkvarteret efter identifikation.", "%[1]s %[2]s placed in private housing after identification.",
			Capitalize(b.persons(pc)), b.verb(pc, "was", "were"))
		var parts []string
		if pStill.v > 0 || pStill.hidden {
			parts = append(parts, b.w(pStill)+b.tr(" var fortsat indkvarteret ved årets udgang", " "+b.verb(pStill, "was", "were")+" still housed there at the end of the year"))
		}
		if pGone.v > 0 || pGone.hidden {
			parts = append(parts, b.w(pGone)+b.tr(" er efterfølgende forsvundet", " "+b.verb(pGone, "has", "have")+" since disappeared"))
		}
		if pSelf.v > 0 || pSelf.hidden {
			parts = append(parts, b.w(pSelf)+b.tr(" er rejst hjem på egen hånd", " "+b.verb(pSelf, "has", "have")+" returned home on their own"))
		}
		second := ""
		if len(parts) > 0 {
			second = Capitalize(joinAnd(parts, b.lang)) + "."
		}
		b.narr(first, second)
	}
	b.sourceNotes("private_housing")
	t := &Table{ID: "accommodation", Caption: b.tr("Indkvartering efter identifikation ", "Accommodation after identification ") + b.year(),
		Sheet:   b.tr("Indkvartering", "Accommodation"),
		Columns: []Column{{Label: b.tr("Indkvartering", "Accommodation"), Weight: 3}, {Label: b.tr("Antal personer", "Persons"), Numeric: true}}}
	add := func(label string, c count) { t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: label}, b.cell(c)}}) }
	add(b.tr("Indkvarteret på krisecenter", "Stayed in a crisis shelter"), sc)
	add(b.tr("– heraf fortsat ophold ved årets udgang", "– of whom still there at the end of the year"), still)
	add(b.tr("Privat indkvarteret", "Placed in private housing"), pc)
	add(b.tr("– heraf fortsat indkvarteret ved årets udgang", "– of whom still there at the end of the year"), pStill)
	add(b.tr("– heraf efterfølgende forsvundet", "– of whom disappeared"), pGone)
	add(b.tr("– heraf rejst hjem på egen hånd", "– of whom returned home on their own"), pSelf)
	b.table(t)
}

// returns is "Forberedte hjemsendelser": the prepared returns of the
// year (period view), of the year's identified (cohort view), the other
// returns, the sources' notes and both tables. A source's attributed
// note makes the first two read as reported by it ("Udlændingestyrelsen
// har oplyst, at …").
func (b *builder) returns() {
	b.section("returns", 2, b.tr("Forberedte hjemsendelser", "Prepared returns"))
	src := b.attributedSource("returns")
	b.narr(b.returnsPeriodSentence(src))
	b.narr(b.returnsCohortSentence(src))
	b.narr(b.otherReturnsSentence())
	b.sourceNotes("returns")
	b.note(b.tr(returnsViews[0], returnsViews[1]))
	b.returnsPeriodTable()
	b.returnsCohortTable()
}

const preparedReturn = "prepared_return"

// returnsPeriodSentence is "I 2011 blev der gennemført tolv forberedte
// hjemsendelser af personer, som er vurderet som ofre for menneskehandel
// (heraf elleve personer, som blev vurderet handlet i 2011, og én …)."
func (b *builder) returnsPeriodSentence(src string) string {
	per := b.s.Returns.Period
	pc := b.n(TabReturnsPeriod, preparedReturn, "", per.ByKind[preparedReturn])
	if !pc.hidden && pc.v == 0 {
		da := fmt.Sprintf("der i %s ikke blev gennemført forberedte hjemsendelser af personer, som er vurderet som ofre for menneskehandel.", b.year())
		en := fmt.Sprintf("In %s, no prepared returns were carried out for persons identified as victims of trafficking.", b.year())
		if src != "" {
			return b.attributed(src, da, en, false)
		}
		return b.tr(fmt.Sprintf("I %s blev der ikke gennemført forberedte hjemsendelser af personer, som er vurderet som ofre for menneskehandel.", b.year()), en)
	}
	what := b.np(pc, b.tr("forberedt hjemsendelse", "prepared return"), b.tr("forberedte hjemsendelser", "prepared returns"))
	verb := b.verb(pc, "was", "were")
	detail := b.returnsByIdentificationYear()
	if src != "" {
		return b.attributed(src,
			fmt.Sprintf("der i %s blev gennemført %s af personer, som er vurderet som ofre for menneskehandel%s.", b.year(), what, detail),
			fmt.Sprintf("In %s, %s %s carried out for persons identified as victims of trafficking%s.", b.year(), what, verb, detail), false)
	}
	return b.f("I %[1]s blev der gennemført %[2]s af personer, som er vurderet som ofre for menneskehandel%[4]s.",
		"In %[1]s, %[2]s %[3]s carried out for persons identified as victims of trafficking%[4]s.", b.year(), what, verb, detail)
}

// returnsByIdentificationYear is the parenthesis splitting the year's
// prepared returns by the year the persons were identified.
func (b *builder) returnsByIdentificationYear() string {
	per := b.s.Returns.Period
	var years []string
	for y := range per.ByIdentificationYear {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(years)))
	var parts []string
	for _, y := range years {
		v := per.ByIdentificationYear[y][preparedReturn]
		c := b.n(TabReturnsPeriodByYear, y, preparedReturn, v)
		if v == 0 && !c.hidden {
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, b.f("%[1]s, som blev vurderet handlet i %[3]s", "%[1]s %[2]s identified as trafficked in %[3]s",
				b.persons(c), b.verb(c, "was", "were"), y))
		} else {
			parts = append(parts, fmt.Sprintf(b.tr("%s, som blev vurderet handlet i %s", "%s in %s"), b.persons(c), y))
		}
	}
	switch {
	case len(parts) == 1 && len(years) > 0:
		detail := fmt.Sprintf(b.tr(" (alle vurderet handlet i %s)", " (all identified as trafficked in %s)"), years[0])
		for _, y := range years {
			if per.ByIdentificationYear[y][preparedReturn] > 0 {
				detail = fmt.Sprintf(b.tr(" (alle vurderet handlet i %s)", " (all identified as trafficked in %s)"), y)
			}
		}
		return detail
	case len(parts) > 1:
		if b.lang == nrm.LangEN {
			return " (of whom " + joinAnd(parts, b.lang) + ")"
		}
		return " (heraf " + strings.Join(parts[:len(parts)-1], ", ") + ", og " + parts[len(parts)-1] + ")"
	}
	return ""
}

// returnsCohortSentence is "Af de personer, som blev vurderet handlet i
// 2011, har 13 indtil videre (opgjort pr. 1. marts 2012) gennemført en
// forberedt hjemsendelse, heraf to i 2012."
func (b *builder) returnsCohortSentence(src string) string {
	coh := b.s.Returns.Cohort
	cc := b.n(TabReturnsCohort, preparedReturn, "", coh.ByKind[preparedReturn])
	cut := FormatDate(b.doc.Cutoff, b.lang)
	if !cc.hidden && cc.v == 0 {
		da := fmt.Sprintf("Af de personer, som blev vurderet handlet i %s, har ingen indtil videre (opgjort pr. %s) gennemført en forberedt hjemsendelse.", b.year(), cut)
		en := fmt.Sprintf("Of the persons identified as trafficked in %s, none has so far (as of %s) completed a prepared return.", b.year(), cut)
		if src != "" {
			return b.attributed(src, lowerFirst(da), en, true)
		}
		return b.tr(da, en)
	}
	var later, ys []string
	for y := range coh.ByExitYear {
		ys = append(ys, y)
	}
	sort.Strings(ys)
	for _, y := range ys {
		if y <= b.year() {
			continue
		}
		v := coh.ByExitYear[y][preparedReturn]
		c := b.n(TabReturnsCohortByYear, y, preparedReturn, v)
		if v > 0 || c.hidden {
			later = append(later, b.f("%[1]s i %[2]s", "%[1]s of them in %[2]s", b.w(c), y))
		}
	}
	tail := ""
	if len(later) > 0 {
		tail = b.tr(", heraf ", ", ") + joinAnd(later, b.lang)
	}
	da := fmt.Sprintf("Af de personer, som blev vurderet handlet i %s, har %s indtil videre (opgjort pr. %s) gennemført en forberedt hjemsendelse%s.",
		b.year(), b.w(cc), cut, tail)
	en := fmt.Sprintf("Of the persons identified as trafficked in %s, %s %s so far (as of %s) completed a prepared return%s.",
		b.year(), b.w(cc), b.verb(cc, "has", "have"), cut, tail)
	if src != "" {
		return b.attributed(src, lowerFirst(da), en, true)
	}
	return b.tr(da, en)
}

// otherReturnsSentence is "Udover antallet af ofre, der har taget imod en
// forberedt hjemsendelse via IOM, er tre personer rejst hjem med støtte
// via CMM/social organisation, …".
func (b *builder) otherReturnsSentence() string {
	per := b.s.Returns.Period
	type other struct{ kind, da, en string }
	var parts []string
	for _, o := range []other{
		{"return_via_social_org", "rejst hjem med støtte via CMM/social organisation", "returned home with support from CMM or a social organisation"},
		{"return_via_police", "efter eget ønske sendt hjem via politiet", "%s returned home via the police at their own request"},
		{"self_return", "rejst hjem på egen hånd", "returned home on their own"},
	} {
		c := b.n(TabReturnsPeriod, o.kind, "", per.ByKind[o.kind])
		if c.v == 0 && !c.hidden {
			continue
		}
		en := o.en
		if strings.Contains(en, "%s") {
			en = fmt.Sprintf(en, b.verb(c, "was", "were"))
		}
		who := b.w(c)
		if len(parts) == 0 {
			who = b.persons(c)
		}
		parts = append(parts, who+" "+b.tr(o.da, en))
	}
	if len(parts) == 0 {
		return ""
	}
	return b.tr("Udover antallet af ofre, der har taget imod en forberedt hjemsendelse via IOM, er ", "In addition to the victims who accepted a prepared return via IOM, ") +
		joinAnd(parts, b.lang) + "."
}

// returnsPeriodTable is the year's returns and other exits by the year of
// identification.
func (b *builder) returnsPeriodTable() {
	per := b.s.Returns.Period
	kinds := keys(per.ByKind, "exit_kind")
	var pYears []string
	for y := range per.ByIdentificationYear {
		pYears = append(pYears, y)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(pYears)))
	t := &Table{ID: "returns_period", Caption: fmt.Sprintf(b.tr("Hjemrejser og andre afslutninger i %s fordelt på år for identifikation", "Returns and other exits in %s by year of identification"), b.year()),
		Sheet:   b.tr("Hjemrejser i året", "Returns in the year"),
		Columns: []Column{{Label: b.tr("Afslutning", "Exit"), Weight: 3}}}
	for _, y := range pYears {
		t.Columns = append(t.Columns, Column{Label: b.tr("Identificeret ", "Identified ") + y, Numeric: true})
	}
	t.Columns = append(t.Columns, Column{Label: b.tr("I alt", "Total"), Numeric: true})
	for _, k := range kinds {
		row := Row{Cells: []Cell{{Text: nrm.Label("exit_kind", k, b.lang)}}}
		for _, y := range pYears {
			row.Cells = append(row.Cells, b.cell(b.n(TabReturnsPeriodByYear, y, k, per.ByIdentificationYear[y][k])))
		}
		row.Cells = append(row.Cells, b.cell(b.n(TabReturnsPeriod, k, "", per.ByKind[k])))
		t.Rows = append(t.Rows, row)
	}
	b.table(t)
}

// returnsCohortTable is the returns and other exits of the year's
// identified by the year of the exit.
func (b *builder) returnsCohortTable() {
	coh := b.s.Returns.Cohort
	cut := FormatDate(b.doc.Cutoff, b.lang)
	ckinds := keys(coh.ByKind, "exit_kind")
	var cYears []string
	for y := range coh.ByExitYear {
		cYears = append(cYears, y)
	}
	sort.Strings(cYears)
	t2 := &Table{ID: "returns_cohort", Caption: fmt.Sprintf(b.tr("Hjemrejser og andre afslutninger for personer vurderet handlet i %s, fordelt på år (opgjort pr. %s)",
		"Returns and other exits of persons identified in %s, by year (as of %s)"), b.year(), cut),
		Sheet:   b.tr("Årets identificerede", "Identified in the year"),
		Columns: []Column{{Label: b.tr("Afslutning", "Exit"), Weight: 3}}}
	for _, y := range cYears {
		t2.Columns = append(t2.Columns, Column{Label: y, Numeric: true})
	}
	t2.Columns = append(t2.Columns, Column{Label: b.tr("I alt", "Total"), Numeric: true})
	for _, k := range ckinds {
		row := Row{Cells: []Cell{{Text: nrm.Label("exit_kind", k, b.lang)}}}
		for _, y := range cYears {
			row.Cells = append(row.Cells, b.cell(b.n(TabReturnsCohortByYear, y, k, coh.ByExitYear[y][k])))
		}
		row.Cells = append(row.Cells, b.cell(b.n(TabReturnsCohort, k, "", coh.ByKind[k])))
		t2.Rows = append(t2.Rows, row)
	}
	b.table(t2)
}

func (b *builder) prosecution() {
	p := b.s.Prosecution
	b.section("prosecution", 2, b.tr("Sigtelser og afgørelser", "Charges and decisions"))
	if !p.Reported {
		b.para(fmt.Sprintf(b.tr("Rigspolitiets opgørelse over sigtelser og afgørelser efter straffelovens § 262a for %s foreligger endnu ikke.",
			"The National Police's count of charges and decisions under section 262a of the Criminal Code for %s is not yet available."), b.year()))
		return
	}
	b.lead(fmt.Sprintf(b.tr("Rigspolitiets opgørelse over antallet af sigtelser og afgørelser efter straffelovens § 262a januar – december %s:",
		"The National Police's count of charges and decisions under section 262a of the Criminal Code, January – December %s:"), b.year()))
	c := func(row string, v int) Cell { return b.cell(b.n(TabProsecution, row, "", v)) }
	t := &Table{ID: "prosecution", Caption: fmt.Sprintf(b.tr("Sigtelser og afgørelser efter straffelovens § 262a, %s", "Charges and decisions under section 262a of the Criminal Code, %s"), b.year()),
		Sheet:   b.tr("Retsforfølgelse", "Prosecution"),
		Columns: []Column{{Label: "", Weight: 2}, {Label: "", Weight: 1.6}, {Label: b.tr("Antal", "Number"), Numeric: true}},
		Rows: []Row{
			{Cells: []Cell{{Text: b.tr("Sigtelser", "Charges")}, {}, c("charges", p.Charges)}},
			{Cells: []Cell{{Text: b.tr("Alle afgørelser", "All decisions")}, {}, c("decisions", p.Decisions)}},
			{Cells: []Cell{{Text: b.tr("Heraf fældende afgørelser", "Of which convictions")}, {Text: b.tr("Dom", "Unconditional sentence")}, c("convictions_unconditional", p.ConvictionsUnconditional)}},
			{Cells: []Cell{{}, {Text: b.tr("Delvis betinget dom", "Partly suspended sentence")}, c("convictions_partly_suspended", p.ConvictionsPartlySuspended)}},
			{Total: true, Cells: []Cell{{Text: b.tr("I alt", "Total")}, {}, c("convictions_total", p.ConvictionsTotal)}},
		}}
	cut := p.CutoffDate
	if cut.IsZero() {
		cut = b.doc.Cutoff
	}
	t.Notes = append(t.Notes, b.tr("Note: Opgjort pr. ", "Note: As of ")+FormatDate(cut, b.lang)+".")
	note := p.Note
	if note == "" || note == nrm.DefaultProsecutionNote {
		note = b.tr(nrm.DefaultProsecutionNote, prosecutionNoteEN)
	}
	t.Notes = append(t.Notes, note)
	b.table(t)
	b.sourceNotes("prosecution")
}
