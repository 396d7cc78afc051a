package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"nrm"
)

// Build lays out the status report for in.Stats: title-page facts, the
// introduction, the action plan's new activities and the statistics with
// their figures, tables and generated narrative, in in.Lang.
func Build(in Input) (*Document, error) {
	if in.Stats == nil {
		return nil, nrm.Errorf(nrm.EINVALID, "report: no statistics")
	}
	if in.Stats.Year < 1900 || in.Stats.Year > 2200 {
		return nil, nrm.Errorf(nrm.EINVALID, "report: invalid reporting year %d", in.Stats.Year)
	}
	if in.K < 0 {
		return nil, nrm.Errorf(nrm.EINVALID, "report: negative disclosure threshold %d", in.K)
	}
	if in.Lang != nrm.LangEN {
		in.Lang = nrm.LangDA
	}
	if in.Plan != nil && in.Period == "" {
		// The latest status period begun by the cut-off, never a later
		// one.
		cut := in.Stats.Cutoff
		if cut.IsZero() {
			cut = nrm.DefaultCutoff(in.Stats.Year)
		}
		in.Period = in.Plan.DefaultPeriod(cut)
	}
	b := &builder{in: in, s: in.Stats, lang: in.Lang, k: in.K}
	b.doc = &Document{Lang: b.lang, Year: b.s.Year, Cutoff: b.cutoff(), Generated: in.Generated, K: in.K}
	b.front()
	b.intro()
	b.activities()
	b.statistics()
	return b.doc, nil
}

// builder carries the input and the document under construction.
type builder struct {
	in   Input
	s    *nrm.Stats
	lang nrm.Lang
	k    int
	doc  *Document
	cur  *Section
	fig  int
	// notes counts the footnotes of the activity tables.
	notes int
}

func (b *builder) tr(da, en string) string { return tr(b.lang, da, en) }

func (b *builder) year() string { return strconv.Itoa(b.s.Year) }

func (b *builder) cutoff() nrm.Date {
	if !b.s.Cutoff.IsZero() {
		return b.s.Cutoff
	}
	return nrm.DefaultCutoff(b.s.Year)
}

func (b *builder) section(id string, level int, heading string) {
	b.cur = &Section{ID: id, Level: level, Heading: heading}
	b.doc.Sections = append(b.doc.Sections, b.cur)
}

func (b *builder) add(p Paragraph) {
	if strings.TrimSpace(p.Text) == "" {
		return
	}
	b.cur.Blocks = append(b.cur.Blocks, Block{Kind: KindParagraph, Paragraph: &p})
}

// para adds fixed or edited text.
func (b *builder) para(text string) { b.add(Paragraph{Text: text}) }

// narr adds generated text: sentences joined by spaces, empty ones
// dropped.
func (b *builder) narr(sentences ...string) {
	var kept []string
	for _, s := range sentences {
		// A phrase ending in an abbreviation ("ti pct.") ends the
		// sentence too.
		s = strings.TrimSpace(strings.ReplaceAll(s, "..", "."))
		if s != "" {
			kept = append(kept, s)
		}
	}
	b.add(Paragraph{Text: strings.Join(kept, " "), Narrative: true})
}

func (b *builder) note(text string) { b.add(Paragraph{Text: text, Style: StyleNote}) }

func (b *builder) lead(text string) { b.add(Paragraph{Text: text, Style: StyleLead, Narrative: true}) }

func (b *builder) table(t *Table) {
	b.tableWithheldNote(t)
	b.cur.Blocks = append(b.cur.Blocks, Block{Kind: KindTable, Table: t})
}

func (b *builder) figure(f *Figure) {
	b.cur.Blocks = append(b.cur.Blocks, Block{Kind: KindFigure, Figure: f})
}

// label is a code's label; the engine's "unknown" contact form has none
// in the code sets.
func (b *builder) label(set, code string) string {
	if code == "unknown" && !nrm.ValidCode(set, code) {
		return b.tr("Ukendt", "Unknown")
	}
	return nrm.Label(set, code, b.lang)
}

