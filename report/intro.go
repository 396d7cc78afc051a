package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"nrm"
)

// planIntro is the introduction written from the plan's data, in the
// seed's order: the problem, who coordinates and the inter-ministerial
// working group, the plans since the first and their financing, the plan
// history and the national centre, the current plan and its areas, the
// target groups, what happens to the report, and what follows.
func (b *builder) planIntro(p *nrm.Plan) string {
	bg := p.Background
	if bg == nil {
		bg = &nrm.PlanBackground{}
	}
	paras := []string{b.tr(introCrime[0], introCrime[1]), b.introCoordination(p, bg), b.introFunding(p, bg),
		b.introHistory(bg), b.introPlan(p)}
	if t := b.pick(bg.TargetDA, bg.TargetEN); t != "" {
		paras = append(paras, t)
	}
	paras = append(paras, b.introReport(bg), b.tr(introFollowing[0], introFollowing[1]))
	var kept []string
	for _, s := range paras {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, "\n\n")
}

// pick is the text in the report language; the Danish one when there is
// no English.
func (b *builder) pick(da, en string) string {
	if b.lang == nrm.LangEN && strings.TrimSpace(en) != "" {
		return strings.TrimSpace(en)
	}
	return strings.TrimSpace(da)
}

// upperFirst capitalises a sentence's first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// the is an organisation's name as running text names it: in English
// with "the" before a ministry, agency or other body ("the Ministry of
// Justice"), not before a name of its own ("Reden International").
func (b *builder) the(code string) string { return theName(b.orgName(code), b.lang) }

// theName is the name of a body as running text names it (see the):
// "the " before it in English where the name needs it.
func theName(name string, lang nrm.Lang) string {
	if lang != nrm.LangEN {
		return name
	}
	for _, w := range []string{"Ministry", "Danish", "Director", "National", "International Organization", "Council", "Agency"} {
		if strings.HasPrefix(name, w) {
			return "the " + name
		}
	}
	return name
}

// withCode is "Center mod Menneskehandel (CMM)": the name and the code
// when they differ and the name does not already end in it.
func (b *builder) withCode(code string) string {
	name := b.the(code)
	if name == code || strings.HasSuffix(name, "("+code+")") {
		return name
	}
	return name + " (" + code + ")"
}

// interMinisterial is the plan's inter-ministerial working group.
func (b *builder) interMinisterial(p *nrm.Plan) *nrm.WorkGroup {
	for _, g := range b.in.WorkGroups {
		if g.Kind == nrm.GroupInterMinisterial && (g.Plan == "" || g.Plan == p.Code) {
			return g
		}
	}
	return nil
}

func (b *builder) introCoordination(p *nrm.Plan, bg *nrm.PlanBackground) string {
	var s []string
	who := b.pick(bg.MinisterDA, bg.MinisterEN)
	if who == "" && bg.Coordinator != "" {
		who = b.the(bg.Coordinator)
	}
	g := b.interMinisterial(p)
	var group string
	if g != nil {
		var members []string
		for _, m := range g.Members {
			if m != g.Chair {
				members = append(members, b.the(m))
			}
		}
		switch {
		case g.Chair != "" && len(members) > 0:
			group = fmt.Sprintf(b.tr("%s er formand for den tværministerielle arbejdsgruppe på området bestående af %s",
				"%s chairs the inter-ministerial working group in the field, which also includes %s"), b.the(g.Chair), joinAnd(members, b.lang))
		case g.Chair != "":
			group = fmt.Sprintf(b.tr("%s er formand for den tværministerielle arbejdsgruppe på området", "%s chairs the inter-ministerial working group in the field"), b.the(g.Chair))
		case len(members) > 0:
			group = fmt.Sprintf(b.tr("den tværministerielle arbejdsgruppe på området består af %s", "the inter-ministerial working group in the field consists of %s"), joinAnd(members, b.lang))
		}
	}
	if who != "" {
		c := fmt.Sprintf(b.tr("%s har det koordinerende ansvar for implementeringen af den danske indsats til bekæmpelse af menneskehandel",
			"%s has the coordinating responsibility for implementing the Danish effort to combat trafficking in human beings"), who)
		if group != "" {
			c += b.tr(", og ", ", and ") + group
		}
		s = append(s, upperFirst(c)+".")
	} else if group != "" {
		s = append(s, upperFirst(group)+".")
	}
	return strings.Join(s, " ")
}

