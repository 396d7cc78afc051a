package report_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/html"
	"nrm/report/markdown"
	"nrm/report/pdf"
	"nrm/report/reporttest"
	"nrm/report/xlsx"
)

// narrative is all generated text of d, one paragraph per line.
func narrative(d *report.Document) string {
	var out []string
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == report.KindParagraph && b.Paragraph.Narrative {
				out = append(out, b.Paragraph.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

// The seed's key sentences, as the seed words them (where the seed writes
// small numbers in digits, the report follows the rule "below 13 in
// words").
func TestSeedSentencesDA(t *testing.T) {
	text := narrative(reporttest.Document(t, nrm.LangDA))
	for _, want := range []string{
		"I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM).",
		"Omkring ¾ af de personer, der officielt er vurderet handlet til Danmark, er mødt i forbindelse med politiets indsats. Af de resterende er langt de fleste mødt i forbindelse med det opsøgende arbejde.",
		"De officielt vurderede ofre for menneskehandel har oprindelse i 16 forskellige lande, hvoraf omkring halvdelen er afrikanske lande.",
		"Personer fra Afrika udgør mere end 50 pct. af det samlede antal. Herefter følger Asien med 18 pct., Europa med 13 pct. og Latinamerika med ti pct.",
		"Nigeria er det land, der fylder mest i statistikken med 18 personer vurderet handlet til Danmark, svarende til omkring 1/3 af det samlede antal.",
		"Med elleve personer udgør Thailand omkring 1/6 og Uganda udgør omkring 1/8 med otte personer.",
		"Sammen med Rumænien og Brasilien, med henholdsvis fem og fire ofre for menneskehandel, udgør ovennævnte de enkelte lande, hvorfra der er flest identificerede ofre for menneskehandel.",
		"Herudover er opgørelsen på nationaliteter præget af få handlede fra mange forskellige lande.",
		"56 personer, svarende til 93 pct. af de vurderede ofre for menneskehandel, er handlet til prostitution.",
		"Handel til tvangsarbejde og handel til kriminalitet fylder ganske lidt i statistikken for 2011, med tre handlet til tvangsarbejde og to til kriminalitet.",
		"Af de 56, der er handlet til prostitution, er 54 kvinder og to transkønnede.",
		"Tre kvinder – heraf én mindreårig – er identificeret som ofre for menneskehandel til tvangsarbejde – to i form af husarbejde og én i form af rengøring.",
		"To kvinder er handlet til kriminalitet.",
		"Der er i 2011 ikke identificeret mandlige ofre for menneskehandel.",
		"Aldersmæssigt fordeler de identificerede ofre for menneskehandel sig fra 16-59 år med en gennemsnitsalder på omkring 30 år på identifikationstidspunktet.",
		"Størstedelen er i alderen 20-34 år.",
		"Latinamerika: 26-51 år, med en gennemsnitsalder på 37,6 på identifikationstidspunktet.",
		"Asien: 25-59 år, med en gennemsnitsalder på 33,4 på identifikationstidspunktet.",
		"Afrika: 16-58 år, med en gennemsnitsalder på 30 på identifikationstidspunktet.",
		"Europa: 19-40 år, med en gennemsnitsalder på 25,8 på identifikationstidspunktet.",
		"To mindreårige er vurderet handlet i 2011.",
		"Begge er piger fra Afrika, på henholdsvis 16 og 17 år.",
		"Den ene af pigerne blev udnyttet til husarbejde og blev identificeret i forbindelse med opsøgende arbejde i Røde Kors regi; den anden blev udnyttet i prostitution og blev identificeret i forbindelse med politiets indsats.",
		"47 personer, som er vurderet handlet i 2011, blev indkvarteret på krisecenter. Heraf havde 15 fortsat ophold ved årets udgang. Ca. 53 pct. var indkvarteret på krisecenter op til en måned, mens ca. 21 pct. var indkvarteret 100 dage eller derover.",
		"Fem personer blev privat indkvarteret efter identifikation. Tre var fortsat indkvarteret ved årets udgang, én er efterfølgende forsvundet og én er rejst hjem på egen hånd.",
		"I 2011 blev der gennemført tolv forberedte hjemsendelser af personer, som er vurderet som ofre for menneskehandel (heraf elleve personer, som blev vurderet handlet i 2011, og én person, som blev vurderet handlet i 2010).",
		"Af de personer, som blev vurderet handlet i 2011, har 13 indtil videre (opgjort pr. 1. marts 2012) gennemført en forberedt hjemsendelse, heraf to i 2012.",
		"Udover antallet af ofre, der har taget imod en forberedt hjemsendelse via IOM, er tre personer rejst hjem med støtte via CMM/social organisation, fire efter eget ønske sendt hjem via politiet og tre rejst hjem på egen hånd.",
		"Rigspolitiets opgørelse over antallet af sigtelser og afgørelser efter straffelovens § 262a januar – december 2011:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks\n  %s", want)
		}
	}
}

func TestSentencesEN(t *testing.T) {
	text := narrative(reporttest.Document(t, nrm.LangEN))
	for _, want := range []string{
		"In 2011, 60 persons were officially identified as victims of trafficking in human beings; 51 by the Danish Immigration Service (US) and nine by the Danish Centre against Human Trafficking (CMM).",
		"About three quarters of the persons officially identified as trafficked to Denmark were met through police action.",
		"Nigeria is the country that figures most prominently in the statistics, with 18 persons identified as trafficked to Denmark, corresponding to about a third of the total.",
		"With eleven persons, Thailand accounts for about a sixth, and Uganda for about an eighth with eight persons.",
		"56 persons, corresponding to 93 per cent of the identified victims, were trafficked into prostitution.",
		"Of the 56 trafficked into prostitution, 54 are women and two transgender persons.",
		"No male victims of trafficking were identified in 2011.",
		"Latin America: 26-51 years, with a mean age of 37.6 at the time of identification.",
		"In 2011, twelve prepared returns were carried out for persons identified as victims of trafficking (of whom eleven persons were identified as trafficked in 2011 and one person in 2010).",
		"Five persons were placed in private housing after identification. Three were still housed there at the end of the year, one has since disappeared and one has returned home on their own.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks\n  %s", want)
		}
	}
	for _, bad := range []string{"%!", "..", "  "} {
		if strings.Contains(text, bad) {
			t.Errorf("narrative contains %q", bad)
		}
	}
}