// lower is a label for running text: lower-cased except proper names.
func lower(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// keys returns m's keys in the display order of the code set, then any
// other keys sorted.
func keys(m map[string]int, set string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range nrm.Codes(set) {
		if _, ok := m[c]; ok {
			out = append(out, c)
			seen[c] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// byCount orders codes by count (descending), then by the given order.
func byCount(codes []string, m map[string]int) []string {
	out := append([]string(nil), codes...)
	sort.SliceStable(out, func(i, j int) bool { return m[out[i]] > m[out[j]] })
	return out
}

// front sets the title, title-page facts, footer and chrome.
func (b *builder) front() {
	d := b.doc
	d.Title = b.in.Title
	org := b.in.Stats.Organisation
	switch {
	case d.Title != "":
	case org != "":
		// An organisation's exact statistics of the cases it can see.
		d.Title = fmt.Sprintf(b.tr("Statistik for sager, %s kan se, %s", "Statistics of the cases %s can see, %s"), b.orgName(org), b.year())
	default:
		d.Title = b.tr("Statusrapport ", "Status report ") + b.year()
	}
	if p := b.in.Plan; p != nil {
		d.Subtitle = b.planName(p)
	} else {
		d.Subtitle = b.tr("Den nationale indsats mod menneskehandel", "The national effort against trafficking in human beings")
	}
	cut := FormatDate(d.Cutoff, b.lang)
	d.Meta = append(d.Meta, Field{b.tr("Rapportår", "Reporting year"), b.year()},
		Field{b.tr("Opgjort pr.", "Figures as of"), cut})
	if p := b.in.Plan; p != nil {
		d.Meta = append(d.Meta, Field{b.tr("Handlingsplan", "Action plan"), b.planName(p)})
		period := b.tr("ingen status indberettet", "no status reported")
		if b.in.Period != "" {
			period = FormatPeriod(b.in.Period, b.lang)
		}
		d.Meta = append(d.Meta, Field{b.tr("Status for aktiviteter", "Status of activities"), period})
	}
	if org != "" {
		d.Meta = append(d.Meta, Field{b.tr("Omfang", "Scope"),
			fmt.Sprintf(b.tr("kun sager, %s kan se – ikke til offentliggørelse; politiets tal er landstal og udelades", "only cases %s can see – not for publication; the police's national figures are left out"), b.orgName(org))})
	}
	if b.k > 1 {
		d.Meta = append(d.Meta, Field{b.tr("Diskretionsgrænse", "Disclosure threshold"),
			fmt.Sprintf(b.tr("%d (antal under %d vises som <%d)", "%d (counts below %d are shown as <%d)"), b.k, b.k, b.k)})
	} else {
		d.Meta = append(d.Meta, Field{b.tr("Diskretionsgrænse", "Disclosure threshold"),
			b.tr("ingen – intern rapport", "none – internal report")})
	}
	parts := []string{d.Title, b.tr("Opgjort pr. ", "Figures as of ") + cut}
	if !d.Generated.IsZero() {
		gen := b.generated()
		d.Meta = append(d.Meta, Field{b.tr("Udarbejdet", "Generated"), gen})
		parts = append(parts, b.tr("Udarbejdet ", "Generated ")+gen)
	}
	d.Footer = strings.Join(parts, " · ")
	d.Words = Chrome{
		Page: b.tr("Side", "Page"), Contents: b.tr("Indhold", "Contents"),
		Figure: b.tr("Figur", "Figure"), Table: b.tr("Tabel", "Table"),
		FigureData: b.tr("Tal bag figuren", "Data behind the figure"),
		Front:      b.tr("Forside", "Front"), Narrative: b.tr("Tekst", "Text"),
	}
}

func (b *builder) generated() string {
	t := b.doc.Generated
	d := FormatDate(nrm.DateOf(t), b.lang)
	if b.lang == nrm.LangEN {
		return d + " at " + t.Format("15:04")
	}
	return d + " kl. " + t.Format("15.04")
}

func (b *builder) planName(p *nrm.Plan) string {
	if b.lang == nrm.LangEN && p.NameEN != "" {
		return p.NameEN
	}
	return p.NameDA
}

func (b *builder) areaName(a *nrm.Area) string {
	if b.lang == nrm.LangEN && a.NameEN != "" {
		return a.NameEN
	}
	return a.NameDA
}

func (b *builder) goalName(g *nrm.Goal) string {
	if b.lang == nrm.LangEN && g.NameEN != "" {
		return g.NameEN
	}
	return g.NameDA
}

// intro is the edited introduction, or the default adapted from the seed.
func (b *builder) intro() {
	b.section("introduction", 1, b.tr("Indledning", "Introduction"))
	text := strings.TrimSpace(b.in.Intro)
	if text == "" {
		text = b.defaultIntro()
	}
	for _, p := range splitParagraphs(text) {
		b.para(p)
	}
}

// splitParagraphs splits text at blank lines and joins the lines of each
// paragraph with spaces.
func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		lines := strings.Fields(strings.ReplaceAll(p, "\n", " "))
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, " "))
		}
	}
	return out
}

