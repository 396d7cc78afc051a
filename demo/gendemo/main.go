// Command gendemo writes nrm's demo data bundle: a synthetic, case-level
// reconstruction of the victims of trafficking identified in Denmark whose
// statistics reproduce every number published in the status report for 2011
// (shared/seed, section "Statistiske opgørelser"), plus the years 2007–2012
// for the Figure 1 series.
//
//	go run ./demo/gendemo -out demo/bundle
//
// No row describes a real person. The 2011 cohort is written out by hand,
// one line per person, in the table cohort2011 below, grouped by how the
// person's crisis-shelter stay is counted (Figure 8); the comments carry the
// arithmetic. The other years are expanded from per-year profile tables
// (how many people of which nationality, residence status, contact form and
// form of exploitation) with a fixed-seed random generator for the filler
// details (dates, ages, stays, exits), so the output is the same on every
// run. mechanism.go adds the rest of each record — the owner's referral to
// the competent authority with consent, preliminary and final decisions,
// support referrals, reconsiderations — without moving a counted fact.
// Every case is checked against the domain rules (nrm.Case.Validate,
// ValidateReferral) before anything is written; demo/demo_test.go then
// recounts every published number from the written CSV files.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"nrm"
)

// Codes used in the tables, short so that one person fits on one line.
const (
	F = "female"
	M = "male"
	T = "transgender"

	IRR = "irregular"     // without legal stay: assessed by US
	ASY = "asylum_seeker" // assessed by US
	LEG = "legal"         // legal stay: assessed by CMM

	POL = "police"
	OUT = "outreach"
	HLT = "health_service"
	ASS = "asylum_system" // the Red Cross in the asylum system

	SEX = "sexual"
	FL  = "forced_labour"
	FC  = "forced_criminality"

	PREP   = "prepared_return"
	SOCIAL = "return_via_social_org"
	POLRET = "return_via_police"
	SELF   = "self_return"
	GONE   = "disappeared"

	// Shelter providers named in the seed ("RI's krisecenter, Røde Kors
	// Kvindecenter og krisecentre under LOKK").
	RI = "Reden International krisecenter"
	RK = "Røde Kors Kvindecenter"
	LK = "LOKK krisecenter"

	asylumCentre   = "Røde Kors asylcenter"
	childrenCentre = "Røde Kors børnecenter"
	privateHousing = "Privat indkvartering"

	unknownAge = -1
)

type stay struct {
	kind, provider string
	start, end     nrm.Date // end zero: ongoing
}

type exit struct {
	date nrm.Date
	kind string
}

// person is one row of cases.csv with its stays and exits.
type person struct {
	key        string // the person's label in the hand-written table (S1, L7, …)
	ref        string
	owner      string
	gender     string
	birthDate  nrm.Date
	birthYear  int
	age        int // intended age at the assessment, checked after building
	nat        string
	res        string
	contact    nrm.Date
	form       string
	contactOrg string
	assessed   nrm.Date
	authority  string
	outcome    string
	expl       []string
	sector     string
	setting    string
	country    string
	stays      []stay
	exits      []exit

	// The mechanism between organisations (mechanism.go).
	contacts    []contactRow
	assessments []assessment
	consents    []consent
	referrals   []referral
	recons      []reconsideration
}

type opt func(*person)

func day(s string) nrm.Date { return nrm.MustDate(s) }

// shelter is a closed crisis-shelter stay of n days, first and last day
// counted: end = start + n − 1.
func shelter(provider, start string, n int) opt {
	return func(p *person) {
		s := day(start)
		p.stays = append(p.stays, stay{"crisis_shelter", provider, s, s.AddDays(n - 1)})
	}
}

// shelterUntil is a crisis-shelter stay with an explicit end ("" = ongoing).
func shelterUntil(provider, start, end string) opt {
	return func(p *person) {
		p.stays = append(p.stays, stay{"crisis_shelter", provider, day(start), day(end)})
	}
}

// private is a stay in private housing ("" end = ongoing).
func private(start, end string) opt {
	return func(p *person) {
		p.stays = append(p.stays, stay{"private", privateHousing, day(start), day(end)})
	}
}

// asylum is an ongoing stay in an asylum centre of the Red Cross.
func asylum(provider, start string) opt {
	return func(p *person) {
		p.stays = append(p.stays, stay{"asylum_centre", provider, day(start), nrm.Date{}})
	}
}

func exitOn(date, kind string) opt {
	return func(p *person) { p.exits = append(p.exits, exit{day(date), kind}) }
}

func sector(s string) opt  { return func(p *person) { p.sector = s } }
func setting(s string) opt { return func(p *person) { p.setting = s } }
func country(c string) opt { return func(p *person) { p.country = c } }
func org(o string) opt     { return func(p *person) { p.contactOrg = o } }
func outcome(o string) opt { return func(p *person) { p.outcome = o } }