func TestStructure(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	var headings []string
	for _, s := range d.Sections {
		if s.Level == 1 {
			headings = append(headings, s.Heading)
		}
	}
	if got := strings.Join(headings, " | "); got != "Indledning | Nye aktiviteter | Statistiske opgørelser" {
		t.Errorf("chapters %q", got)
	}
	figs := d.Figures()
	if len(figs) != 8 {
		t.Fatalf("%d figures", len(figs))
	}
	for i, f := range figs {
		if f.Number != i+1 || !strings.HasPrefix(f.Caption, "Figur ") || f.Data == nil {
			t.Errorf("figure %d: %+v", i+1, f.Caption)
		}
	}
	if figs[0].Chart.Kind != report.ChartStackedBar || len(figs[0].Chart.Series) != 2 || len(figs[0].Chart.Categories) != 5 {
		t.Errorf("figure 1 is not a stacked bar of 5 years by 2 authorities: %+v", figs[0].Chart)
	}
	// Figure 4: sorted by count, then name; the zero nationality stays in
	// the data table and is named in a note.
	if c := figs[3].Chart.Categories; c[0] != "Nigeria" || c[1] != "Thailand" || c[5] != "Bulgarien" || c[6] != "Ghana" {
		t.Errorf("figure 4 order %q", c)
	}
	if n := len(figs[3].Data.Rows); n != 17 {
		t.Errorf("figure 4 data has %d rows, want 17", n)
	}
	// Plan tables: Aktivitet | Ansvarlig | Status for implementering,
	// with the period's status.
	var plan *report.Table
	for _, tb := range d.Tables() {
		if tb.ID == "plan.5.1" {
			plan = tb
		}
	}
	if plan == nil {
		t.Fatal("no plan table 5.1")
	}
	want := []string{"Nr.", "Aktivitet", "Ansvarlig", "Status", "Status for implementering"}
	for i, c := range plan.Columns {
		if i >= len(want) || c.Label != want[i] {
			t.Errorf("plan columns %+v, want %v", plan.Columns, want)
			break
		}
	}
	if r := plan.Rows[0].Cells; r[0].Text != "5.1.1" || r[3].Text != "Igangsat" || !strings.Contains(r[4].Text, "forventer, at de vil blive offentliggjort") {
		t.Errorf("2012-spring status not chosen: %q | %q | %q", r[0].Text, r[3].Text, r[4].Text)
	}
	// Without a period the report shows the latest period begun by its
	// cut-off (1 March 2012: spring 2012), never the later autumn 2012.
	in := reporttest.Input(t, nrm.LangDA)
	in.Period = ""
	d2, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range d2.Tables() {
		if tb.ID == "plan.5.1" && (tb.Rows[0].Cells[3].Text != "Igangsat" || tb.Rows[0].Cells[4].Text == "Retningslinjerne er offentliggjort.") {
			t.Errorf("default period: %q %q", tb.Rows[0].Cells[3].Text, tb.Rows[0].Cells[4].Text)
		}
	}
	if f := fieldOf(d2, "Status for aktiviteter"); f != "foråret 2012" {
		t.Errorf("period shown as %q", f)
	}
	// A cut-off in 2013 takes autumn 2012.
	in = reporttest.Input(t, nrm.LangDA)
	in.Period = ""
	st := *in.Stats
	st.Cutoff = nrm.MustDate("2013-03-01")
	in.Stats = &st
	d3, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range d3.Tables() {
		if tb.ID == "plan.5.1" && (tb.Rows[0].Cells[3].Text != "Gennemført" || tb.Rows[0].Cells[4].Text != "Retningslinjerne er offentliggjort.") {
			t.Errorf("cut-off 2013: %q %q", tb.Rows[0].Cells[3].Text, tb.Rows[0].Cells[4].Text)
		}
	}
}

