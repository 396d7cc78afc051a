// Package gen writes synthetic nrm data bundles of any size (design.md §9:
// "a synthetic generator makes realistic data at any size"). The output is
// deterministic for a seed (math/rand/v2 PCG) and its distributions follow
// the Danish status report: about 30 % Nigerian and 18 % Thai nationals,
// three in four met in a police action, mostly women, ages 16–60 centred
// near 30, nine in ten sexually exploited, one in ten not identified or
// pending, US/CMM consistent with the residence status, three in four with
// crisis-shelter stays, some in private housing, and exits after
// identification. Rows are streamed: memory does not grow with the size.
// No row describes a real person.
package gen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"nrm"
)

// Options configures a bundle.
type Options struct {
	// Cases is the number of cases (rows of cases.csv).
	Cases int
	// FromYear and ToYear bound the first contacts, both included.
	FromYear, ToYear int
	// Seed selects the pseudo-random stream; equal options give equal
	// bundles byte for byte.
	Seed uint64
	// Today bounds every date from above so that the bundle imports (no
	// fact may lie in the future); zero means the current date. It only
	// matters when ToYear is the current year.
	Today nrm.Date
}

// Summary counts the rows written.
type Summary struct {
	Cases          int `json:"cases"`
	Identified     int `json:"identified"`
	Accommodations int `json:"accommodations"`
	Exits          int `json:"exits"`
	Prosecutions   int `json:"prosecutions"`
}

// Validate checks the options.
func (o Options) Validate() error {
	today := o.today()
	switch {
	case o.Cases < 0:
		return fmt.Errorf("gen: --cases must be 0 or more, not %d", o.Cases)
	case o.FromYear < 1990 || o.ToYear < o.FromYear:
		return fmt.Errorf("gen: --years must be A-B with 1990 ≤ A ≤ B, not %d-%d", o.FromYear, o.ToYear)
	case o.ToYear > today.Year():
		return fmt.Errorf("gen: the last year %d is in the future", o.ToYear)
	}
	return nil
}

func (o Options) today() nrm.Date {
	if o.Today.IsZero() {
		return nrm.DateOf(time.Now())
	}
	return o.Today
}

// WriteDir creates dir if needed and writes cases.csv, accommodations.csv,
// exits.csv and prosecutions.csv into it.
func WriteDir(dir string, o Options) (Summary, error) {
	if err := o.Validate(); err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Summary{}, err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var ws []io.Writer
	for _, name := range []string{"cases.csv", "accommodations.csv", "exits.csv", "prosecutions.csv"} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return Summary{}, err
		}
		files = append(files, f)
		ws = append(ws, f)
	}
	s, err := Write(o, ws[0], ws[1], ws[2], ws[3])
	if err != nil {
		return s, err
	}
	for _, f := range files {
		if err := f.Close(); err != nil {
			return s, err
		}
	}
	files = nil
	return s, nil
}