// v builds one person. expl is a ';'-separated set of forms; age is the
// age in completed years at the assessment date; bday "MM-DD" gives a full
// birth date, "" only a birth year (the age then counts from 1 July).
func v(key, nat, gender, res, form, contact, assessed, expl string, age int, bday string, opts ...opt) *person {
	p := &person{key: key, nat: nat, gender: gender, res: res, form: form,
		contact: day(contact), assessed: day(assessed), outcome: "identified", age: age, country: "DK"}
	if expl != "" {
		p.expl = strings.Split(expl, ";")
	}
	p.authority = string(nrm.AuthorityFor(nrm.ResidenceStatus(res)))
	// The first responder; the health service is Reden's clinic.
	p.contactOrg = map[string]string{POL: "RIGSPOLITIET", OUT: "REDEN", HLT: "REDEN", ASS: "RODE_KORS"}[form]
	if age != unknownAge {
		p.birthDate, p.birthYear = birthFor(age, p.assessed, bday)
	}
	for _, o := range opts {
		o(p)
	}
	if len(p.expl) == 0 {
		p.country = ""
	}
	// The case belongs to the organisation that met the person, which
	// referred it to the competent authority (mechanism.go).
	p.owner = p.contactOrg
	return p
}

// birthFor returns a birth date (bday "MM-DD") or only a birth year (bday
// "") that gives age completed years at the date at.
func birthFor(age int, at nrm.Date, bday string) (nrm.Date, int) {
	y := at.Year() - age
	if bday == "" {
		if at.Month() < time.July {
			y--
		}
		return nrm.Date{}, y
	}
	var m, d int
	if _, err := fmt.Sscanf(bday, "%d-%d", &m, &d); err != nil {
		panic(fmt.Sprintf("bad birthday %q", bday))
	}
	if time.Month(m) > at.Month() || (time.Month(m) == at.Month() && d > at.Day()) {
		y--
	}
	return nrm.NewDate(y, time.Month(m), d), y
}