// fieldOf is the title-page field with label.
func fieldOf(d *report.Document, label string) string {
	for _, f := range d.Meta {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func TestNoPlan(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	in.Plan = nil
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range d.Paragraphs(report.StyleBody) {
		found = found || strings.Contains(p, "Der er ikke indlæst en handlingsplan")
	}
	if !found {
		t.Error("no 'no plan' paragraph")
	}
}

func TestIntroOverride(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	in.Intro = "Første afsnit\nfortsat.\n\n\nAndet afsnit."
	in.Title = "Min titel"
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Min titel" {
		t.Errorf("title %q", d.Title)
	}
	s := d.Sections[0]
	if len(s.Blocks) != 2 || s.Blocks[0].Paragraph.Text != "Første afsnit fortsat." || s.Blocks[1].Paragraph.Text != "Andet afsnit." {
		t.Errorf("intro blocks %+v", s.Blocks)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := report.Build(report.Input{}); nrm.ErrorCode(err) != nrm.EINVALID {
		t.Errorf("nil stats: %v", err)
	}
	if _, err := report.Build(report.Input{Stats: &nrm.Stats{}}); nrm.ErrorCode(err) != nrm.EINVALID {
		t.Errorf("year 0: %v", err)
	}
	if _, err := report.Build(report.Input{Stats: &nrm.Stats{Year: 2011}, K: -1}); nrm.ErrorCode(err) != nrm.EINVALID {
		t.Errorf("K -1: %v", err)
	}
}

// TestEmptyYear renders a year without any data in every format.
func TestEmptyYear(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		d, err := report.Build(report.Input{Stats: &nrm.Stats{Year: 2013}, Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		text := narrative(d)
		for _, want := range []string{tr(lang, "I 2013 er ingen personer officielt vurderet", "In 2013, no persons were officially identified"),
			tr(lang, "Der er i 2013 ikke vurderet mindreårige handlet.", "No minors were identified as victims of trafficking in 2013.")} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: narrative lacks %q:\n%s", lang, want, text)
			}
		}
		writeAll(t, d)
	}
}

func tr(l nrm.Lang, da, en string) string {
	if l == nrm.LangEN {
		return en
	}
	return da
}

var writers = map[string]func(io.Writer, *report.Document) error{
	"html": html.Write, "md": markdown.Write, "pdf": pdf.Write, "xlsx": xlsx.Write,
}

func writeAll(tb testing.TB, d *report.Document) {
	tb.Helper()
	for name, w := range writers {
		if err := w(io.Discard, d); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
}

// TestThreshold: with K = 3 no count of 1 or 2 is printed anywhere, and
// the narrative names the small groups without their numbers.
func TestThreshold(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	in.K = 3
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range d.Tables() {
		for _, r := range tb.Rows {
			for _, c := range r.Cells {
				if c.IsNumber && (c.Number == 1 || c.Number == 2) && !strings.HasPrefix(tb.ID, "plan.") && tb.ID != "age_by_region" {
					t.Errorf("table %s shows %q", tb.ID, c.Text)
				}
			}
		}
	}
	for _, f := range d.Figures() {
		for _, s := range f.Chart.Series {
			for i, l := range s.Labels {
				if l == "1" || l == "2" {
					t.Errorf("figure %d shows %s", f.Number, l)
				}
				if l == "<3" && s.Values[i] != 0 {
					t.Errorf("figure %d draws a withheld value", f.Number)
				}
			}
		}
	}
	text := narrative(d)
	for _, bad := range []string{"én person fra Mellemøsten", "to transkønnede", "to i form af husarbejde", "én i form af rengøring",
		"To kvinder er handlet til kriminalitet", "16 og 17 år", "to til kriminalitet", "heraf to i 2012", "én person, som blev vurderet handlet i 2010",
		"Mellemøsten: 22-22"} {
		if strings.Contains(text, bad) {
			t.Errorf("narrative states a withheld number: %q", bad)
		}
	}
	for _, want := range []string{"færre end tre personer fra Mellemøsten", "54 kvinder og færre end tre transkønnede",
		"Færre end tre kvinder er handlet til kriminalitet.", "færre end tre i 2012", "Færre end tre mindreårige er vurderet handlet i 2011."} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q", want)
		}
	}
	if strings.Contains(text, "To mindreårige er vurderet") {
		t.Error("narrative states the number of minors (2 < 3)")
	}
	var meta string
	for _, f := range d.Meta {
		meta += f.Label + ": " + f.Value + "\n"
	}
	if !strings.Contains(meta, "Diskretionsgrænse: 3 (antal under 3 vises som <3)") {
		t.Errorf("meta: %s", meta)
	}
	writeAll(t, d)
}

