package demo_test

// An independent cross-check of the demo bundle: it reads the embedded CSV
// files with encoding/csv and recounts, following design.md §4 to the
// letter, every number that the Danish status report for 2011 (the seed)
// publishes. It uses nothing of nrm but its code lists and format checks,
// so that it cannot share a bug with the statistics implementation.

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"nrm"
	"nrm/demo"
)

// region of origin of every nationality used in the bundle (§4: the
// Middle East is not part of Asia).
var region = map[string]string{
	"NG": "Africa", "UG": "Africa", "GH": "Africa", "KE": "Africa", "CM": "Africa",
	"SL": "Africa", "ER": "Africa", "SO": "Africa",
	"TH": "Asia", "VN": "Asia", "PH": "Asia",
	"RO": "Europe", "BG": "Europe", "LT": "Europe", "EE": "Europe", "CZ": "Europe",
	"HU": "Europe", "PL": "Europe", "RU": "Europe", "UA": "Europe",
	"BR": "Latin America", "DO": "Latin America", "CO": "Latin America",
	"IQ": "Middle East",
}

var orgs = map[string]bool{"CMM": true, "US": true, "RIGSPOLITIET": true, "RODE_KORS": true,
	"REDEN": true, "PRO_VEST": true, "LOKK": true, "IOM": true}

type caseRow struct {
	line               int
	ref, owner, gender string
	birthDate          time.Time // zero: unknown
	birthYear          int       // 0: unknown
	nat, res           string
	contact            time.Time
	form, contactOrg   string
	assessed           time.Time
	authority, outcome string
	expl               []string
	sector, country    string
	setting            string
	stays              []stayRow
	exits              []exitRow
}

type stayRow struct {
	line           int
	kind, provider string
	start, end     time.Time // end zero: ongoing
}

type exitRow struct {
	line int
	date time.Time
	kind string
}

type prosRow struct {
	year                                int
	cutoff                              time.Time
	charges, decisions, uncond, partial int
}

type bundle struct {
	cases []*caseRow
	byRef map[string]*caseRow
	pros  map[int]prosRow
}

var refPattern = regexp.MustCompile(`^DK-(\d{4})-\d{4}$`)

