package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// OutputSentences writes what the plan's outputs say about year, in the
// seed's register: how many courses and participants each organisation
// had, by audience; which campaigns ran; which studies, publications and
// materials were published; which study trips were made; which
// international projects ran and what they were granted. orgNames maps
// organisation codes to names (fallback: the code). An output counts in
// the year it happened or started; campaigns and international projects
// in every year they ran.
func OutputSentences(outs []*nrm.Output, year int, lang nrm.Lang, orgNames map[string]string) []string {
	org := func(code string) string {
		if n := orgNames[code]; n != "" {
			return n
		}
		return code
	}
	title := func(o *nrm.Output) string {
		t := o.TitleDA
		if lang == nrm.LangEN && o.TitleEN != "" {
			t = o.TitleEN
		}
		return tr(lang, "”"+t+"”", "“"+t+"”")
	}
	// audience is the output's audience in the report language (Danish
	// when no English is given).
	audience := func(o *nrm.Output) string {
		if lang == nrm.LangEN && o.AudienceEN != "" {
			return o.AudienceEN
		}
		return o.Audience
	}
	in := func(o *nrm.Output) bool { return o.Year() == year }
	running := func(o *nrm.Output) bool { return o.Year() <= year && year <= o.LastYear() }
	y := strconv.Itoa(year)
	var out []string

	// Training: per organisation and audience, courses and participants.
	type key struct{ org, audience string }
	// courses counts the courses of the outputs that count them;
	// uncounted the outputs that do not (then no number is stated, or
	// "at least" the counted ones).
	type sums struct{ courses, uncounted, participants int }
	training := map[key]*sums{}
	var keys []key
	for _, o := range outs {
		if o.Kind != nrm.OutputTraining || !in(o) {
			continue
		}
		k := key{o.Org, strings.TrimSpace(audience(o))}
		s := training[k]
		if s == nil {
			s = &sums{}
			training[k] = s
			keys = append(keys, k)
		}
		if o.Events > 0 {
			s.courses += o.Events
		} else {
			s.uncounted++
		}
		s.participants += o.Participants
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		if c := strings.Compare(org(a.org), org(b.org)); c != 0 {
			return c
		}
		return strings.Compare(a.audience, b.audience)
	})
	for _, k := range keys {
		s := training[k]
		who := theName(org(k.org), lang)
		if k.org == "" {
			who = tr(lang, "Der", "There")
		}
		courses := Words(s.courses, lang) + tr(lang, " kurser", " courses")
		if s.courses == 1 {
			courses = tr(lang, "ét kursus", "one course")
		}
		if s.uncounted > 0 {
			courses = tr(lang, "mindst ", "at least ") + courses
		}
		var b strings.Builder
		switch {
		case s.courses == 0 && k.org == "" && k.audience != "":
			// No course counted: say what was done, not how often.
			fmt.Fprintf(&b, tr(lang, "I %s blev der undervist %s", "In %s, %s were taught"), y, k.audience)
		case s.courses == 0 && k.org == "":
			fmt.Fprintf(&b, tr(lang, "I %s blev der holdt kurser", "In %s, courses were held"), y)
		case s.courses == 0 && k.audience != "":
			fmt.Fprintf(&b, tr(lang, "I %s underviste %s %s", "In %s, %s taught %s"), y, who, k.audience)
		case s.courses == 0:
			fmt.Fprintf(&b, tr(lang, "I %s holdt %s kurser", "In %s, %s held courses"), y, who)
		case k.org == "":
			fmt.Fprintf(&b, tr(lang, "I %s blev der holdt %s", "In %s, %s were held"), y, courses)
			if s.courses == 1 && s.uncounted == 0 && lang == nrm.LangEN {
				b.Reset()
				fmt.Fprintf(&b, "In %s, %s was held", y, courses)
			}
		default:
			fmt.Fprintf(&b, tr(lang, "I %s holdt %s %s", "In %s, %s held %s"), y, who, courses)
		}
		if k.audience != "" && s.courses > 0 {
			fmt.Fprintf(&b, tr(lang, " for %s", " for %s"), k.audience)
		}
		if s.participants > 0 {
			p := FormatInt(s.participants, lang)
			if s.participants == 1 {
				fmt.Fprint(&b, tr(lang, " med én deltager", " with one participant"))
			} else {
				fmt.Fprintf(&b, tr(lang, " med i alt %s deltagere", " with %s participants in all"), p)
			}
		}
		b.WriteString(".")
		out = append(out, b.String())
	}

	// A list of outputs of one kind as "”title” (organisation, when)".
	item := func(o *nrm.Output, withWhen bool) string {
		var parts []string
		if o.Org != "" {
			parts = append(parts, org(o.Org))
		}
		if withWhen {
			if !o.Date.IsZero() {
				parts = append(parts, FormatDate(o.Date, lang))
			} else if o.Period != strconv.Itoa(o.Year()) {
				parts = append(parts, periodText(o.Period, lang))
			}
		}
		if o.Audience != "" && o.Kind == nrm.OutputCampaign {
			parts = append(parts, tr(lang, "målgruppe: ", "audience: ")+audience(o))
		}
		if o.Kind == nrm.OutputInternational {
			if o.AmountDKK > 0 {
				parts = append(parts, moneyText(o.AmountDKK, lang))
			}
			if o.LastYear() > o.Year() {
				parts = append(parts, fmt.Sprintf("%d–%d", o.Year(), o.LastYear()))
			}
		}
		if len(parts) == 0 {
			return title(o)
		}
		return title(o) + " (" + strings.Join(parts, ", ") + ")"
	}
	pick := func(kind nrm.OutputKind, match func(*nrm.Output) bool) []*nrm.Output {
		var list []*nrm.Output
		for _, o := range outs {
			if o.Kind == kind && match(o) {
				list = append(list, o)
			}
		}
		slices.SortStableFunc(list, func(a, b *nrm.Output) int { return strings.Compare(a.Period, b.Period) })
		return list
	}
	items := func(list []*nrm.Output, withWhen bool) string {
		var s []string
		for _, o := range list {
			s = append(s, item(o, withWhen))
		}
		return joinAnd(s, lang)
	}
	if l := pick(nrm.OutputCampaign, running); len(l) == 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s kørte kampagnen %s.", "In %s, the campaign %s ran."), y, items(l, true)))
	} else if len(l) > 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s kørte %s kampagner: %s.", "In %s, %s campaigns ran: %s."), y, Words(len(l), lang), items(l, true)))
	}
	if l := pick(nrm.OutputStudy, in); len(l) == 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s blev undersøgelsen %s offentliggjort.", "In %s, the study %s was published."), y, items(l, true)))
	} else if len(l) > 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s blev der offentliggjort %s undersøgelser: %s.", "In %s, %s studies were published: %s."), y, Words(len(l), lang), items(l, true)))
	}
	if l := pick(nrm.OutputPublication, in); len(l) == 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s udkom %s.", "In %s, %s was published."), y, items(l, true)))
	} else if len(l) > 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s udkom %s publikationer og materialer: %s.", "In %s, %s publications and materials were published: %s."), y, Words(len(l), lang), items(l, true)))
	}
	if l := pick(nrm.OutputStudyTrip, in); len(l) == 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s blev der gennemført én studierejse: %s.", "In %s, one study trip was made: %s."), y, items(l, true)))
	} else if len(l) > 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s blev der gennemført %s studierejser: %s.", "In %s, %s study trips were made: %s."), y, Words(len(l), lang), items(l, true)))
	}
	if l := pick(nrm.OutputInternational, running); len(l) == 1 {
		out = append(out, fmt.Sprintf(tr(lang, "Det internationale projekt %s løb i %s.", "The international project %s ran in %s."), items(l, false), y))
	} else if len(l) > 1 {
		out = append(out, fmt.Sprintf(tr(lang, "I %s løb %s internationale projekter: %s.", "In %s, %s international projects ran: %s."), y, Words(len(l), lang), items(l, false)))
	}
	if l := pick(nrm.OutputOther, in); len(l) > 0 {
		out = append(out, fmt.Sprintf(tr(lang, "Andre resultater i %s: %s.", "Other outputs in %s: %s."), y, items(l, true)))
	}
	return out
}