// cohort2011 is the hand-written table of the 60 persons identified in 2011.
//
// Published (seed) → how the table meets it:
//
//   - 60 identified, 51 by US and 9 by CMM. The authority follows from the
//     residence status: the 9 with legal stay (LEG) are the 8 Europeans (EU
//     citizens: Romania 5, Bulgaria 2, Lithuania 1) and one Thai woman with
//     a residence permit (N2); everyone else is irregular or an asylum
//     seeker and assessed by US.
//   - 16 nationalities, 8 of them African: Nigeria 18, Uganda 8, Ghana 2,
//     Kenya 2, Cameroon 1, Sierra Leone 1, Eritrea 1, Somalia 1 (Africa 34 =
//     57 %); Thailand 11 (Asia 18 %); Romania 5, Bulgaria 2, Lithuania 1
//     (Europe 13 %); Brazil 4, Dominican Republic 1, Colombia 1 (Latin
//     America 10 %); Iraq 1 (the first person from the Middle East).
//   - Contact form: police 45 (3/4), outreach 11 ("most of the rest"),
//     health service 2, asylum system (Red Cross) 2.
//   - Exploitation: 56 sexual (54 women, 2 transgender women, S9 and N12);
//     forced labour 3 women (S5 domestic work, N4 domestic work – a minor –,
//     N11 cleaning of offices and schools); forced criminality 2 women (S4,
//     who is also in the 56, and N10): 61 forms for 60 persons.
//   - Ages at the assessment: Latin America 26–51, mean 37.6 = 188/5 (the
//     Colombian woman N9, returned by the police within days, has no age
//     recorded – 37.6 cannot be a mean of six whole ages); Asia 25–59, 367/11
//     = 33.4; Africa 16–58, 1020/34 = 30.0; Europe 19–40, 206/8 = 25.8;
//     Middle East 34. Overall 16–59, mean 30.8, 40 of 59 aged 20–35.
//   - Minors: L7 (Nigeria, 17, prostitution, police) and N4 (Kenya, 16,
//     domestic work, met by the Red Cross in the asylum system).
//   - Crisis shelter: 47 persons (groups S, L, M, H), 15 still there at 31
//     December (group S), ≤30 days 25, 31–99 days 12, ≥100 days 10.
//   - Private housing: 5 persons (L14, M5, N1, N2, N3); 3 still housed at
//     year end (L14, N1 open; N2 until 2012-02-28), M5 disappeared, N3
//     returned on her own.
//   - Returns in 2011: prepared (IOM) 11 of this cohort + 1 identified in
//     2010 = 12; of this cohort 13 up to the cut-off, two of them in 2012
//     (S3, S6). Via CMM/social organisation 3 (L7, L8, M4), via the police 4
//     (L13, N7, N8, N9), on their own 3 (L9, H3, N3).
//
// Columns: key, nationality, gender, residence, contact form, first
// contact, identifying assessment, exploitation, age at assessment, birthday
// ("MM-DD", or "" for birth year only), then stays, exits and overrides.
func cohort2011() []*person {
	return []*person{
		// S: still in a crisis shelter on 31 December 2011 (15).
		// S1–S6: ≥100 days counted to 31 December.
		v("S1", "NG", F, IRR, POL, "2011-03-02", "2011-03-09", SEX, 24, "04-11",
			shelterUntil(RI, "2011-03-02", "2012-04-13"), // 305 days to 31/12; leaves after the cut-off
			exitOn("2012-04-17", PREP)),                  // after the cut-off: counted nowhere in 2011
		v("S2", "UG", F, ASY, POL, "2011-04-12", "2011-04-20", SEX, 29, "",
			shelterUntil(RK, "2011-04-13", "")), // 263 days
		v("S3", "TH", F, IRR, POL, "2011-05-18", "2011-05-25", SEX, 31, "09-02",
			shelterUntil(RI, "2011-05-18", "2012-01-20"), // crosses the year end: 228 days in the count
			exitOn("2012-01-23", PREP)),                  // prepared return no. 12 of the cohort, in 2012
		v("S4", "NG", F, IRR, POL, "2011-06-07", "2011-06-14", SEX+";"+FC, 26, "",
			shelterUntil(LK, "2011-06-08", "")), // 207 days; the one person with two forms
		v("S5", "CM", F, IRR, POL, "2011-07-04", "2011-07-11", FL, 43, "12-24", sector("domestic_work"),
			shelterUntil(RK, "2011-07-04", "")), // 181 days
		v("S6", "UG", F, IRR, POL, "2011-09-20", "2011-09-28", SEX, 35, "",
			shelterUntil(RI, "2011-09-23", "2012-02-10"), // 23/9 → 31/12 = exactly 100 days
			exitOn("2012-02-14", PREP)),                  // prepared return no. 13 of the cohort, in 2012
		// S7–S12: 31–99 days.
		v("S7", "TH", F, IRR, POL, "2011-10-04", "2011-10-11", SEX, 27, "06-30",
			shelterUntil(RI, "2011-10-04", "")), // 89 days
		v("S8", "NG", F, IRR, HLT, "2011-10-19", "2011-10-26", SEX, 22, "",
			shelterUntil(RI, "2011-10-19", "")), // 74 days
		v("S9", "BR", T, IRR, POL, "2011-11-02", "2011-11-09", SEX, 26, "03-15",
			shelterUntil(LK, "2011-11-02", "")), // 60 days
		v("S10", "GH", F, IRR, POL, "2011-11-15", "2011-11-22", SEX, 38, "",
			shelterUntil(LK, "2011-11-15", "")), // 47 days
		v("S11", "NG", F, IRR, OUT, "2011-11-08", "2011-11-28", SEX, 19, "01-05",
			shelterUntil(RI, "2011-11-21", "")), // 41 days
		v("S12", "UG", F, ASY, POL, "2011-12-01", "2011-12-07", SEX, 32, "",
			shelterUntil(RK, "2011-12-01", "")), // 1/12 → 31/12 = exactly 31 days
		// S13–S15: ≤30 days.
		v("S13", "NG", F, IRR, POL, "2011-12-06", "2011-12-13", SEX, 20, "07-19",
			shelterUntil(RI, "2011-12-06", "")), // 26 days
		v("S14", "TH", F, IRR, POL, "2011-12-12", "2011-12-19", SEX, 25, "",
			shelterUntil(RI, "2011-12-12", "2012-01-31")), // 20 days in 2011, leaves in 2012 without an exit
		v("S15", "RO", F, LEG, OUT, "2011-11-28", "2011-12-16", SEX, 19, "10-08",
			shelterUntil(LK, "2011-12-16", "")), // 16 days

		// L: left the shelter in 2011 after ≤30 days (22).
		v("L1", "NG", F, IRR, POL, "2010-12-14", "2011-01-07", SEX, 23, "",
			shelter(RI, "2010-12-14", 30), // exactly 30 days, 14/12/2010 → 12/1/2011; first contact in 2010
			exitOn("2011-01-18", PREP)),
		v("L2", "NG", F, IRR, POL, "2011-01-19", "2011-01-25", SEX, 21, "05-30",
			shelter(RI, "2011-01-19", 23), exitOn("2011-02-11", PREP)),
		v("L3", "TH", F, IRR, POL, "2011-02-01", "2011-02-08", SEX, 29, "",
			shelter(RI, "2011-02-01", 20), exitOn("2011-02-22", PREP)),
		v("L4", "UG", F, IRR, POL, "2011-02-15", "2011-02-22", SEX, 25, "11-12",
			shelter(RK, "2011-02-16", 21), exitOn("2011-03-10", PREP)),
		v("L5", "NG", F, IRR, POL, "2011-03-02", "2011-03-09", SEX, 25, "",
			shelter(RI, "2011-03-02", 24), exitOn("2011-03-28", PREP)),
		v("L6", "GH", F, IRR, POL, "2011-04-05", "2011-04-12", SEX, 39, "02-27",
			shelter(LK, "2011-04-06", 23), exitOn("2011-05-03", PREP)),
		v("L7", "NG", F, IRR, POL, "2011-05-10", "2011-05-17", SEX, 17, "08-21", // minor, police
			shelter(RI, "2011-05-10", 28), exitOn("2011-06-07", SOCIAL)),
		v("L8", "BR", F, IRR, POL, "2011-06-14", "2011-06-20", SEX, 38, "",
			shelter(RI, "2011-06-14", 17), exitOn("2011-07-01", SOCIAL)),
		v("L9", "TH", F, IRR, OUT, "2011-03-21", "2011-04-04", SEX, 33, "07-07", org("PRO_VEST"),
			shelter(LK, "2011-03-22", 20), exitOn("2011-04-15", SELF)),
		v("L10", "NG", F, IRR, POL, "2011-01-26", "2011-02-02", SEX, 22, "09-14",
			shelter(RI, "2011-01-26", 10), exitOn("2011-02-04", GONE)),
		v("L11", "UG", F, IRR, POL, "2011-05-24", "2011-05-31", SEX, 26, "",
			shelter(RK, "2011-05-24", 14), exitOn("2011-06-06", GONE)),
		v("L12", "NG", F, IRR, POL, "2011-08-09", "2011-08-16", SEX, 28, "",
			shelter(RI, "2011-08-09", 21), exitOn("2011-08-29", GONE)),
		v("L13", "SL", F, IRR, POL, "2011-07-12", "2011-07-19", SEX, 34, "03-03",
			shelter(RK, "2011-07-12", 10), exitOn("2011-07-22", POLRET)),
		v("L14", "NG", F, IRR, POL, "2011-02-22", "2011-03-01", SEX, 27, "10-30",
			shelter(RI, "2011-02-22", 21), private("2011-03-15", "")), // private housing, still at year end
		v("L15", "TH", F, IRR, POL, "2011-06-21", "2011-06-28", SEX, 28, "",
			shelter(RI, "2011-06-21", 15)), // left the offer, no exit recorded
		v("L16", "NG", F, ASY, POL, "2011-07-26", "2011-08-02", SEX, 30, "",
			shelter(RK, "2011-07-26", 18), asylum(asylumCentre, "2011-08-13")),
		v("L17", "RO", F, LEG, OUT, "2011-04-26", "2011-05-23", SEX, 22, "06-06",
			shelter(LK, "2011-05-03", 18)),
		v("L18", "BG", F, LEG, OUT, "2011-08-22", "2011-09-19", SEX, 28, "", org("PRO_VEST"),
			shelter(LK, "2011-08-23", 18)),
		v("L19", "TH", F, IRR, HLT, "2011-09-06", "2011-09-20", SEX, 35, "12-01",
			shelter(RI, "2011-09-07", 19)),
		v("L20", "UG", F, IRR, POL, "2011-10-11", "2011-10-18", SEX, 28, "04-04",
			shelter(RK, "2011-10-11", 20)),
		v("L21", "RO", F, LEG, OUT, "2011-09-27", "2011-10-20", SEX, 21, "",
			shelter(LK, "2011-09-27", 10)),
		v("L22", "DO", F, IRR, POL, "2011-08-30", "2011-09-06", SEX, 38, "05-17",
			shelter(RI, "2011-08-30", 14)),

		// M: left the shelter in 2011 after 31–99 days (6).
		v("M1", "NG", F, IRR, POL, "2011-01-11", "2011-01-18", SEX, 29, "",
			shelter(RI, "2011-01-11", 31), exitOn("2011-02-15", PREP)), // exactly 31 days
		v("M2", "TH", F, IRR, POL, "2011-03-29", "2011-04-05", SEX, 38, "08-08",
			shelter(RI, "2011-03-29", 99), exitOn("2011-07-07", PREP)), // exactly 99 days
		v("M3", "UG", F, IRR, POL, "2011-06-28", "2011-07-05", SEX, 36, "",
			shelter(RK, "2011-06-28", 49), exitOn("2011-08-18", PREP)),
		v("M4", "BR", F, IRR, POL, "2011-04-19", "2011-04-26", SEX, 51, "01-22",
			shelter(RI, "2011-04-19", 25), shelter(LK, "2011-06-01", 20), // two stays: 25 + 20 = 45 days
			exitOn("2011-06-21", SOCIAL)),
		v("M5", "KE", F, IRR, POL, "2011-08-02", "2011-08-09", SEX, 41, "",
			shelter(RK, "2011-08-02", 60), private("2011-10-01", "2011-11-14"), // private housing …
			exitOn("2011-11-14", GONE)), // … then disappeared
		v("M6", "BG", F, LEG, OUT, "2011-05-02", "2011-05-30", SEX, 32, "02-14", org("PRO_VEST"),
			shelter(LK, "2011-05-30", 46)),

		// H: left the shelter in 2011 after ≥100 days (4).
		v("H1", "NG", F, IRR, POL, "2010-12-28", "2011-01-04", SEX, 31, "06-12",
			shelter(RI, "2010-12-28", 100), exitOn("2011-04-08", PREP)), // exactly 100 days; first contact in 2010
		v("H2", "TH", F, IRR, POL, "2011-02-08", "2011-02-15", SEX, 59, "",
			shelter(RI, "2011-02-08", 193), exitOn("2011-08-23", PREP)),
		v("H3", "UG", F, IRR, POL, "2011-03-15", "2011-03-22", SEX, 37, "09-29",
			shelter(RK, "2011-03-15", 172), exitOn("2011-09-05", SELF)),
		v("H4", "NG", F, ASY, POL, "2011-04-26", "2011-05-03", SEX, 36, "", country("ES"),
			shelter(RK, "2011-04-26", 189), asylum(asylumCentre, "2011-11-01")),

		// N: no crisis-shelter stay (13).
		v("N1", "NG", F, IRR, OUT, "2011-06-01", "2011-06-22", SEX, 33, "11-03", org("PRO_VEST"),
			private("2011-06-23", "")), // still housed at year end
		v("N2", "TH", F, LEG, OUT, "2011-07-05", "2011-08-15", SEX, 32, "",
			private("2011-08-16", "2012-02-28")), // still housed at year end (ends after it)
		v("N3", "RO", F, LEG, OUT, "2011-02-14", "2011-03-14", SEX, 24, "03-25",
			private("2011-03-15", "2011-05-30"), exitOn("2011-06-01", SELF)), // private, returned on her own
		v("N4", "KE", F, ASY, ASS, "2011-08-16", "2011-09-13", FL, 16, "02-09", sector("domestic_work"),
			asylum(childrenCentre, "2011-08-16")), // minor
		v("N5", "IQ", F, ASY, ASS, "2011-09-26", "2011-10-24", SEX, 34, "",
			asylum(asylumCentre, "2011-09-26")), // the one person from the Middle East
		v("N6", "ER", F, ASY, POL, "2011-07-19", "2011-07-26", SEX, 46, "", country("IT"),
			asylum(asylumCentre, "2011-07-20")),
		v("N7", "NG", F, IRR, POL, "2011-03-08", "2011-03-11", SEX, 24, "12-18",
			exitOn("2011-03-15", POLRET)),
		v("N8", "TH", F, IRR, POL, "2011-10-25", "2011-10-28", SEX, 30, "",
			exitOn("2011-11-02", POLRET)),
		v("N9", "CO", F, IRR, POL, "2011-11-22", "2011-11-25", SEX, unknownAge, "",
			exitOn("2011-11-30", POLRET)), // age never recorded
		v("N10", "RO", F, LEG, POL, "2011-05-16", "2011-06-10", FC, 20, "07-01"),
		v("N11", "LT", F, LEG, POL, "2011-10-03", "2011-11-07", FL, 40, "", sector("cleaning"), setting("offices_schools")),
		v("N12", "BR", T, IRR, OUT, "2011-09-12", "2011-10-03", SEX, 35, "10-10"), // declined a shelter place
		v("N13", "SO", F, ASY, POL, "2011-11-22", "2011-11-29", SEX, 58, "",
			asylum(asylumCentre, "2011-11-22")),
	}
}