// load parses the bundle and returns every problem found, each naming file,
// line and column.
func load(t *testing.T) (*bundle, []string) {
	t.Helper()
	var problems []string
	bad := func(file string, line int, col, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", file, line, col, fmt.Sprintf(format, args...)))
	}
	read := func(name string, header []string) []map[string]string {
		b, err := fs.ReadFile(demo.Bundle, "bundle/"+name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if !utf8.Valid(b) || strings.HasPrefix(string(b), "\uFEFF") {
			bad(name, 1, "file", "not UTF-8 without a byte-order mark")
		}
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		if len(recs) == 0 || !slices.Equal(recs[0], header) {
			t.Fatalf("%s: header %q, want %q", name, recs[0], header)
		}
		var out []map[string]string
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, h := range header {
				m[h] = r[i]
			}
			out = append(out, m)
		}
		return out
	}
	date := func(file string, line int, col, v string, required bool) time.Time {
		if v == "" {
			if required {
				bad(file, line, col, "required, YYYY-MM-DD")
			}
			return time.Time{}
		}
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			bad(file, line, col, "%q is not a YYYY-MM-DD date", v)
		}
		return d
	}
	code := func(file string, line int, col, set, v string) {
		if !nrm.ValidCode(set, v) {
			bad(file, line, col, "%q is not a %s code (%s)", v, set, nrm.ExpectedCodes(set))
		}
	}

	b := &bundle{byRef: map[string]*caseRow{}, pros: map[int]prosRow{}}
	const cf = "cases.csv"
	for i, r := range read(cf, []string{"case_ref", "owner_org", "gender", "birth_date", "birth_year",
		"nationality", "residence_status", "first_contact_date", "contact_form", "contact_org",
		"assessment_date", "assessment_authority", "assessment_outcome", "exploitation", "labour_sector",
		"exploitation_country", "labour_setting"}) {
		ln := i + 2
		c := &caseRow{line: ln, ref: r["case_ref"], owner: r["owner_org"], gender: r["gender"],
			nat: r["nationality"], res: r["residence_status"], form: r["contact_form"],
			contactOrg: r["contact_org"], authority: r["assessment_authority"], outcome: r["assessment_outcome"],
			sector: r["labour_sector"], country: r["exploitation_country"], setting: r["labour_setting"]}
		if !refPattern.MatchString(c.ref) || !nrm.ValidRef(c.ref) {
			bad(cf, ln, "case_ref", "%q is not DK-YYYY-NNNN", c.ref)
		} else if b.byRef[c.ref] != nil {
			bad(cf, ln, "case_ref", "%q repeated", c.ref)
		}
		b.byRef[c.ref] = c
		for col, o := range map[string]string{"owner_org": c.owner, "contact_org": c.contactOrg} {
			if !nrm.ValidOrgCode(o) || !orgs[o] {
				bad(cf, ln, col, "%q is not one of the seed's organisation codes", o)
			}
		}
		code(cf, ln, "gender", "gender", c.gender)
		code(cf, ln, "residence_status", "residence_status", c.res)
		code(cf, ln, "contact_form", "contact_form", c.form)
		code(cf, ln, "assessment_authority", "authority", c.authority)
		code(cf, ln, "assessment_outcome", "assessment_outcome", c.outcome)
		c.birthDate = date(cf, ln, "birth_date", r["birth_date"], false)
		if v := r["birth_year"]; v != "" {
			y, err := strconv.Atoi(v)
			if err != nil || y < 1900 || y > 2012 {
				bad(cf, ln, "birth_year", "%q is not a plausible year", v)
			}
			c.birthYear = y
		}
		if !c.birthDate.IsZero() && c.birthYear != 0 && c.birthDate.Year() != c.birthYear {
			bad(cf, ln, "birth_year", "%d differs from the year of birth_date", c.birthYear)
		}
		if _, ok := region[c.nat]; !ok || !nrm.ValidCountry(c.nat) {
			bad(cf, ln, "nationality", "%q is not a mapped ISO 3166-1 alpha-2 code", c.nat)
		}
		c.contact = date(cf, ln, "first_contact_date", r["first_contact_date"], true)
		c.assessed = date(cf, ln, "assessment_date", r["assessment_date"], true)
		if c.assessed.Before(c.contact) {
			bad(cf, ln, "assessment_date", "before the first contact")
		}
		if !c.birthDate.IsZero() && c.contact.Before(c.birthDate) {
			bad(cf, ln, "first_contact_date", "before the birth date")
		}
		if age, ok := ageAt(c, c.assessed); ok && (age < 0 || age > 120) {
			bad(cf, ln, "birth_date", "age %d at the assessment", age)
		}
		// US assesses asylum seekers and people without legal stay, CMM
		// people with legal stay.
		want := map[string]string{"asylum_seeker": "US", "irregular": "US", "legal": "CMM"}[c.res]
		if c.authority != want {
			bad(cf, ln, "assessment_authority", "%s for residence_status %s, want %q", c.authority, c.res, want)
		}
		if v := r["exploitation"]; v != "" {
			c.expl = strings.Split(v, ";")
		}
		seen := map[string]bool{}
		for _, f := range c.expl {
			code(cf, ln, "exploitation", "exploitation", f)
			if seen[f] {
				bad(cf, ln, "exploitation", "%q repeated", f)
			}
			seen[f] = true
		}
		if c.outcome == "identified" && len(c.expl) == 0 {
			bad(cf, ln, "exploitation", "required for an identified victim")
		}
		if c.sector != "" {
			code(cf, ln, "labour_sector", "labour_sector", c.sector)
		}
		if (c.sector != "") != seen["forced_labour"] {
			bad(cf, ln, "labour_sector", "%q: set exactly when exploitation includes forced_labour", c.sector)
		}
		if c.setting != "" {
			code(cf, ln, "labour_setting", "labour_setting", c.setting)
			if !seen["forced_labour"] {
				bad(cf, ln, "labour_setting", "%q: set only when exploitation includes forced_labour", c.setting)
			}
		}
		if c.country != "" && !nrm.ValidCountry(c.country) {
			bad(cf, ln, "exploitation_country", "%q is not an ISO 3166-1 alpha-2 code", c.country)
		}
		b.cases = append(b.cases, c)
	}

	const af = "accommodations.csv"
	for i, r := range read(af, []string{"case_ref", "kind", "provider", "start_date", "end_date"}) {
		ln := i + 2
		c := b.byRef[r["case_ref"]]
		if c == nil {
			bad(af, ln, "case_ref", "%q is not in cases.csv", r["case_ref"])
			continue
		}
		s := stayRow{line: ln, kind: r["kind"], provider: r["provider"],
			start: date(af, ln, "start_date", r["start_date"], true), end: date(af, ln, "end_date", r["end_date"], false)}
		code(af, ln, "kind", "accommodation_kind", s.kind)
		if s.provider == "" {
			bad(af, ln, "provider", "required")
		}
		if !s.end.IsZero() && s.end.Before(s.start) {
			bad(af, ln, "end_date", "before start_date")
		}
		if s.start.Before(c.contact) {
			bad(af, ln, "start_date", "before the first contact %s", c.contact.Format(time.DateOnly))
		}
		c.stays = append(c.stays, s)
	}

	const ef = "exits.csv"
	for i, r := range read(ef, []string{"case_ref", "date", "kind"}) {
		ln := i + 2
		c := b.byRef[r["case_ref"]]
		if c == nil {
			bad(ef, ln, "case_ref", "%q is not in cases.csv", r["case_ref"])
			continue
		}
		e := exitRow{line: ln, date: date(ef, ln, "date", r["date"], true), kind: r["kind"]}
		code(ef, ln, "kind", "exit_kind", e.kind)
		if e.date.Before(c.contact) || e.date.Before(c.assessed) {
			bad(ef, ln, "date", "%s is before the first contact or the assessment", r["date"])
		}
		c.exits = append(c.exits, e)
	}

	const pf = "prosecutions.csv"
	for i, r := range read(pf, []string{"year", "cutoff_date", "charges", "decisions",
		"convictions_unconditional", "convictions_partly_suspended"}) {
		ln := i + 2
		var n [5]int
		for j, col := range []string{"year", "charges", "decisions", "convictions_unconditional",
			"convictions_partly_suspended"} {
			v, err := strconv.Atoi(r[col])
			if err != nil || v < 0 {
				bad(pf, ln, col, "%q is not a whole number ≥ 0", r[col])
			}
			n[j] = v
		}
		p := prosRow{year: n[0], cutoff: date(pf, ln, "cutoff_date", r["cutoff_date"], true),
			charges: n[1], decisions: n[2], uncond: n[3], partial: n[4]}
		if p.uncond+p.partial > p.decisions {
			bad(pf, ln, "decisions", "fewer than the convictions")
		}
		if p.cutoff.Year() < p.year {
			bad(pf, ln, "cutoff_date", "before the year")
		}
		if _, dup := b.pros[p.year]; dup {
			bad(pf, ln, "year", "%d repeated", p.year)
		}
		b.pros[p.year] = p
	}
	return b, problems
}