func (b *builder) defaultIntro() string {
	if p := b.in.Plan; p != nil && p.Background != nil {
		return b.planIntro(p)
	}
	paras := []string{b.tr(introCrime[0], introCrime[1]), b.tr(introHistory[0], introHistory[1])}
	if p := b.in.Plan; p != nil {
		var areas []string
		for i := range p.Areas {
			a := &p.Areas[i]
			n := a.Number
			if n == 0 {
				n = i + 1
			}
			name := b.areaName(a)
			areas = append(areas, fmt.Sprintf("%d) %s", n, name))
		}
		var s []string
		quoted := b.tr("”"+b.planName(p)+"”", "“"+b.planName(p)+"”")
		s = append(s, fmt.Sprintf(b.tr("I %s fortsætter indsatsen med at målrette og forbedre eksisterende tiltag.",
			"In %s the effort continues to target and improve existing measures."), quoted))
		if p.BudgetDKK > 0 {
			mio := FormatDecimal(p.BudgetDKK/1e6, 1, b.lang)
			s = append(s, fmt.Sprintf(b.tr("Der er afsat %s mio. kr. til den nationale, sociale indsats i perioden %d-%d.",
				"DKK %s million has been allocated to the national social effort in the period %d-%d."), mio, p.StartYear, p.EndYear))
		}
		if len(areas) > 0 {
			s = append(s, fmt.Sprintf(b.tr("Handlingsplanen er bygget op om %s hovedområder: %s.",
				"The action plan is built around %s strategic areas: %s."), Words(len(areas), b.lang), joinAnd(areas, b.lang)))
		}
		paras = append(paras, strings.Join(s, " "))
	}
	paras = append(paras, b.tr(introTarget[0], introTarget[1]), b.tr(introReport[0], introReport[1]))
	return strings.Join(paras, "\n\n")
}