// others2011 are assessed around 2011 but never counted: not identified or
// still pending at the cut-off. X1 and X2 have an exit and X2 a shelter stay
// in 2011, to show that only identified persons count.
func others2011() []*person {
	return []*person{
		v("X1", "UA", F, IRR, POL, "2011-03-08", "2011-03-11", "", 27, "", outcome("not_identified"),
			exitOn("2011-03-15", POLRET)),
		v("X2", "NG", F, IRR, POL, "2011-06-07", "2011-06-14", "", 23, "05-05", outcome("not_identified"),
			shelter(RI, "2011-06-07", 8), exitOn("2011-06-20", GONE)),
		v("X3", "TH", F, LEG, OUT, "2011-04-11", "2011-05-16", "", 36, "", outcome("not_identified")),
		v("X4", "PL", M, LEG, POL, "2011-09-05", "2011-10-10", "", 44, "08-30", outcome("not_identified")),
		v("X5", "NG", F, ASY, ASS, "2011-12-20", "2012-02-20", "", 22, "", outcome("pending")),
		v("X6", "RO", F, LEG, OUT, "2012-01-16", "2012-02-27", "", 25, "11-20", outcome("pending")),
	}
}

// special2010 is the one person identified in 2010 whose prepared return
// fell in 2011 (the seed: "1 person, som er blevet vurderet handlet i
// 2010").
func special2010() *person {
	return v("Y2010", "NG", F, IRR, POL, "2010-10-26", "2010-11-02", SEX, 27, "",
		shelter(RI, "2010-10-26", 91), exitOn("2011-01-26", PREP))
}