// Write streams the four files of a bundle to the given writers.
func Write(o Options, cases, accs, exits, pros io.Writer) (Summary, error) {
	if err := o.Validate(); err != nil {
		return Summary{}, err
	}
	g := newGenerator(o)
	cw, aw, ew, pw := bufio.NewWriterSize(cases, 1<<16), bufio.NewWriterSize(accs, 1<<16), bufio.NewWriterSize(exits, 1<<16), bufio.NewWriterSize(pros, 1<<12)
	cw.WriteString("case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org,assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country\n")
	aw.WriteString("case_ref,kind,provider,start_date,end_date\n")
	ew.WriteString("case_ref,date,kind\n")
	pw.WriteString("year,cutoff_date,charges,decisions,convictions_unconditional,convictions_partly_suspended\n")
	var s Summary
	var buf []byte
	for i := 0; i < o.Cases; i++ {
		c := g.next(i)
		s.Cases++
		if c.outcome == "identified" {
			s.Identified++
		}
		buf = c.appendCase(buf[:0])
		if _, err := cw.Write(buf); err != nil {
			return s, err
		}
		for _, st := range c.stays {
			buf = c.appendStay(buf[:0], st)
			aw.Write(buf)
			s.Accommodations++
		}
		if c.exitKind != "" {
			buf = c.appendExit(buf[:0])
			ew.Write(buf)
			s.Exits++
		}
	}
	for y := o.FromYear; y <= o.ToYear; y++ {
		buf = g.appendProsecution(buf[:0], y)
		pw.Write(buf)
		s.Prosecutions++
	}
	for _, w := range []*bufio.Writer{cw, aw, ew, pw} {
		if err := w.Flush(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// weighted is a discrete distribution over codes.
type weighted struct {
	codes []string
	cum   []float64
}

func dist(pairs ...any) weighted {
	var w weighted
	total := 0.0
	for i := 0; i < len(pairs); i += 2 {
		total += toFloat(pairs[i+1])
		w.codes = append(w.codes, pairs[i].(string))
		w.cum = append(w.cum, total)
	}
	for i := range w.cum {
		w.cum[i] /= total
	}
	return w
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	panic("gen: weight must be a number")
}

func (w weighted) draw(r *rand.Rand) string {
	u := r.Float64()
	lo, hi := 0, len(w.cum)-1
	for lo < hi { // the first cumulative weight above u
		m := (lo + hi) / 2
		if w.cum[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return w.codes[lo]
}

var (
	// Nationalities: the seed's big five and a long tail of about forty
	// countries; "" is an unknown nationality.
	nationalities = dist("NG", 30.0, "TH", 18.0, "UG", 6.0, "RO", 6.0, "BR", 4.0,
		"CN", 2.4, "VN", 1.8, "PH", 1.6, "BG", 1.8, "UA", 1.5, "RU", 1.2, "LT", 1.2, "EE", 0.9, "LV", 0.9,
		"PL", 0.9, "HU", 1.0, "CZ", 0.6, "SK", 0.6, "AL", 0.7, "MD", 0.8, "GH", 1.3, "CM", 1.0, "SL", 0.7,
		"KE", 0.9, "ET", 0.6, "SO", 0.5, "ER", 0.5, "MA", 0.6, "DZ", 0.4, "IQ", 0.6, "IR", 0.5, "AF", 0.6,
		"SY", 0.5, "PK", 0.5, "IN", 0.6, "BD", 0.4, "LK", 0.4, "MN", 0.5, "DO", 0.9, "CO", 0.6, "VE", 0.5,
		"PE", 0.4, "PY", 0.3, "US", 0.1, "AU", 0.1, "", 0.5)
	// eu citizens usually have legal stay, so CMM assesses them.
	eu = map[string]bool{"RO": true, "BG": true, "LT": true, "EE": true, "LV": true, "PL": true, "HU": true, "CZ": true, "SK": true}
	// Nationalities from which people often seek asylum.
	asylum = map[string]bool{"IQ": true, "IR": true, "AF": true, "SY": true, "SO": true, "ER": true, "ET": true}

	contactForms = dist("police", 78, "outreach", 13, "health_service", 5, "ngo", 2, "self_referral", 1, "other", 1)
	contactOrgs  = map[string]weighted{
		"police": dist("RIGSPOLITIET", 1), "outreach": dist("PRO_VEST", 1, "REDEN", 2), "health_service": dist("REDEN", 1),
		"asylum_system": dist("RODE_KORS", 1), "ngo": dist("LOKK", 1, "REDEN", 1), "self_referral": dist("", 1), "other": dist("", 1),
	}
	ownersUS  = dist("REDEN", 45, "RODE_KORS", 25, "LOKK", 15, "CMM", 10, "PRO_VEST", 5)
	ownersCMM = dist("CMM", 50, "REDEN", 30, "PRO_VEST", 10, "LOKK", 10)

	outcomes    = dist("identified", 90, "not_identified", 6, "pending", 4)
	primaryForm = dist("sexual", 89.5, "forced_labour", 7, "forced_criminality", 2.5, "begging", 1)
	secondForm  = map[string]weighted{
		"sexual": dist("forced_criminality", 3, "forced_labour", 2, "begging", 1), "forced_labour": dist("sexual", 1, "forced_criminality", 1),
		"forced_criminality": dist("sexual", 2, "forced_labour", 1), "begging": dist("forced_criminality", 2, "sexual", 1),
	}
	genders = map[string]weighted{
		"sexual":        dist("female", 95.6, "transgender", 3, "male", 1.2, "unknown", 0.2),
		"forced_labour": dist("male", 55, "female", 45), "forced_criminality": dist("female", 60, "male", 40),
		"begging": dist("male", 50, "female", 50), "": dist("female", 90, "male", 7, "transgender", 2, "unknown", 1),
	}
	sectors = dist("domestic_work", 25, "cleaning", 20, "agriculture", 20, "construction", 10, "hospitality", 10,
		"manufacturing", 5, "fishing", 3, "transport", 2, "other", 5)
	exploitationCountries = dist("DK", 94, "SE", 2, "DE", 2, "IT", 1, "ES", 1)
	shelters              = dist("Reden International krisecenter", 40, "Røde Kors Kvindecenter", 30, "LOKK krisecenter", 20, "Pro Vest bosted", 10)
	exitsIdentified       = dist("prepared_return", 38, "disappeared", 14, "self_return", 8, "return_via_police", 3,
		"return_via_social_org", 3, "residence_permit", 6, "asylum", 3, "other", 2, "", 23)
	exitsOther = dist("self_return", 20, "return_via_police", 12, "disappeared", 6, "other", 2, "", 60)
)

type generator struct {
	o       Options
	r       *rand.Rand
	first   int // day number of 1 January of FromYear
	horizon int // last day a fact may carry: 31 December of ToYear, or today
	span    int // days over which first contacts spread
}

func newGenerator(o Options) *generator {
	g := &generator{o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
	g.first = dayNumber(o.FromYear, 1, 1)
	g.horizon = dayNumber(o.ToYear, 12, 31)
	t := o.today()
	if h := dayNumber(t.Year(), int(t.Month()), t.Day()); h < g.horizon {
		g.horizon = h
	}
	// Leave the last fortnight for the assessment of the latest contacts.
	g.span = max(g.horizon-14-g.first+1, 1)
	return g
}

// stay is one accommodation; end < 0 means open.
type stay struct {
	kind, provider string
	start, end     int
}

// genCase is one generated case, in day numbers.
type genCase struct {
	ref                                   []byte
	owner, gender, nationality, residence string
	birthDate, birthYear                  int // birthDate 0: only the year is known
	contact                               int
	form, contactOrg                      string
	assessed                              int // 0: no assessment
	authority, outcome                    string
	forms                                 []string
	sector, exploitationCountry           string
	stays                                 []stay
	exitKind                              string
	exitDate                              int
	formsBuf                              [2]string
	staysBuf                              [3]stay
	refBuf                                [24]byte
}

func (g *generator) next(i int) *genCase {
	r := g.r
	c := &genCase{}
	// First contacts spread evenly over the years in case order, so the
	// rows come out in time order.
	c.contact = g.first + int((float64(i)+r.Float64())*float64(g.span)/float64(max(g.o.Cases, 1)))
	cy, _, _ := civil(c.contact)
	c.ref = append(c.refBuf[:0], "SYN-"...)
	c.ref = strconv.AppendInt(c.ref, int64(cy), 10)
	c.ref = append(c.ref, '-')
	c.ref = appendPadded(c.ref, i+1, 7)

	c.nationality = nationalities.draw(r)
	switch u := r.Float64(); {
	case eu[c.nationality] && u < 0.8, !eu[c.nationality] && u < 0.05:
		c.residence = "legal"
	case asylum[c.nationality] && u < 0.65, !asylum[c.nationality] && u < 0.14:
		c.residence = "asylum_seeker"
	case u > 0.99:
		c.residence = "unknown"
	default:
		c.residence = "irregular"
	}
	if c.residence == "legal" {
		c.authority, c.owner = "CMM", ownersCMM.draw(r)
	} else {
		c.authority, c.owner = "US", ownersUS.draw(r)
	}
	if c.residence == "asylum_seeker" && r.Float64() < 0.8 {
		c.form = "asylum_system"
	} else {
		c.form = contactForms.draw(r)
	}
	c.contactOrg = contactOrgs[c.form].draw(r)

	c.outcome = outcomes.draw(r)
	primary := ""
	switch c.outcome {
	case "identified":
		primary = primaryForm.draw(r)
	case "not_identified":
		if r.Float64() < 0.5 {
			primary = primaryForm.draw(r)
		}
	}
	c.forms = c.formsBuf[:0]
	if primary != "" {
		c.forms = append(c.forms, primary)
		if r.Float64() < 0.02 {
			c.forms = append(c.forms, secondForm[primary].draw(r))
		}
		c.exploitationCountry = exploitationCountries.draw(r)
		for _, f := range c.forms {
			if f == "forced_labour" {
				c.sector = sectors.draw(r)
			}
		}
	}
	c.gender = genders[primary].draw(r)

	// Age at first contact: mostly 18–45 around 30, a few minors of 16–17
	// and a thin tail up to 60.
	var age int
	switch u := r.Float64(); {
	case u < 0.015:
		age = 16 + r.IntN(2)
	case u < 0.035:
		age = 40 + r.IntN(21)
	default:
		age = min(max(int(math.Round(30+6.5*r.NormFloat64())), 18), 60)
	}
	born := c.contact - age*365 - age/4 - r.IntN(365)
	if r.Float64() < 0.65 {
		c.birthDate = born
		c.birthYear, _, _ = civil(born)
	} else {
		// Only the year is known; age then counts from 1 July, so keep the
		// year that gives the same age at the first contact.
		c.birthYear = cy - age - 1
		if r.Float64() < 0.5 {
			c.birthYear = cy - age
		}
	}

	// The assessment follows the contact within weeks.
	c.assessed = min(c.contact+2+int(r.ExpFloat64()*12), c.contact+120, g.horizon)
	if c.outcome == "pending" {
		c.assessed = min(c.contact+r.IntN(5), g.horizon)
	}

	// Crisis shelter: four in five identified, fewer of the others.
	c.stays = c.staysBuf[:0]
	last, open := c.assessed, false // the last day housed; still housed
	housed := func(st stay) {
		c.stays = append(c.stays, st)
		if st.end < 0 {
			open = true
		} else {
			last = max(last, st.end)
		}
	}
	pShelter := 0.3
	if c.outcome == "identified" {
		pShelter = 0.8
	}
	if r.Float64() < pShelter {
		st := stay{kind: "crisis_shelter", provider: shelters.draw(r), start: min(c.contact+r.IntN(4), g.horizon)}
		st.end = g.close(st.start, g.shelterDays())
		housed(st)
		if st.end >= 0 && r.Float64() < 0.05 {
			st2 := stay{kind: "crisis_shelter", provider: shelters.draw(r), start: st.end + 10 + r.IntN(190)}
			if st2.start <= g.horizon {
				st2.end = g.close(st2.start, 1+r.IntN(60))
				housed(st2)
			}
		}
	}
	if c.outcome == "identified" && !open && r.Float64() < 0.1 {
		st := stay{kind: "private", start: last + 1}
		if st.start <= g.horizon {
			st.end = g.close(st.start, 30+r.IntN(370))
			housed(st)
		}
	}

	// Exits follow identification and the stays; one that would lie
	// beyond the horizon has not happened yet.
	if c.outcome == "identified" {
		c.exitKind = exitsIdentified.draw(r)
	} else {
		c.exitKind = exitsOther.draw(r)
	}
	if c.exitKind != "" {
		if open {
			c.exitKind = ""
		} else if c.exitDate = last + r.IntN(31); c.exitDate > g.horizon {
			c.exitKind = ""
		}
	}
	return c
}

// shelterDays draws a stay length: two in five up to a month, a third up
// to 99 days, the rest longer.
func (g *generator) shelterDays() int {
	switch u := g.r.Float64(); {
	case u < 0.4:
		return 1 + g.r.IntN(30)
	case u < 0.75:
		return 31 + g.r.IntN(69)
	}
	return 100 + min(int(g.r.ExpFloat64()*80), 300)
}

// close returns the last day of a stay of n days from start, or -1 (open)
// when it would end after the horizon.
func (g *generator) close(start, n int) int {
	if end := start + n - 1; end <= g.horizon {
		return end
	}
	return -1
}

func (g *generator) appendProsecution(b []byte, y int) []byte {
	// Charges scale with the yearly number of cases, as in the seed
	// (21 charges for about 60 identified).
	perYear := float64(g.o.Cases) / float64(g.o.ToYear-g.o.FromYear+1)
	charges := max(int(perYear*0.35*(0.8+0.4*g.r.Float64())), 1)
	decisions := charges * 7 / 10
	uncond, partly := decisions*4/10, decisions*2/10
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, ',')
	if cut := dayNumber(y+1, 3, 1); cut <= g.horizon+60 && cut <= g.todayNumber() {
		b = appendDate(b, cut)
	}
	for _, n := range []int{charges, decisions, uncond, partly} {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, '\n')
}

func (g *generator) todayNumber() int {
	t := g.o.today()
	return dayNumber(t.Year(), int(t.Month()), t.Day())
}

func (c *genCase) appendCase(b []byte) []byte {
	b = append(b, c.ref...)
	b = append(b, ',')
	b = append(b, c.owner...)
	b = append(b, ',')
	b = append(b, c.gender...)
	b = append(b, ',')
	if c.birthDate != 0 {
		b = appendDate(b, c.birthDate)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.birthYear), 10)
	b = append(b, ',')
	b = append(b, c.nationality...)
	b = append(b, ',')
	b = append(b, c.residence...)
	b = append(b, ',')
	b = appendDate(b, c.contact)
	b = append(b, ',')
	b = append(b, c.form...)
	b = append(b, ',')
	b = append(b, c.contactOrg...)
	b = append(b, ',')
	b = appendDate(b, c.assessed)
	b = append(b, ',')
	b = append(b, c.authority...)
	b = append(b, ',')
	b = append(b, c.outcome...)
	b = append(b, ',')
	for i, f := range c.forms {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, f...)
	}
	b = append(b, ',')
	b = append(b, c.sector...)
	b = append(b, ',')
	b = append(b, c.exploitationCountry...)
	return append(b, '\n')
}

func (c *genCase) appendStay(b []byte, s stay) []byte {
	b = append(b, c.ref...)
	b = append(b, ',')
	b = append(b, s.kind...)
	b = append(b, ',')
	b = append(b, s.provider...)
	b = append(b, ',')
	b = appendDate(b, s.start)
	b = append(b, ',')
	if s.end >= 0 {
		b = appendDate(b, s.end)
	}
	return append(b, '\n')
}

func (c *genCase) appendExit(b []byte) []byte {
	b = append(b, c.ref...)
	b = append(b, ',')
	b = appendDate(b, c.exitDate)
	b = append(b, ',')
	b = append(b, c.exitKind...)
	return append(b, '\n')
}

// ParseYears parses "A-B" or "A".
func ParseYears(s string) (from, to int, err error) {
	a, b, found := cut(s, '-')
	from, err = strconv.Atoi(a)
	if err == nil && found {
		to, err = strconv.Atoi(b)
	} else {
		to = from
	}
	if err != nil {
		return 0, 0, errors.New("gen: --years must be A-B, e.g. 2007-2012")
	}
	return from, to, nil
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// dayNumber returns the days since 1970-01-01 of a civil date (the
// algorithm of H. Hinnant's "chrono-compatible low-level date algorithms";
// formatting millions of dates through time.Time would dominate).
func dayNumber(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil is the inverse of dayNumber.
func civil(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func appendDate(b []byte, day int) []byte {
	y, m, d := civil(day)
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, m, 2)
	b = append(b, '-')
	return appendPadded(b, d, 2)
}

func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