func (b *builder) introFunding(p *nrm.Plan, bg *nrm.PlanBackground) string {
	var s []string
	since := p.StartYear
	if len(bg.History) > 0 {
		since = bg.History[0].StartYear
	}
	if len(bg.History) > 0 {
		s = append(s, fmt.Sprintf(b.tr("I Danmark har vi siden %d samlet indsatsen til bekæmpelse af menneskehandel i handlingsplaner.",
			"Since %d, Denmark has brought together its effort to combat trafficking in human beings in action plans."), since))
	}
	if f := b.pick(bg.FundedByDA, bg.FundedByEN); f != "" {
		s = append(s, fmt.Sprintf(b.tr("Alle handlingsplaner har været finansieret af %s.", "All the action plans have been financed from %s."), f))
	}
	if bg.ChannelledTo != "" {
		c := fmt.Sprintf(b.tr("Hovedparten af midlerne kanaliseres videre til %s", "Most of the funds are passed on to %s"), b.withCode(bg.ChannelledTo))
		if role := b.pick(bg.ChannelledRoleDA, bg.ChannelledRoleEN); role != "" {
			c += b.tr(", der ", ", which ") + role
		}
		s = append(s, c+".")
	}
	var more, budgets []string
	amounts := 0
	for _, f := range p.Funding {
		text := b.pick(f.TextDA, f.TextEN)
		switch {
		case f.AmountDKK > 0:
			amounts++
			mio := FormatDecimal(f.AmountDKK/1e6, 1, b.lang)
			when := fmt.Sprintf(b.tr("i perioden %d-%d", "in the period %d-%d"), p.StartYear, p.EndYear)
			if f.Year != 0 {
				when = fmt.Sprintf(b.tr("i %d", "in %d"), f.Year)
			}
			if text == "" {
				text = b.tr("handlingsplanen", "the action plan")
			}
			s = append(s, fmt.Sprintf(b.tr("Der er afsat %s mio. kr. til %s %s.", "DKK %s million has been allocated to %s %s."), mio, text, when))
		case text != "":
			more = append(more, text)
		case f.Org != "":
			budgets = append(budgets, b.the(f.Org))
		}
	}
	if amounts == 0 && p.BudgetDKK > 0 {
		s = append(s, fmt.Sprintf(b.tr("Der er afsat %s mio. kr. til handlingsplanen i perioden %d-%d.", "DKK %s million has been allocated to the action plan in the period %d-%d."),
			FormatDecimal(p.BudgetDKK/1e6, 1, b.lang), p.StartYear, p.EndYear))
	}
	if len(budgets) > 0 {
		more = append(more, fmt.Sprintf(b.tr("andre midler, der afsættes i %s og andre relevante myndigheder", "other funds allocated by %s and other relevant authorities"),
			strings.Join(budgets, ", ")))
	}
	if len(more) > 0 {
		s = append(s, fmt.Sprintf(b.tr("Hertil skal lægges %s.", "Added to this are %s."), joinAnd(more, b.lang)))
	}
	return strings.Join(s, " ")
}

// quote puts a plan's name in the language's quotation marks.
func (b *builder) quote(name string) string { return b.tr("”"+name+"”", "“"+name+"”") }