// special2012 was met in December 2011 and sheltered from then, but
// identified only in January 2012: not part of the 2011 cohort, so the
// shelter stay does not count for 2011 either.
func special2012() *person {
	return v("Y2012", "NG", F, IRR, POL, "2011-12-19", "2012-01-10", SEX, 24, "03-03",
		shelterUntil(RI, "2011-12-19", "2012-03-16"), exitOn("2012-03-20", PREP))
}

// profile is a line of a year's table: n persons alike in these respects.
type profile struct {
	n                            int
	nat, gender, res, form, expl string
	sector                       string
}

type yearSpec struct {
	year    int
	us, cmm int // identified by authority, checked against the profiles
	note    string
	rows    []profile
	extra   func() *person
}

// years is the Figure 1 series outside 2011. 2007 (17), 2008 (28) and
// 2012 (66) are published totals; 2009 (24) and 2010 (54) are assumptions,
// as is every US/CMM split here. The seed says one man was identified in
// 2009 and two in 2010; the 2012 men are an assumption.
var years = []yearSpec{
	{2007, 12, 5, "published total", []profile{
		{5, "NG", F, IRR, POL, SEX, ""},
		{3, "TH", F, IRR, POL, SEX, ""},
		{1, "TH", F, LEG, OUT, SEX, ""},
		{2, "RU", F, IRR, POL, SEX, ""},
		{2, "LT", F, LEG, OUT, SEX, ""},
		{1, "EE", F, LEG, OUT, SEX, ""},
		{1, "UA", F, IRR, POL, SEX, ""},
		{1, "BR", F, IRR, POL, SEX, ""},
		{1, "CZ", F, LEG, HLT, SEX, ""},
	}, nil},
	{2008, 20, 8, "published total", []profile{
		{10, "NG", F, IRR, POL, SEX, ""},
		{4, "TH", F, IRR, POL, SEX, ""},
		{2, "TH", F, LEG, OUT, SEX, ""},
		{2, "RO", F, LEG, OUT, SEX, ""},
		{2, "BG", F, LEG, OUT, SEX, ""},
		{1, "CZ", F, LEG, OUT, SEX, ""},
		{1, "LT", F, LEG, HLT, SEX, ""},
		{2, "UA", F, IRR, POL, SEX, ""},
		{2, "BR", F, IRR, POL, SEX, ""},
		{1, "CM", F, IRR, POL, SEX, ""},
		{1, "KE", F, ASY, ASS, SEX, ""},
	}, nil},
	{2009, 19, 5, "assumed total", []profile{
		{9, "NG", F, IRR, POL, SEX, ""},
		{3, "TH", F, IRR, POL, SEX, ""},
		{1, "TH", F, LEG, OUT, SEX, ""},
		{2, "RO", F, LEG, OUT, SEX, ""},
		{1, "BG", F, LEG, OUT, SEX, ""},
		{1, "RO", M, LEG, POL, FL, "agriculture"}, // the one man of 2009
		{2, "UG", F, IRR, POL, SEX, ""},
		{2, "BR", F, IRR, POL, SEX, ""},
		{1, "GH", F, IRR, POL, SEX, ""},
		{1, "SO", F, ASY, ASS, SEX, ""},
		{1, "CM", F, IRR, OUT, SEX, ""},
	}, nil},
	{2010, 47, 7, "assumed total", []profile{
		{20, "NG", F, IRR, POL, SEX, ""}, // + special2010, also Nigerian
		{3, "NG", F, IRR, OUT, SEX, ""},
		{6, "TH", F, IRR, POL, SEX, ""},
		{2, "TH", F, LEG, OUT, SEX, ""},
		{6, "UG", F, IRR, POL, SEX, ""},
		{2, "UG", F, ASY, ASS, SEX, ""},
		{2, "RO", F, LEG, OUT, SEX, ""},
		{2, "BG", F, LEG, OUT, SEX, ""},
		{2, "BR", F, IRR, POL, SEX, ""},
		{1, "DO", F, IRR, POL, SEX, ""},
		{2, "GH", F, IRR, POL, SEX, ""},
		{1, "KE", F, IRR, POL, SEX, ""},
		{1, "SL", F, IRR, POL, SEX, ""},
		{1, "CM", F, ASY, ASS, SEX, ""},
		{1, "UA", M, IRR, POL, FL, "agriculture"}, // the two men of 2010
		{1, "RO", M, LEG, POL, FC, ""},
	}, special2010},
	{2012, 52, 14, "published total", []profile{
		{23, "NG", F, IRR, POL, SEX, ""}, // + special2012, also Nigerian
		{3, "NG", F, IRR, OUT, SEX, ""},
		{8, "TH", F, IRR, POL, SEX, ""},
		{3, "TH", F, LEG, OUT, SEX, ""},
		{6, "UG", F, IRR, POL, SEX, ""},
		{1, "UG", F, ASY, ASS, SEX, ""},
		{4, "RO", F, LEG, OUT, SEX, ""},
		{1, "BG", F, LEG, OUT, SEX, ""},
		{2, "HU", F, LEG, OUT, SEX, ""},
		{3, "BR", F, IRR, POL, SEX, ""},
		{1, "BR", T, IRR, OUT, SEX, ""},
		{2, "GH", F, IRR, POL, SEX, ""},
		{1, "KE", F, ASY, ASS, SEX, ""},
		{1, "CM", F, IRR, POL, SEX, ""},
		{1, "ER", F, ASY, ASS, SEX, ""},
		{1, "VN", F, IRR, POL, FC, ""},
		{2, "RO", M, LEG, POL, FL, "agriculture"},
		{2, "PH", F, LEG, HLT, FL, "domestic_work"},
	}, special2012},
}