// activities is "Nye aktiviteter": area → goal → table of activity,
// responsible and the status text of the period.
func (b *builder) activities() {
	b.section("activities", 1, b.tr("Nye aktiviteter", "New activities"))
	p := b.in.Plan
	if p == nil {
		b.para(b.tr("Der er ikke indlæst en handlingsplan, så afsnittet om nye aktiviteter kan ikke udfyldes. Indlæs handlingsplanen og dan rapporten igen.",
			"No action plan is loaded, so the section on new activities cannot be filled in. Load the action plan and generate the report again."))
		return
	}
	b.para(b.tr(activitiesIntro[0], activitiesIntro[1]))
	period := b.tr("at der endnu ikke er indberettet status", "that no status has been reported yet")
	if b.in.Period != "" {
		period = b.tr("status pr. ", "the status as of ") + FormatPeriod(b.in.Period, b.lang)
	}
	b.para(fmt.Sprintf(b.tr("I det følgende beskrives, hvordan det går med implementeringen af de nye aktiviteter, der er igangsat. Tabellerne viser %s.",
		"The following describes how the implementation of the new activities that have been launched is progressing. The tables show %s."), period))
	states := map[nrm.ActivityState]int{}
	total := 0
	sheet := b.tr("Handlingsplan", "Action plan")
	for ai := range p.Areas {
		a := &p.Areas[ai]
		areaName := b.areaName(a)
		b.section(fmt.Sprintf("area-%d", ai+1), 2, areaName)
		for gi := range a.Goals {
			g := &a.Goals[gi]
			name := b.goalName(g)
			if name != "" && name != areaName {
				b.section(fmt.Sprintf("goal-%d-%d", ai+1, gi+1), 3, name)
			}
			caption := name
			if caption == "" {
				caption = areaName
			}
			t := &Table{ID: "plan." + orDefault(g.Code, fmt.Sprintf("%d.%d", ai+1, gi+1)), Caption: caption, Sheet: sheet,
				Columns: []Column{{Label: b.tr("Nr.", "No."), Weight: 0.3},
					{Label: b.tr("Aktivitet", "Activity"), Weight: 1.1},
					{Label: b.tr("Ansvarlig", "Responsible"), Weight: 0.7},
					{Label: b.tr("Status", "State"), Weight: 0.5},
					{Label: b.tr("Status for implementering", "Status of implementation"), Weight: 2.0}}}
			danish := false
			t.Caption += b.footnotes(t, g.Footnotes, &danish)
			for _, act := range g.Activities {
				total++
				text := act.TextDA
				if b.lang == nrm.LangEN {
					if act.TextEN != "" {
						text = act.TextEN
					} else {
						danish = true
					}
				}
				status := b.tr("Der foreligger ingen status for perioden.", "No status has been reported for the period.")
				state := b.tr("Ingen status", "No status")
				if st, ok := act.LatestStatus(b.in.Period); ok && b.in.Period != "" {
					states[st.State]++
					state = nrm.Label("state", string(st.State), b.lang)
					status = st.TextDA
					if b.lang == nrm.LangEN {
						if st.TextEN != "" {
							status = st.TextEN
						} else if st.TextDA != "" {
							danish = true
						}
					}
				} else {
					states[""]++
				}
				text += b.footnotes(t, act.Footnotes, &danish)
				resp, respDA := b.responsible(&act)
				danish = danish || respDA
				t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: act.Code}, {Text: text}, {Text: resp}, {Text: state}, {Text: status}}})
			}
			if danish {
				t.Notes = append(t.Notes, "Texts not yet translated are shown in Danish.")
			}
			if len(t.Rows) > 0 {
				b.table(t)
			}
		}
	}
	// A summary of the states helps the coordinator see the plan at a
	// glance; it is not in the seed.
	b.section("activities-summary", 2, b.tr("Aktiviteterne fordelt på status", "Activities by status"))
	t := &Table{ID: "plan.states", Caption: b.tr("Aktiviteter fordelt på status for implementering", "Activities by status of implementation"),
		Sheet:   b.tr("Status", "Status"),
		Columns: []Column{{Label: b.tr("Status", "Status")}, {Label: b.tr("Antal aktiviteter", "Activities"), Numeric: true}}}
	for _, c := range nrm.Codes("state") {
		n := states[nrm.ActivityState(c)]
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: nrm.Label("state", c, b.lang)}, intCell(n, b.lang)}})
	}
	if n := states[""]; n > 0 {
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: b.tr("Ingen status", "No status")}, intCell(n, b.lang)}})
	}
	t.Rows = append(t.Rows, Row{Total: true, Cells: []Cell{{Text: b.tr("I alt", "Total")}, intCell(total, b.lang)}})
	b.table(t)
	b.outputs(b.in.Outputs)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func intCell(n int, lang nrm.Lang) Cell {
	return Cell{Text: FormatInt(n, lang), Number: float64(n), IsNumber: true}
}

// responsible is the responsible bodies as written in the report's
// language, else their names; danish reports an English report showing
// the Danish text.
func (b *builder) responsible(a *nrm.Activity) (text string, danish bool) {
	if b.lang == nrm.LangEN && a.ResponsibleTextEN != "" {
		return a.ResponsibleTextEN, false
	}
	if a.ResponsibleText != "" && (b.lang != nrm.LangEN || len(a.Responsible) == 0) {
		return a.ResponsibleText, b.lang == nrm.LangEN
	}
	var names []string
	for _, c := range a.Responsible {
		names = append(names, b.orgName(c))
	}
	return strings.Join(names, ", "), false
}

// superscripts are the footnote markers' digits.
var superscripts = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// marker is footnote n's marker: its number in superscript digits.
func marker(n int) string {
	var out []rune
	for _, d := range fmt.Sprint(n) {
		out = append(out, superscripts[d-'0'])
	}
	return string(out)
}

// footnotes numbers fs on from the report's last footnote, adds them to
// t's notes and returns their markers to append to the text they belong
// to; danish is set when an English report shows a Danish footnote.
func (b *builder) footnotes(t *Table, fs []nrm.Footnote, danish *bool) string {
	var marks []string
	for _, f := range fs {
		b.notes++
		m := marker(b.notes)
		marks = append(marks, m)
		if b.lang == nrm.LangEN && strings.TrimSpace(f.TextEN) == "" {
			*danish = true
		}
		t.Notes = append(t.Notes, m+" "+b.pick(f.TextDA, f.TextEN))
	}
	return strings.Join(marks, ",")
}

// orgName is an organisation's name, else its code.
func (b *builder) orgName(code string) string {
	if n, ok := b.in.OrgNames[code]; ok && n != "" {
		return n
	}
	return code
}