func (b *builder) introHistory(bg *nrm.PlanBackground) string {
	var s []string
	prevAnnex := false
	for i, h := range bg.History {
		name := b.quote(b.pick(h.NameDA, h.NameEN))
		annex := b.pick(h.AnnexDA, h.AnnexEN)
		var c string
		if i == 0 {
			c = fmt.Sprintf(b.tr("Den første handlingsplan til bekæmpelse af handel med mennesker, %s,", "The first action plan to combat trafficking in human beings, %s,"), name)
		} else {
			subj := b.tr("Den", "It")
			if prevAnnex {
				subj = b.tr("Disse", "They")
			}
			if i > 1 {
				subj = b.tr("Den", "It")
			}
			c = fmt.Sprintf(b.tr("%s blev i %d afløst af %s", "%s were replaced in %d by %s"), subj, h.StartYear, name)
			if !prevAnnex && b.lang == nrm.LangEN {
				c = strings.Replace(c, " were ", " was ", 1)
			}
		}
		switch {
		case annex != "" && h.AnnexYear != 0 && i == 0:
			c += fmt.Sprintf(b.tr(" blev i %d udvidet med %s", " was extended in %d with %s"), h.AnnexYear, annex)
		case annex != "" && h.AnnexYear != 0:
			c += fmt.Sprintf(b.tr(", der i %d blev udvidet med %s", ", which was extended in %d with %s"), h.AnnexYear, annex)
		case i == 0:
			c += fmt.Sprintf(b.tr(" gjaldt for %d-%d", " covered %d-%d"), h.StartYear, h.EndYear)
		}
		s = append(s, c+".")
		prevAnnex = annex != ""
	}
	if c := bg.Centre; c != nil && c.Org != "" {
		s = append(s, fmt.Sprintf(b.tr("I %d blev %s oprettet.", "In %d %s was set up."), c.Year, c.Org))
		tasks := b.pick(c.TasksDA, c.TasksEN)
		minister := b.pick(bg.MinisterDA, bg.MinisterEN)
		switch {
		case minister != "" && tasks != "":
			s = append(s, fmt.Sprintf(b.tr("%s refererer til %s og har som hovedopgaver %s.", "%s reports to %s, and its main tasks are %s."), c.Org, minister, tasks))
		case tasks != "":
			s = append(s, fmt.Sprintf(b.tr("%s har som hovedopgaver %s.", "The main tasks of %s are %s."), c.Org, tasks))
		case minister != "":
			s = append(s, fmt.Sprintf(b.tr("%s refererer til %s.", "%s reports to %s."), c.Org, minister))
		}
	}
	return strings.Join(s, " ")
}

func (b *builder) introPlan(p *nrm.Plan) string {
	var areas []string
	for i := range p.Areas {
		a := &p.Areas[i]
		n := a.Number
		if n == 0 {
			n = i + 1
		}
		name := b.pick(a.IntroDA, a.IntroEN)
		if name == "" || (b.lang == nrm.LangEN && a.IntroEN == "" && a.NameEN != "") {
			name = b.areaName(a)
		}
		areas = append(areas, fmt.Sprintf("%d) %s", n, name))
	}
	s := []string{fmt.Sprintf(b.tr("I %s fortsætter indsatsen med at målrette og forbedre eksisterende tiltag.",
		"In %s the effort continues by targeting and improving existing measures."), b.quote(b.planName(p)))}
	if len(areas) > 0 {
		s = append(s, fmt.Sprintf(b.tr("Handlingsplanen er bygget op om %s hovedområder: %s.",
			"The action plan is built around %s strategic areas: %s."), Words(len(areas), b.lang), joinAnd(areas, b.lang)))
	}
	return strings.Join(s, " ")
}

func (b *builder) introReport(bg *nrm.PlanBackground) string {
	to := b.pick(bg.ReportToDA, bg.ReportToEN)
	minister := b.pick(bg.MinisterDA, bg.MinisterEN)
	var c string
	switch {
	case to != "" && minister != "":
		c = fmt.Sprintf(b.tr("Den tværministerielle arbejdsgruppe udarbejder hvert år en statusrapport, der sendes til %s og offentliggøres på %ss hjemmeside.",
			"Every year the inter-ministerial working group prepares a status report, which is sent to %s and published on the website of %s."), to, minister)
	case to != "":
		c = fmt.Sprintf(b.tr("Den tværministerielle arbejdsgruppe udarbejder hvert år en statusrapport, der sendes til %s og offentliggøres.",
			"Every year the inter-ministerial working group prepares a status report, which is sent to %s and published."), to)
	default:
		c = b.tr("Den tværministerielle arbejdsgruppe udarbejder hvert år en statusrapport, der offentliggøres.",
			"Every year the inter-ministerial working group prepares a status report, which is published.")
	}
	if bg.EndEvaluation {
		c += " " + b.tr("Derudover gennemføres ved afslutningen af hver handlingsplans periode en samlet ekstern evaluering af hele perioden.",
			"In addition, an overall external evaluation of the whole period is carried out at the end of each action plan.")
	}
	return c
}

var introFollowing = [2]string{
	"I det følgende gennemgås de nye aktiviteter, der skal igangsættes som del af implementeringen af den nuværende handlingsplan. Disse aktiviteter bygger videre på den bestående indsats og videreførte aktiviteter, som er beskrevet i handlingsplanen. Afslutningsvist er der i statusrapporten et afsnit med relevante statistiske opgørelser.",
	"The following sections review the new activities to be launched as part of implementing the current action plan. These activities build on the existing effort and the continued activities described in the action plan. The status report ends with a section of relevant statistics.",
}