// periodText writes a period for running text: a month as "november
// 2011", a season as FormatPeriod does.
func periodText(p string, lang nrm.Lang) string {
	if y, m, ok := strings.Cut(p, "-"); ok {
		if n, err := strconv.Atoi(m); err == nil && n >= 1 && n <= 12 {
			if lang == nrm.LangEN {
				return monthsEN[n-1] + " " + y
			}
			return monthsDA[n-1] + " " + y
		}
	}
	return FormatPeriod(p, lang)
}

// moneyText writes an amount as "5 mio. kr." ("DKK 5 million"), or in
// whole kroner below a million.
func moneyText(x float64, lang nrm.Lang) string {
	if x >= 1e6 {
		m := FormatDecimal(x/1e6, 1, lang)
		m = strings.TrimSuffix(strings.TrimSuffix(m, ",0"), ".0")
		return tr(lang, m+" mio. kr.", "DKK "+m+" million")
	}
	return tr(lang, FormatInt(int(x+0.5), lang)+" kr.", "DKK "+FormatInt(int(x+0.5), lang))
}

// outputs adds the sentences on the reporting year's outputs to the plan
// section, under their own heading (nothing when there are none), then
// the outreach services' visits.
func (b *builder) outputs(outs []*nrm.Output) {
	if sentences := OutputSentences(outs, b.s.Year, b.lang, b.in.OrgNames); len(sentences) > 0 {
		b.section("activities-outputs", 2, b.tr("Resultater i året", "Outputs of the year"))
		b.para(strings.Join(sentences, " "))
	}
	b.outreach(b.in.OutreachServices, b.in.OutreachStats)
}
