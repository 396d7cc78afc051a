package report_test

import (
	"bytes"
	"strings"
	"testing"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/planio"
	"nrm/report"
	"nrm/report/reporttest"
)

// seedInput is the 2011 fixture statistics with the shipped demo plan,
// its working groups and organisation names: the data the introduction
// is written from.
func seedInput(t *testing.T, lang nrm.Lang) report.Input {
	t.Helper()
	read := func(name string) []byte {
		b, err := demoplan.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p, err := planio.ReadPlanYAML(bytes.NewReader(read("actionplan_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := planio.ReadWorkGroupsYAML(bytes.NewReader(read("workgroups.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(read("organisations.csv")))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.Code] = o.NameDA
		if lang == nrm.LangEN {
			names[o.Code] = o.NameEN
		}
	}
	return report.Input{Stats: reporttest.Stats2011(t), Lang: lang, Plan: p, WorkGroups: groups, OrgNames: names, Generated: reporttest.Generated}
}

// sectionText is the paragraphs of the section with id, one per line.
func sectionText(d *report.Document, id string) []string {
	var out []string
	for _, s := range d.Sections {
		if s.ID != id {
			continue
		}
		for _, b := range s.Blocks {
			if b.Paragraph != nil {
				out = append(out, b.Paragraph.Text)
			}
		}
	}
	return out
}

// TestIntroFromPlanData: the Danish introduction written from the demo
// plan's data says what the seed's "Indledning" says, sentence by
// sentence and in its order. The sentences are copied from the seed
// (hyphenation undone); the only differences are the organisations'
// names as the register spells them and "refererer" for the seed's typo
// "referer".
func TestIntroFromPlanData(t *testing.T) {
	d, err := report.Build(seedInput(t, nrm.LangDA))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(sectionText(d, "introduction"), "\n")
	seed := []string{
		"Handel med mennesker er en indbringende form for organiseret kriminalitet.",
		"Minister for ligestilling har det koordinerende ansvar for implementeringen af den danske indsats til bekæmpelse af menneskehandel, og Ministeriet for Ligestilling og Kirke er formand for den tværministerielle arbejdsgruppe på området bestående af Social- og Integrationsministeriet, Justitsministeriet, Udenrigsministeriet, Skatteministeriet, Beskæftigelsesministeriet og Ministeriet for Sundhed og Forebyggelse.",
		"I Danmark har vi siden 2002 samlet indsatsen til bekæmpelse af menneskehandel i handlingsplaner.",
		"Alle handlingsplaner har været finansieret af satspuljemidler.",
		"Hovedparten af midlerne kanaliseres videre til Center mod Menneskehandel (CMM), der står for samarbejdet og kontakten til NGO'er og sociale organisationer på området.",
		"Der er afsat 85,6 mio. kr. til den nationale, sociale indsats i perioden 2011-2014.",
		"Hertil skal lægges bistandsmidler, der bruges til forebyggende projekter i udviklingslande, finansiering af Udenrigsministeriets Naboskabsprogram og andre midler, der afsættes i Rigspolitiet, SKAT og andre relevante myndigheder.",
		"Den første handlingsplan til bekæmpelse af handel med mennesker, ”Handlingsplan mod kvindehandel 2002-2006”, blev i 2005 udvidet med et tillæg om børn.",
		"Disse blev i 2007 afløst af ”Handlingsplan til bekæmpelse af handel med kvinder, mænd og børn 2007-2010”.",
		"I 2007 blev CMM oprettet.",
		"CMM refererer til minister for ligestilling og har som hovedopgaver at koordinere samarbejdet mellem de sociale organisationer og andre myndigheder samt indsamle og formidle viden om menneskehandel.",
		"I ”Handlingsplan til bekæmpelse af menneskehandel 2011-2014” fortsætter indsatsen med at målrette og forbedre eksisterende tiltag.",
		"Handlingsplanen er bygget op om fem hovedområder: 1) Identificere ofre for menneskehandel, 2) Støtte til ofre for menneskehandel, 3) Begrænse efterspørgslen på ydelser fra menneskehandlede i Danmark, 4) Forebygge menneskehandel internationalt og 5) Retsforfølgelse af bagmændene.",
		"Handlingsplanens primære målgruppe er alle ofre for menneskehandel.",
		"Indsatsen på disse områder er over de seneste år intensiveret.",
		"Den tværministerielle arbejdsgruppe udarbejder hvert år en statusrapport, der sendes til satspuljeordførerne og offentliggøres på minister for ligestillings hjemmeside.",
		"Derudover gennemføres ved afslutningen af hver handlingsplans periode en samlet ekstern evaluering af hele perioden.",
		"I det følgende gennemgås de nye aktiviteter, der skal igangsættes som del af implementeringen af den nuværende handlingsplan.",
		"Disse aktiviteter bygger videre på den bestående indsats og videreførte aktiviteter, som er beskrevet i handlingsplanen.",
		"Afslutningsvist er der i statusrapporten et afsnit med relevante statistiske opgørelser.",
	}
	at := 0
	for _, s := range seed {
		i := strings.Index(text[at:], s)
		if i < 0 {
			if strings.Contains(text, s) {
				t.Errorf("out of the seed's order: %q", s)
			} else {
				t.Errorf("missing: %q", s)
			}
			continue
		}
		at += i + len(s)
	}
	if t.Failed() {
		t.Logf("introduction:\n%s", text)
	}
}

// TestIntroEnglish: the English introduction names the organisations in
// English, with the article running text needs, and has no Danish left.
func TestIntroEnglish(t *testing.T) {
	d, err := report.Build(seedInput(t, nrm.LangEN))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(sectionText(d, "introduction"), "\n")
	for _, s := range []string{
		"The Minister for Gender Equality has the coordinating responsibility",
		"the Ministry of Gender Equality and Ecclesiastical Affairs chairs the inter-ministerial working group",
		"the Ministry of Justice, the Ministry of Foreign Affairs",
		"Most of the funds are passed on to the Danish Centre against Human Trafficking (CMM)",
		"DKK 85.6 million has been allocated to the national social effort in the period 2011-2014.",
		"the Danish National Police, the Danish Tax and Customs Administration (SKAT) and other relevant authorities",
		"was extended in 2005 with an annex on children. They were replaced in 2007 by",
		"1) Identifying victims of trafficking",
		"published on the website of the Minister for Gender Equality",
		"These activities build on the existing effort and the continued activities",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("missing %q", s)
		}
	}
	for _, da := range []string{"Ministeriet", "handlingsplan", " og ", "satspuljeordførerne og"} {
		if strings.Contains(text, da) {
			t.Errorf("Danish %q in the English introduction", da)
		}
	}
	if t.Failed() {
		t.Logf("introduction:\n%s", text)
	}
}