// expandYear turns a year's profiles into persons with filler details from
// rng. Assessments are spread evenly over the year; exits of cases from
// before 2011 are kept only if dated before 2011, so that the 2011 period
// view of returns holds exactly the one return of special2010.
func expandYear(spec yearSpec, rng *rand.Rand) []*person {
	var flat []profile
	for _, pr := range spec.rows {
		for range pr.n {
			flat = append(flat, pr)
		}
	}
	// Interleave the profiles so that nationalities are spread over the year.
	rng.Shuffle(len(flat), func(i, j int) { flat[i], flat[j] = flat[j], flat[i] })
	jan1 := nrm.NewDate(spec.year, time.January, 1)
	var out []*person
	for i, pr := range flat {
		assessed := jan1.AddDays(i*360/len(flat) + rng.IntN(5))
		lag := map[string][2]int{POL: {2, 10}, OUT: {10, 45}, HLT: {7, 30}, ASS: {14, 60}}[pr.form]
		contact := assessed.AddDays(-(lag[0] + rng.IntN(lag[1]-lag[0]+1)))
		age := 19 + rng.IntN(20)
		if rng.IntN(6) == 0 {
			age += 8 + rng.IntN(10)
		}
		bday := ""
		if rng.IntN(2) == 0 {
			bday = fmt.Sprintf("%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		}
		var opts []opt
		if pr.sector != "" {
			opts = append(opts, sector(pr.sector))
		}
		if pr.form == OUT && rng.IntN(3) == 0 {
			opts = append(opts, org("PRO_VEST"))
		}
		p := v(fmt.Sprintf("G%d-%d", spec.year, i+1), pr.nat, pr.gender, pr.res, pr.form,
			contact.String(), assessed.String(), pr.expl, age, bday, opts...)
		last := assessed
		switch {
		case pr.res == ASY:
			end := nrm.Date{}
			if spec.year < 2011 {
				end = contact.AddDays(120 + rng.IntN(200))
			}
			p.stays = append(p.stays, stay{"asylum_centre", asylumCentre, contact, end})
			if end.After(last) {
				last = end
			}
		case rng.IntN(10) < 7:
			start := contact.AddDays(rng.IntN(3))
			n := 5 + rng.IntN(26)
			switch r := rng.IntN(20); {
			case r < 5:
				n = 31 + rng.IntN(69)
			case r < 8:
				n = 100 + rng.IntN(100)
			}
			provider := []string{RI, RI, RK, LK}[rng.IntN(4)]
			end := start.AddDays(n - 1)
			p.stays = append(p.stays, stay{"crisis_shelter", provider, start, end})
			if end.After(last) {
				last = end
			}
		}
		if rng.IntN(20) < 11 {
			kind := []string{PREP, PREP, PREP, PREP, GONE, GONE, GONE, SELF, SELF, SOCIAL, POLRET}[rng.IntN(11)]
			d := last.AddDays(1 + rng.IntN(10))
			if spec.year >= 2011 || d.Year() < 2011 {
				p.exits = append(p.exits, exit{d, kind})
				for i := range p.stays { // leaving ends an ongoing stay
					if p.stays[i].end.IsZero() {
						p.stays[i].end = d
					}
				}
			}
		}
		p.owner = p.contactOrg
		out = append(out, p)
	}
	if spec.extra != nil {
		out = append(out, spec.extra())
	}
	return out
}

type prosecution struct {
	year                                int
	cutoff                              string
	charges, decisions, uncond, partial int
}

// prosecutions: 2011 is Rigspolitiet's table in the seed (21 charges, 15
// decisions, 6 convictions and 3 partly suspended sentences, counted on
// 1 March 2012). 2010 and 2012 are illustrative assumptions.
var prosecutions = []prosecution{
	{2010, "2011-03-01", 17, 12, 5, 2},
	{2011, "2012-03-01", 21, 15, 6, 3},
	{2012, "2013-03-01", 24, 16, 7, 3},
}

func main() {
	out := flag.String("out", "demo/bundle", "folder to write the CSV files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	rng := rand.New(rand.NewPCG(2011, 20120301))
	byYear := map[int][]*person{}
	for _, spec := range years {
		byYear[spec.year] = expandYear(spec, rng)
	}
	byYear[2011] = cohort2011()
	var all []*person
	for _, y := range []int{2007, 2008, 2009, 2010, 2011, 2012} {
		ps := byYear[y]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].assessed.Before(ps[j].assessed) })
		for i, p := range ps {
			p.ref = fmt.Sprintf("DK-%d-%04d", y, i+1)
		}
		all = append(all, ps...)
	}
	// Not identified / pending: numbered after the identified of the year
	// of their assessment.
	next := map[int]int{}
	for y, ps := range byYear {
		next[y] = len(ps) + 1
	}
	for _, p := range others2011() {
		y := p.assessed.Year()
		p.ref = fmt.Sprintf("DK-%d-%04d", y, next[y])
		next[y]++
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ref < all[j].ref })
	if err := buildMechanism(all); err != nil {
		return err
	}
	if err := check(all); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeAll(dir, all)
}

