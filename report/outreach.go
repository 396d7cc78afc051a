package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"nrm"
)

// trendWords are the words of the status reports for a change of visits
// ("Besøgstallet ... er fortsat stigende", "svagt stigende i forhold til
// 2010", "fremmødet er stabilt").
var trendWords = map[nrm.OutreachTrendKind][2]string{
	nrm.TrendRising:     {"stigende", "rising"},
	nrm.TrendSlightRise: {"svagt stigende", "slightly rising"},
	nrm.TrendStable:     {"stabilt", "stable"},
	nrm.TrendSlightFall: {"svagt faldende", "slightly falling"},
	nrm.TrendFalling:    {"faldende", "falling"},
}

// direction is +1 for a rise, -1 for a fall and 0 for no stated change.
func direction(k nrm.OutreachTrendKind) int {
	switch k {
	case nrm.TrendRising, nrm.TrendSlightRise:
		return 1
	case nrm.TrendFalling, nrm.TrendSlightFall:
		return -1
	}
	return 0
}

// serviceName is an outreach service's name in lang.
func serviceName(s *nrm.OutreachService, lang nrm.Lang) string {
	if lang == nrm.LangEN && s.NameEN != "" {
		return s.NameEN
	}
	return s.NameDA
}

// inText writes a name for the middle of a sentence: a leading article
// ("Det mobile sundhedstilbud", "The meeting place") in lower case.
func inText(name string) string {
	for _, a := range []string{"Det ", "Den ", "De ", "The "} {
		if strings.HasPrefix(name, a) {
			return strings.ToLower(a[:1]) + name[1:]
		}
	}
	return name
}

// changeText writes a change in whole per cent with its sign: "+13 pct."
// ("+13%"); "±0 pct." for no change.
func changeText(y nrm.OutreachYear, lang nrm.Lang) string {
	p := int(math.Round(y.ChangePct))
	sign := "+"
	switch {
	case p < 0:
		sign, p = "-", -p
	case p == 0:
		sign = "±"
	}
	return tr(lang, sign+strconv.Itoa(p)+" pct.", sign+strconv.Itoa(p)+"%")
}

// OutreachSentences writes what the outreach services' statistics say
// about year, in the seed's register: for each service with a figure for
// the year, its visits and, when the year before is known, whether they
// are rising, slightly rising, stable, slightly falling or falling
// compared with that year ("fortsat" when they moved the same way the
// year before too); then the visits in all when every service's change
// is known. services gives the order and names.
func OutreachSentences(services []*nrm.OutreachService, stats []*nrm.OutreachStat, year int, lang nrm.Lang) []string {
	years := nrm.OutreachYears(stats)
	var out []string
	total, prevTotal, counted, compared := 0, 0, 0, 0
	for _, s := range services {
		cur, ok := nrm.OutreachYearOf(years, s.Code, year)
		if !ok {
			continue
		}
		counted++
		name := serviceName(s, lang)
		visits := FormatInt(cur.Visits, lang)
		switch {
		case cur.Trend != nrm.TrendNone:
			compared++
			total += cur.Visits
			prevTotal += cur.PrevVisits
			words := trendWords[cur.Trend]
			word := tr(lang, words[0], words[1])
			if before, ok := nrm.OutreachYearOf(years, s.Code, year-1); ok && direction(before.Trend) != 0 && direction(before.Trend) == direction(cur.Trend) {
				word = tr(lang, "fortsat ", "still ") + word
			}
			out = append(out, fmt.Sprintf(tr(lang, "Besøgstallet for %s er %s i forhold til %d: %s besøg i %d mod %s i %d (%s).",
				"Visits to %s are %s compared with %d: %s visits in %d against %s in %d (%s)."),
				inText(name), word, year-1, visits, year, FormatInt(cur.PrevVisits, lang), year-1, changeText(cur, lang)))
		case cur.Partial:
			out = append(out, fmt.Sprintf(tr(lang, "%s havde %s besøg i %d (opgjort for en del af året).", "%s had %s visits in %d (counted for part of the year)."),
				Capitalize(name), visits, year))
		default:
			out = append(out, fmt.Sprintf(tr(lang, "%s havde %s besøg i %d.", "%s had %s visits in %d."), Capitalize(name), visits, year))
		}
	}
	if compared > 1 && compared == counted {
		out = append(out, fmt.Sprintf(tr(lang, "I alt havde de %s opsøgende tilbud %s besøg i %d mod %s i %d.",
			"In all, the %s outreach services had %s visits in %d against %s in %d."),
			Words(compared, lang), FormatInt(total, lang), year, FormatInt(prevTotal, lang), year-1))
	}
	return out
}

// outreach adds the outreach services' visits of the reporting year to
// the plan section: the sentences and a table of the year and the year
// before with the change; nothing when no service has a figure for the
// year.
func (b *builder) outreach(services []*nrm.OutreachService, stats []*nrm.OutreachStat) {
	year := b.s.Year
	sentences := OutreachSentences(services, stats, year, b.lang)
	if len(sentences) == 0 {
		return
	}
	b.section("activities-outreach", 2, b.tr("Besøg på de opsøgende tilbud", "Visits to the outreach services"))
	for _, s := range sentences {
		b.para(s)
	}
	years := nrm.OutreachYears(stats)
	prev, cur := strconv.Itoa(year-1), strconv.Itoa(year)
	t := &Table{ID: "plan.outreach", Caption: fmt.Sprintf(b.tr("Besøg på de opsøgende tilbud, %s og %s", "Visits to the outreach services, %s and %s"), prev, cur),
		Sheet: b.tr("Opsøgende tilbud", "Outreach services"),
		Columns: []Column{{Label: b.tr("Tilbud", "Service"), Weight: 2}, {Label: prev, Numeric: true}, {Label: cur, Numeric: true},
			{Label: b.tr("Ændring", "Change"), Numeric: true}, {Label: b.tr("Udvikling", "Trend")}}}
	partial := false
	for _, s := range services {
		y, ok := nrm.OutreachYearOf(years, s.Code, year)
		if !ok {
			continue
		}
		before := Cell{Text: "–"}
		if p, ok := nrm.OutreachYearOf(years, s.Code, year-1); ok {
			before = intCell(p.Visits, b.lang)
			if p.Partial {
				before.Text += "*"
				partial = true
			}
		}
		now := intCell(y.Visits, b.lang)
		if y.Partial {
			now.Text += "*"
			partial = true
		}
		change, trend := Cell{Text: "–"}, Cell{Text: "–"}
		if y.Trend != nrm.TrendNone {
			change = Cell{Text: changeText(y, b.lang)}
			trend = Cell{Text: y.Trend.Label(b.lang)}
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: serviceName(s, b.lang)}, before, now, change, trend}})
	}
	t.Notes = append(t.Notes, b.tr("Udviklingen er ændringen i besøgstallet i forhold til året før: under 3 pct. er stabilt, under 10 pct. svagt stigende eller faldende.",
		"The trend is the change in visits against the year before: below 3% is stable, below 10% slightly rising or falling."))
	if partial {
		t.Notes = append(t.Notes, b.tr("* Opgjort for en del af året.", "* Counted for part of the year."))
	}
	b.table(t)
}