// TestActivityFootnotes: the seed's four footnotes are numbered 1-4 in
// the order of the tables, marked on their activity, and printed under
// their table in the report's language.
func TestActivityFootnotes(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		d, err := report.Build(seedInput(t, lang))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"1.2.1": "¹", "1.3.3": "²", "2.1.1": "³", "3.1.1": "⁴"}
		starts := map[string]string{"¹": "Center mod Menneskehandel har etableret", "²": "Det regionale referencesystem",
			"³": "På lige fod med andre udlændinge", "⁴": "SFI offentliggjorde i 2011"}
		if lang == nrm.LangEN {
			starts = map[string]string{"¹": "The Danish Centre against Human Trafficking has set up", "²": "The regional reference system",
				"³": "Like other foreign nationals", "⁴": "In 2011 SFI"}
		}
		found := 0
		for _, tb := range d.Tables() {
			if !strings.HasPrefix(tb.ID, "plan.") || len(tb.Columns) != 5 {
				continue
			}
			for _, r := range tb.Rows {
				code, text := r.Cells[0].Text, r.Cells[1].Text
				m, ok := want[code]
				if !ok {
					if strings.ContainsAny(text, "¹²³⁴") {
						t.Errorf("%s: activity %s has a marker: %q", lang, code, text)
					}
					continue
				}
				found++
				if !strings.HasSuffix(text, m) {
					t.Errorf("%s: activity %s not marked %s: %q", lang, code, m, text)
				}
				note := false
				for _, n := range tb.Notes {
					if strings.HasPrefix(n, m+" "+starts[m]) {
						note = true
					}
				}
				if !note {
					t.Errorf("%s: footnote %s missing under table %s: %q", lang, m, tb.ID, tb.Notes)
				}
			}
		}
		if found != 4 {
			t.Errorf("%s: %d footnoted activities, want 4", lang, found)
		}
	}
}