// TestMask: cells withheld by the hook (secondary suppression) show "x"
// and disappear from the narrative with every share derived from them.
func TestMask(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	in.K = 3
	hidden := map[[3]string]bool{
		{report.TabIdentified, "CMM", ""}:                  true,
		{report.TabRegion, "Africa", ""}:                   true,
		{report.TabExploitationGender, "sexual", "female"}: true,
		{report.TabNationality, "TH", ""}:                  true,
	}
	var asked []string
	in.Mask = func(table, row, col string) bool {
		asked = append(asked, table+"/"+row+"/"+col)
		_, ok := hidden[[3]string{table, row, col}]
		return ok
	}
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	text := narrative(d)
	for _, bad := range []string{"ni af Center", "Afrika udgør", "54 kvinder", "Thailand omkring 1/6", "elleve personer udgør"} {
		if strings.Contains(text, bad) {
			t.Errorf("narrative states a masked number: %q", bad)
		}
	}
	if !strings.Contains(text, "et ikke oplyst antal af Center mod Menneskehandel (CMM)") {
		t.Errorf("narrative: %s", text)
	}
	var sawX bool
	for _, tb := range d.Tables() {
		for _, r := range tb.Rows {
			for _, c := range r.Cells {
				sawX = sawX || (c.Text == "x" && c.Withheld)
			}
		}
	}
	if !sawX {
		t.Error("no cell shows x")
	}
	for _, want := range []string{"identified/total/", "identified.by_year_authority/2011/US", "by_nationality/NG/", "age.by_region/Europe/count",
		"returns.period.by_identification_year/2010/prepared_return", "prosecution/charges/", "shelter.buckets/<=30/"} {
		found := false
		for _, a := range asked {
			found = found || a == want
		}
		if !found {
			t.Errorf("mask never asked for %s", want)
		}
	}
}

// TestWritersDeterministic: the same document gives the same bytes
// (XLSX is left out: excelize writes its content types in map order).
func TestWritersDeterministic(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	for name, w := range writers {
		if name == "xlsx" {
			continue
		}
		var a, b bytes.Buffer
		if err := w(&a, d); err != nil {
			t.Fatal(err)
		}
		if err := w(&b, d); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s output differs between runs", name)
		}
	}
}

// BenchmarkBuildAndWriteAll builds the fixture report and writes it in
// every format (HTML, Markdown, PDF, XLSX).
func BenchmarkBuildAndWriteAll(b *testing.B) {
	in := reporttest.Input(b, nrm.LangDA)
	b.ReportAllocs()
	for b.Loop() {
		d, err := report.Build(in)
		if err != nil {
			b.Fatal(err)
		}
		writeAll(b, d)
	}
}