// check validates every case with the domain rules and the bundle's own
// ordering rules, and the per-year totals against the tables.
func check(all []*person) error {
	orgs, err := knownOrgs()
	if err != nil {
		return err
	}
	var errs []string
	count := map[int][2]int{}
	for _, p := range all {
		c := p.domainCase()
		if err := c.Validate(nrm.Date{}); err != nil {
			errs = append(errs, fmt.Sprintf("%s (%s): %v", p.ref, p.key, err))
		}
		if p.age != unknownAge {
			if got, ok := c.AgeAt(p.assessed); !ok || got != p.age {
				errs = append(errs, fmt.Sprintf("%s (%s): age %d, want %d", p.ref, p.key, got, p.age))
			}
		}
		if p.assessed.Before(p.contact) {
			errs = append(errs, p.ref+": assessed before the first contact")
		}
		errs = append(errs, checkMechanism(p, c, orgs)...)
		for _, s := range p.stays {
			if s.start.Before(p.contact) {
				errs = append(errs, p.ref+": stay before the first contact")
			}
			for _, e := range p.exits {
				if !s.end.IsZero() && e.date.Before(s.end) || s.end.IsZero() && e.date.After(s.start) {
					errs = append(errs, p.ref+": exit during a stay")
				}
			}
		}
		for _, e := range p.exits {
			if e.date.Before(p.assessed) {
				errs = append(errs, p.ref+": exit before the assessment")
			}
		}
		if p.outcome == "identified" {
			n := count[p.assessed.Year()]
			if p.authority == "US" {
				n[0]++
			} else {
				n[1]++
			}
			count[p.assessed.Year()] = n
		}
	}
	want := map[int][2]int{2011: {51, 9}}
	for _, s := range years {
		want[s.year] = [2]int{s.us, s.cmm}
	}
	for y, w := range want {
		if count[y] != w {
			errs = append(errs, fmt.Sprintf("%d: identified US/CMM %v, want %v", y, count[y], w))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid demo data:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// domainCase maps the person to nrm.Case so that the domain's rules run:
// every contact and assessment, the consents, referrals and
// reconsiderations, with ids standing for their numbers in the bundle.
func (p *person) domainCase() *nrm.Case {
	c := &nrm.Case{Ref: p.ref, OwnerOrg: p.owner, Gender: nrm.Gender(p.gender), BirthYear: p.birthYear,
		Nationality: p.nat, ResidenceStatus: nrm.ResidenceStatus(p.res)}
	c.Identifiers.BirthDate = p.birthDate
	c.Contacts = []nrm.Contact{{Date: p.contact, Form: nrm.ContactForm(p.form), Org: p.contactOrg}}
	if len(p.contacts) > 0 {
		c.Contacts = nil
		for _, ct := range p.contacts {
			c.Contacts = append(c.Contacts, nrm.Contact{Date: ct.date, Form: nrm.ContactForm(ct.form), Org: ct.org})
		}
	}
	as := p.assessments
	if len(as) == 0 {
		as = []assessment{{no: 1, date: p.assessed, authority: p.authority, outcome: p.outcome,
			expl: p.expl, sector: p.sector, setting: p.setting, country: p.country}}
	}
	for _, x := range as {
		a := nrm.Assessment{ID: int64(x.no), Date: x.date, Authority: nrm.Authority(x.authority),
			Outcome: nrm.Outcome(x.outcome), LabourSector: nrm.LabourSector(x.sector), LabourSetting: nrm.LabourSetting(x.setting), ExploitationCountry: x.country,
			Stage: nrm.AssessmentStage(x.stage), Reasons: x.reasons, NotifiedOn: x.notified, DecidedBy: x.decidedBy}
		for _, f := range x.expl {
			a.Exploitation = append(a.Exploitation, nrm.ExploitationForm(f))
		}
		c.Assessments = append(c.Assessments, a)
	}
	for _, s := range p.stays {
		c.Accommodations = append(c.Accommodations, nrm.Accommodation{Kind: nrm.AccommodationKind(s.kind),
			Provider: s.provider, Start: s.start, End: s.end})
	}
	for _, e := range p.exits {
		c.Exits = append(c.Exits, nrm.Exit{Date: e.date, Kind: nrm.ExitKind(e.kind)})
	}
	for i, k := range p.consents {
		nk := nrm.Consent{ID: int64(i + 1), GivenOn: k.givenOn, GivenBy: k.givenBy, RecordedBy: k.recordedBy}
		for _, s := range k.scopes {
			nk.Scopes = append(nk.Scopes, nrm.ConsentScope(s))
		}
		c.Consents = append(c.Consents, nk)
	}
	for _, r := range p.referrals {
		c.Referrals = append(c.Referrals, r.domain())
	}
	for _, r := range p.recons {
		c.Reconsiderations = append(c.Reconsiderations, nrm.Reconsideration{AssessmentID: int64(r.assessmentNo),
			RequestedOn: r.requested, Grounds: r.grounds, Deadline: r.deadline,
			Outcome: nrm.ReconsiderationOutcome(r.outcome), DecidedOn: r.decided, NewAssessmentID: int64(r.newNo)})
	}
	return c
}

// domain maps a referral to nrm.Referral (ConsentID = the consent's number).
func (r referral) domain() nrm.Referral {
	nr := nrm.Referral{Purpose: nrm.ReferralPurpose(r.purpose), FromOrg: r.from, FromUser: r.fromUser, ToOrg: r.to,
		Date: r.date, Reason: r.reason, RouteReason: r.routeReason, ConsentID: int64(r.consentNo),
		MunicipalityInformedOn: r.muniOn, Municipality: r.muni, Status: nrm.ReferralStatus(r.status),
		StatusOn: r.statusOn, StatusBy: r.statusBy, ReturnReason: r.returnReason}
	for _, i := range r.indicators {
		nr.Indicators = append(nr.Indicators, nrm.Indicator(i))
	}
	return nr
}

func writeAll(dir string, all []*person) error {
	cases := [][]string{{"case_ref", "owner_org", "gender", "birth_date", "birth_year", "nationality",
		"residence_status", "first_contact_date", "contact_form", "contact_org", "assessment_date",
		"assessment_authority", "assessment_outcome", "exploitation", "labour_sector", "exploitation_country", "labour_setting"}}
	accs := [][]string{{"case_ref", "kind", "provider", "start_date", "end_date"}}
	exits := [][]string{{"case_ref", "date", "kind"}}
	for _, p := range all {
		by := ""
		if p.birthYear != 0 {
			by = strconv.Itoa(p.birthYear)
		}
		cases = append(cases, []string{p.ref, p.owner, p.gender, p.birthDate.String(), by, p.nat, p.res,
			p.contact.String(), p.form, p.contactOrg, p.assessed.String(), p.authority, p.outcome,
			strings.Join(p.expl, ";"), p.sector, p.country, p.setting})
		stays := append([]stay(nil), p.stays...)
		sort.SliceStable(stays, func(i, j int) bool { return stays[i].start.Before(stays[j].start) })
		for _, s := range stays {
			accs = append(accs, []string{p.ref, s.kind, s.provider, s.start.String(), s.end.String()})
		}
		for _, e := range p.exits {
			exits = append(exits, []string{p.ref, e.date.String(), e.kind})
		}
	}
	pros := [][]string{{"year", "cutoff_date", "charges", "decisions", "convictions_unconditional",
		"convictions_partly_suspended"}}
	for _, r := range prosecutions {
		pros = append(pros, []string{strconv.Itoa(r.year), r.cutoff, strconv.Itoa(r.charges),
			strconv.Itoa(r.decisions), strconv.Itoa(r.uncond), strconv.Itoa(r.partial)})
	}
	files := map[string][][]string{"cases.csv": cases, "accommodations.csv": accs,
		"exits.csv": exits, "prosecutions.csv": pros}
	for name, rows := range mechanismFiles(all) {
		files[name] = rows
	}
	for name, rows := range files {
		if err := writeCSV(filepath.Join(dir, name), rows); err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