// ageAt is the age in completed years; with only a birth year it counts
// from 1 July of that year (§5).
func ageAt(c *caseRow, d time.Time) (int, bool) {
	b := c.birthDate
	if b.IsZero() {
		if c.birthYear == 0 {
			return 0, false
		}
		b = time.Date(c.birthYear, time.July, 1, 0, 0, 0, 0, time.UTC)
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age, true
}

func mustLoad(t *testing.T) *bundle {
	b, problems := load(t)
	if len(problems) > 0 {
		t.Fatalf("the bundle has %d invalid values:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return b
}

func TestBundleValid(t *testing.T) {
	_, problems := load(t)
	for _, p := range problems {
		t.Error(p)
	}
}

func day(s string) time.Time { return nrm.MustDate(s).Time() }

// identifiedIn returns the cases whose (only) assessment is an
// identification dated in year, on or before cutoff.
func (b *bundle) identifiedIn(year int, cutoff time.Time) []*caseRow {
	var out []*caseRow
	for _, c := range b.cases {
		if c.outcome == "identified" && c.assessed.Year() == year && !c.assessed.After(cutoff) {
			out = append(out, c)
		}
	}
	return out
}

// stats2011 recounts the 2011 report, cut-off 1 March 2012, into flat keys.
func stats2011(b *bundle) (map[string]int, []*caseRow) {
	const year = 2011
	cutoff := day("2012-03-01")
	yearEnd := day("2011-12-31")
	got := map[string]int{}
	ids := b.identifiedIn(year, cutoff)
	got["identified.total"] = len(ids)
	countries := map[string]bool{}
	ages := map[string][]int{}
	var minors []*caseRow
	for _, c := range ids {
		got["identified."+c.authority]++
		got["contact_form."+c.form]++
		got["region."+region[c.nat]]++
		got["nationality."+c.nat]++
		countries[c.nat] = true
		got["gender."+c.gender]++
		for _, f := range c.expl {
			got["exploitation."+f]++
			got["exploitation_gender."+f+"."+c.gender]++
		}
		if len(c.expl) > 1 {
			got["multi_form_persons"]++
		}
		if c.sector != "" {
			got["forced_labour_sectors."+c.sector]++
		}
		if c.setting != "" {
			got["forced_labour_settings."+c.sector+"."+c.setting]++
		}
		if age, ok := ageAt(c, c.assessed); ok {
			ages[region[c.nat]] = append(ages[region[c.nat]], age)
			ages["all"] = append(ages["all"], age)
			if age < 18 {
				minors = append(minors, c)
			}
			if age >= 20 && age <= 35 {
				got["age.20-35"]++
			}
		} else {
			got["age.unknown"]++
		}

		// Crisis shelter: stays starting on or before 31 December, each
		// measured to its end or to 31 December, first and last day counted.
		days, sheltered, still := 0, false, false
		for _, s := range c.stays {
			if s.kind != "crisis_shelter" || s.start.After(yearEnd) {
				continue
			}
			sheltered = true
			end := s.end
			if end.IsZero() || end.After(yearEnd) {
				end, still = yearEnd, true
			}
			days += int(end.Sub(s.start).Hours()/24) + 1
		}
		if sheltered {
			got["shelter.count"]++
			if still {
				got["shelter.still_at_year_end"]++
			}
			switch {
			case days <= 30:
				got["shelter.buckets.<=30"]++
			case days < 100:
				got["shelter.buckets.31-99"]++
			default:
				got["shelter.buckets.>=100"]++
			}
		}

		// Private housing.
		private, housed := false, false
		for _, s := range c.stays {
			if s.kind == "private" {
				private = true
				housed = housed || !s.start.After(yearEnd) && (s.end.IsZero() || s.end.After(yearEnd))
			}
		}
		if private {
			got["private_housing.count"]++
			if housed {
				got["private_housing.still_at_year_end"]++
			}
			for _, e := range c.exits {
				if !e.date.After(cutoff) && (e.kind == "disappeared" || e.kind == "self_return") {
					got["private_housing."+e.kind]++
				}
			}
		}

		// Returns, cohort view: exits dated up to the cut-off.
		for _, e := range c.exits {
			if !e.date.After(cutoff) {
				got["returns.cohort."+e.kind]++
				got[fmt.Sprintf("returns.cohort.by_exit_year.%d.%s", e.date.Year(), e.kind)]++
			}
		}
	}
	got["countries"] = len(countries)
	for n := range countries {
		if region[n] == "Africa" {
			got["countries.Africa"]++
		}
	}
	for r, as := range ages {
		sum := 0
		for _, a := range as {
			sum += a
		}
		got["age."+r+".count"] = len(as)
		got["age."+r+".min"] = slices.Min(as)
		got["age."+r+".max"] = slices.Max(as)
		// Mean in tenths, rounded half up: (20·sum + n) / 2n.
		got["age."+r+".mean_tenths"] = (20*sum + len(as)) / (2 * len(as))
	}

	// Returns, period view: exits dated in the year of cases identified on
	// any date up to the cut-off, whatever the year of identification.
	for _, c := range b.cases {
		if c.outcome != "identified" || c.assessed.After(cutoff) {
			continue
		}
		for _, e := range c.exits {
			if e.date.Year() == year {
				got["returns.period."+e.kind]++
				got[fmt.Sprintf("returns.period.by_identification_year.%d.%s", c.assessed.Year(), e.kind)]++
			}
		}
	}

	if p, ok := b.pros[year]; ok {
		got["prosecution.cutoff_is_2012-03-01"] = boolInt(p.cutoff.Equal(cutoff))
		got["prosecution.charges"] = p.charges
		got["prosecution.decisions"] = p.decisions
		got["prosecution.convictions_unconditional"] = p.uncond
		got["prosecution.convictions_partly_suspended"] = p.partial
		got["prosecution.convictions_total"] = p.uncond + p.partial
	}
	return got, minors
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// want2011 is every number of the seed's "Statistiske opgørelser" for
// 2011, with the sentence it comes from. Entries marked "bundle:" are not
// published; they pin the reconstruction's own choices.
var want2011 = []struct {
	key  string
	want int
	seed string
}{
	{"identified.total", 60, "I 2011 er 60 personer officielt vurderet som ofre"},
	{"identified.US", 51, "51 af Udlændingestyrelsen (US)"},
	{"identified.CMM", 9, "ni af Center mod Menneskehandel (CMM)"},

	{"contact_form.police", 45, "Omkring ¾ … mødt i forbindelse med politiets indsats"},
	{"contact_form.outreach", 11, "Af de resterende er langt de fleste mødt i forbindelse med det opsøgende arbejde"},
	{"contact_form.health_service", 2, "bundle: the rest"},
	{"contact_form.asylum_system", 2, "bundle: the rest (incl. the minor met by the Red Cross)"},

	{"countries", 16, "oprindelse i 16 forskellige lande"},
	{"countries.Africa", 8, "hvoraf omkring halvdelen er afrikanske lande"},
	{"region.Africa", 34, "Personer fra Afrika udgør mere end 50 pct."},
	{"region.Asia", 11, "Asien med 18 pct."},
	{"region.Europe", 8, "Europa med 13 pct."},
	{"region.Latin America", 6, "Latinamerika med ti pct."},
	{"region.Middle East", 1, "For første gang er der i 2011 identificeret en person fra Mellemøsten"},
	{"nationality.NG", 18, "Nigeria … 18 personer … omkring 1/3"},
	{"nationality.TH", 11, "Med 11 personer udgør Thailand omkring 1/6"},
	{"nationality.UG", 8, "Uganda udgør omkring 1/8 med otte personer"},
	{"nationality.RO", 5, "Rumænien … fem"},
	{"nationality.BR", 4, "Brasilien … fire"},

	{"exploitation.sexual", 56, "56 personer, svarende til 93 pct. … handlet til prostitution"},
	{"exploitation.forced_labour", 3, "tre handlet til tvangsarbejde"},
	{"exploitation.forced_criminality", 2, "to til kriminalitet"},
	{"multi_form_persons", 1, "56 + 3 + 2 = 61 forms for 60 persons (design §4)"},
	{"exploitation_gender.sexual.female", 54, "Af de 56 … er 54 kvinder"},
	{"exploitation_gender.sexual.transgender", 2, "og to transkønnede"},
	{"exploitation_gender.sexual.male", 0, "ikke identificeret mandlige ofre"},
	{"exploitation_gender.forced_labour.female", 3, "Tre kvinder … tvangsarbejde"},
	{"exploitation_gender.forced_criminality.female", 2, "To kvinder er handlet til kriminalitet"},
	{"forced_labour_sectors.domestic_work", 2, "to i form af husarbejde"},
	{"forced_labour_sectors.cleaning", 1, "én i form af rengøring på kontorer og skoler"},
	{"forced_labour_settings.cleaning.offices_schools", 1, "én i form af rengøring på kontorer og skoler"},
	{"gender.female", 58, "54 + 3 + 2 women, one counted twice"},
	{"gender.transgender", 2, "to transkønnede"},
	{"gender.male", 0, "Der er i 2011 ikke identificeret mandlige ofre"},

	{"age.all.min", 16, "fra 16-59 år"},
	{"age.all.max", 59, "fra 16-59 år"},
	{"age.Latin America.min", 26, "Latinamerika: 26-51år"},
	{"age.Latin America.max", 51, "Latinamerika: 26-51år"},
	{"age.Latin America.mean_tenths", 376, "gennemsnitsalder på 37,6"},
	{"age.Latin America.count", 5, "bundle: 37.6 needs 5 known ages (188/5); one unknown"},
	{"age.unknown", 1, "bundle: the one Latin American without a recorded age"},
	{"age.Asia.min", 25, "Asien: 25-59 år"},
	{"age.Asia.max", 59, "Asien: 25-59 år"},
	{"age.Asia.mean_tenths", 334, "gennemsnitsalder på 33,4"},
	{"age.Africa.min", 16, "Afrika: 16-58 år"},
	{"age.Africa.max", 58, "Afrika: 16-58 år"},
	{"age.Africa.mean_tenths", 300, "gennemsnitsalder på 30"},
	{"age.Europe.min", 19, "Europa: 19-40 år"},
	{"age.Europe.max", 40, "Europa: 19-40 år"},
	{"age.Europe.mean_tenths", 258, "gennemsnitsalder på 25,8"},

	{"shelter.count", 47, "47 personer … blev indkvarteret på krisecenter"},
	{"shelter.still_at_year_end", 15, "Heraf havde 15 fortsat ophold ved årets udgang"},
	{"shelter.buckets.<=30", 25, "Ca. 53 pct. var indkvarteret på krisecenter op til en måned"},
	{"shelter.buckets.31-99", 12, "Figur 8: the rest"},
	{"shelter.buckets.>=100", 10, "ca. 21 pct. var indkvarteret 100 dage eller derover"},

	{"private_housing.count", 5, "Fem personer blev privat indkvarteret"},
	{"private_housing.still_at_year_end", 3, "Tre var fortsat indkvarteret ved årets udgang"},
	{"private_housing.disappeared", 1, "én er efterfølgende forsvundet"},
	{"private_housing.self_return", 1, "én er rejst hjem på egen hånd"},

	{"returns.period.prepared_return", 12, "i 2011 blev gennemført 12 forberedte hjemsendelser"},
	{"returns.period.by_identification_year.2011.prepared_return", 11, "heraf 11 personer, som blev vurderet handlet i 2011"},
	{"returns.period.by_identification_year.2010.prepared_return", 1, "1 person, som er blevet vurderet handlet i 2010"},
	{"returns.cohort.prepared_return", 13, "har 13 indtil videre gennemført en forberedt hjemsendelse"},
	{"returns.cohort.by_exit_year.2012.prepared_return", 2, "heraf to i 2012"},
	{"returns.cohort.by_exit_year.2011.prepared_return", 11, "13 − 2"},
	{"returns.period.return_via_social_org", 3, "tre personer modtaget støtte til at rejse hjem via CMM/Social organisation"},
	{"returns.period.return_via_police", 4, "fire efter eget ønske er sendt hjem via politiet"},
	{"returns.period.self_return", 3, "tre er rejst hjem på egen hånd"},
	{"returns.cohort.return_via_social_org", 3, "same persons, all in 2011"},
	{"returns.cohort.return_via_police", 4, "same persons, all in 2011"},
	{"returns.cohort.self_return", 3, "same persons, all in 2011"},
	{"returns.period.disappeared", 4, "bundle: not published"},
	{"returns.cohort.disappeared", 4, "bundle: not published"},
	{"returns.period.by_identification_year.2011.return_via_social_org", 3, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.cohort.by_exit_year.2011.return_via_social_org", 3, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.period.by_identification_year.2011.return_via_police", 4, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.cohort.by_exit_year.2011.return_via_police", 4, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.period.by_identification_year.2011.self_return", 3, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.cohort.by_exit_year.2011.self_return", 3, "the other returns are of persons identified in 2011, all in 2011"},
	{"returns.period.by_identification_year.2011.disappeared", 4, "bundle: not published"},
	{"returns.cohort.by_exit_year.2011.disappeared", 4, "bundle: not published"},

	{"prosecution.cutoff_is_2012-03-01", 1, "Opgjort pr. 1. marts 2012"},
	{"prosecution.charges", 21, "Sigtelser 21"},
	{"prosecution.decisions", 15, "Alle afgørelser 15"},
	{"prosecution.convictions_unconditional", 6, "Dom 6"},
	{"prosecution.convictions_partly_suspended", 3, "Delvis betinget dom 3"},
	{"prosecution.convictions_total", 9, "I alt 9"},
}

func TestStatistics2011(t *testing.T) {
	b := mustLoad(t)
	got, minors := stats2011(b)
	checked := map[string]bool{}
	for _, w := range want2011 {
		checked[w.key] = true
		if got[w.key] != w.want {
			t.Errorf("%s = %d, want %d (seed: %q)", w.key, got[w.key], w.want, w.seed)
		}
	}
	// No category beyond those the seed publishes may appear.
	var extra []string
	for k, n := range got {
		for _, prefix := range []string{"identified.", "contact_form.", "region.", "exploitation.",
			"exploitation_gender.", "forced_labour_sectors.", "forced_labour_settings.", "gender.", "shelter.", "private_housing.",
			"returns.period.", "returns.cohort."} {
			if strings.HasPrefix(k, prefix) && !checked[k] && n != 0 {
				extra = append(extra, fmt.Sprintf("%s=%d", k, n))
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("unexpected counts beyond the published ones: %v", extra)
	}

	total := got["identified.total"]
	pct := func(n int) int { return (200*n + total) / (2 * total) } // rounded half up
	if p := pct(got["region.Africa"]); p <= 50 {
		t.Errorf("Africa is %d %%, want more than 50 %%", p)
	}
	for r, p := range map[string]int{"Asia": 18, "Europe": 13, "Latin America": 10} {
		if got := pct(got["region."+r]); got != p {
			t.Errorf("%s is %d %%, want %d %%", r, got, p)
		}
	}
	if p := pct(got["exploitation.sexual"]); p != 93 {
		t.Errorf("sexual exploitation is %d %%, want 93 %%", p)
	}
	sh := got["shelter.count"]
	for bucket, p := range map[string]int{"<=30": 53, ">=100": 21} {
		if got := (200*got["shelter.buckets."+bucket] + sh) / (2 * sh); got != p {
			t.Errorf("shelter bucket %s is %d %%, want ca. %d %%", bucket, got, p)
		}
	}
	// "Herudover … præget af få handlede fra mange forskellige lande."
	for k, n := range got {
		if strings.HasPrefix(k, "nationality.") && n > 3 &&
			!slices.Contains([]string{"NG", "TH", "UG", "RO", "BR"}, strings.TrimPrefix(k, "nationality.")) {
			t.Errorf("%s = %d: beyond the five named countries, only a few each", k, n)
		}
	}
	// "gennemsnitsalder på omkring 30 år"; "Størstedelen er i alderen 20-35 år".
	if m := got["age.all.mean_tenths"]; m < 295 || m >= 315 {
		t.Errorf("mean age %.1f, want about 30", float64(m)/10)
	}
	if n, known := got["age.20-35"], got["age.all.count"]; 2*n <= known {
		t.Errorf("%d of %d known ages are 20–35, want most", n, known)
	}
	if mid := got["region.Middle East"]; mid == 1 {
		for _, c := range b.identifiedIn(2011, day("2012-03-01")) {
			if region[c.nat] == "Middle East" {
				if a, ok := ageAt(c, c.assessed); !ok || a < 16 || a > 59 {
					t.Errorf("%s: the Middle East person's age must be known and within 16–59", c.ref)
				}
			}
		}
	}

	// "To mindreårige … Begge er piger fra Afrika, på henholdsvis 16 og 17
	// år. Den ene … husarbejde … i Røde Kors regi; den anden … prostitution
	// … politiets indsats." Also: "Tre kvinder – heraf én mindreårig" in
	// forced labour.
	if len(minors) != 2 {
		t.Fatalf("%d minors, want 2", len(minors))
	}
	sort.Slice(minors, func(i, j int) bool {
		ai, _ := ageAt(minors[i], minors[i].assessed)
		aj, _ := ageAt(minors[j], minors[j].assessed)
		return ai < aj
	})
	type minor struct {
		age                          int
		gender, region, expl, sector string
		form, org                    string
	}
	wantMinors := []minor{
		{16, "female", "Africa", "forced_labour", "domestic_work", "asylum_system", "RODE_KORS"},
		{17, "female", "Africa", "sexual", "", "police", "RIGSPOLITIET"},
	}
	for i, c := range minors {
		a, _ := ageAt(c, c.assessed)
		m := minor{a, c.gender, region[c.nat], strings.Join(c.expl, ";"), c.sector, c.form, c.contactOrg}
		if m != wantMinors[i] {
			t.Errorf("minor %s = %+v, want %+v", c.ref, m, wantMinors[i])
		}
	}
}

// TestFigure1 checks the series of identifications by year and authority:
// 2007, 2008, 2011 and 2012 totals are published, 2009 and 2010 and every
// split but 2011's are the bundle's assumptions. Men: one in 2009, two in
// 2010, none in 2011 (seed).
func TestFigure1(t *testing.T) {
	b := mustLoad(t)
	want := map[int][3]int{ // US, CMM, men
		2007: {12, 5, 0},
		2008: {20, 8, 0},
		2009: {19, 5, 1},
		2010: {47, 7, 2},
		2011: {51, 9, 0},
		2012: {52, 14, 2},
	}
	published := map[int]int{2007: 17, 2008: 28, 2011: 60, 2012: 66}
	for y, w := range want {
		var got [3]int
		for _, c := range b.identifiedIn(y, time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC)) {
			if c.authority == "US" {
				got[0]++
			} else {
				got[1]++
			}
			if c.gender == "male" {
				got[2]++
			}
		}
		if got != w {
			t.Errorf("%d: US, CMM, men = %v, want %v", y, got, w)
		}
		if p, ok := published[y]; ok && got[0]+got[1] != p {
			t.Errorf("%d: %d identified, published %d", y, got[0]+got[1], p)
		}
	}
	for _, c := range b.cases {
		if y := c.assessed.Year(); c.outcome == "identified" && (y < 2007 || y > 2012) {
			t.Errorf("%s identified in %d, outside 2007–2012", c.ref, y)
		}
	}
}

// TestCohortBoundaries checks the edge cases the reconstruction promises,
// so that a statistics implementation tested on this bundle meets them.
func TestCohortBoundaries(t *testing.T) {
	b := mustLoad(t)
	yearEnd := day("2011-12-31")
	var days []int
	crossing, twoStays, contact2010, notCounted := 0, 0, 0, 0
	for _, c := range b.identifiedIn(2011, day("2012-03-01")) {
		if c.contact.Year() == 2010 {
			contact2010++
		}
		n := 0
		for _, s := range c.stays {
			if s.kind == "crisis_shelter" {
				n++
				if !s.end.IsZero() && s.end.After(yearEnd) {
					crossing++
				}
				if !s.end.IsZero() && !s.end.After(yearEnd) {
					days = append(days, int(s.end.Sub(s.start).Hours()/24)+1)
				}
			}
		}
		if n >= 2 {
			twoStays++
		}
	}
	for _, d := range []int{30, 31, 99, 100} {
		if !slices.Contains(days, d) {
			t.Errorf("no closed shelter stay of exactly %d days", d)
		}
	}
	if crossing == 0 || twoStays == 0 || contact2010 == 0 {
		t.Errorf("stays crossing the year end %d, persons with two stays %d, first contacts in 2010 %d: want ≥ 1 each",
			crossing, twoStays, contact2010)
	}
	// Persons never counted: not identified or pending.
	for _, c := range b.cases {
		if c.outcome != "identified" {
			notCounted++
		}
	}
	if notCounted < 4 {
		t.Errorf("%d not identified or pending cases, want a handful", notCounted)
	}
}
