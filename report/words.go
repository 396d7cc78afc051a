package report

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"nrm"
)

var (
	wordsDA = [...]string{"nul", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv"}
	wordsEN = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
)

// Words writes n as running text does: numbers below 13 as words (Danish
// "én", the common gender), larger ones in digits with thousands
// separators. Tables never use it.
func Words(n int, lang nrm.Lang) string {
	if n >= 0 && n < 13 {
		if lang == nrm.LangEN {
			return wordsEN[n]
		}
		return wordsDA[n]
	}
	return FormatInt(n, lang)
}

// WordsNeuter is Words for a Danish neuter noun ("ét land", "ét offer").
func WordsNeuter(n int, lang nrm.Lang) string {
	if n == 1 && lang != nrm.LangEN {
		return "ét"
	}
	return Words(n, lang)
}

// FormatInt writes n in digits with the language's thousands separator
// (Danish 1.234, English 1,234).
func FormatInt(n int, lang nrm.Lang) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	sep := "."
	if lang == nrm.LangEN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatDecimal writes x with at most decimals digits after the
// language's decimal mark (Danish comma), dropping a trailing ",0" as the
// seed does ("30", "37,6").
func FormatDecimal(x float64, decimals int, lang nrm.Lang) string {
	s := strconv.FormatFloat(roundTo(x, decimals), 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(intPart)
	out := FormatInt(n, lang)
	if intPart == "-0" {
		out = "-0"
	}
	if frac != "" {
		if lang == nrm.LangEN {
			out += "." + frac
		} else {
			out += "," + frac
		}
	}
	return out
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Floor(x*p+0.5) / p
}

// fraction is a simple fraction the narrative may use for a share.
type fraction struct {
	v      float64
	da, en string
}

// fractions are the shares the seed's register names; 1/5 and 1/7 are
// left out on purpose so that 11/60 reads "1/6" and 8/60 "1/8" as in the
// seed.
var fractions = []fraction{
	{3.0 / 4, "¾", "three quarters"},
	{2.0 / 3, "2/3", "two thirds"},
	{1.0 / 2, "halvdelen", "half"},
	{1.0 / 3, "1/3", "a third"},
	{1.0 / 4, "¼", "a quarter"},
	{1.0 / 6, "1/6", "a sixth"},
	{1.0 / 8, "1/8", "an eighth"},
}

// FractionTolerance is the largest relative distance between a share and
// a simple fraction for the narrative to call it "omkring" that fraction.
const FractionTolerance = 0.12

// Fraction returns the phrase for the simple fraction nearest to x
// ("omkring 1/3", "about a third") and true, or "" and false when no
// fraction is within FractionTolerance.
func Fraction(x float64, lang nrm.Lang) (string, bool) {
	best, bestDist := -1, math.Inf(1)
	for i, f := range fractions {
		d := math.Abs(x-f.v) / f.v
		if d < bestDist-1e-12 {
			best, bestDist = i, d
		}
	}
	if best < 0 || bestDist > FractionTolerance+1e-12 {
		return "", false
	}
	if lang == nrm.LangEN {
		return "about " + fractions[best].en, true
	}
	return "omkring " + fractions[best].da, true
}

// Percent writes part/whole as a whole percentage in running text
// ("18 pct.", "ti pct.", "18 per cent").
func Percent(part, whole int, lang nrm.Lang) string {
	return PercentOf(float64(part)/float64(max(whole, 1)), lang)
}

// PercentOf writes the share x (0..1) as a whole percentage.
func PercentOf(x float64, lang nrm.Lang) string {
	p := int(math.Floor(x*100 + 0.5))
	if lang == nrm.LangEN {
		return Words(p, lang) + " per cent"
	}
	return Words(p, lang) + " pct."
}

// Share phrases part/whole as the seed does: the nearest simple fraction
// when close enough ("omkring ¾", "omkring halvdelen"), else a percentage
// ("18 pct."); "alle"/"all" and "ingen"/"none" at the ends.
func Share(part, whole int, lang nrm.Lang) string {
	switch {
	case whole <= 0 || part <= 0:
		return tr(lang, "ingen", "none")
	case part >= whole:
		return tr(lang, "alle", "all")
	}
	return ShareOf(float64(part)/float64(whole), lang)
}

// ShareOf phrases a share x in (0, 1) as Share does.
func ShareOf(x float64, lang nrm.Lang) string {
	if s, ok := Fraction(x, lang); ok {
		return s
	}
	return PercentOf(x, lang)
}

// Capitalize upper-cases the first letter, for a sentence that begins
// with a generated phrase ("Omkring ¾", "Én").
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func tr(lang nrm.Lang, da, en string) string {
	if lang == nrm.LangEN {
		return en
	}
	return da
}

// joinAnd joins items as "a, b og c" ("a, b and c").
func joinAnd(items []string, lang nrm.Lang) string {
	and := tr(lang, " og ", " and ")
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}

var monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
var monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// FormatDate writes a date as Danish "1. marts 2012" or English
// "1 March 2012".
func FormatDate(d nrm.Date, lang nrm.Lang) string {
	if d.IsZero() {
		return ""
	}
	if lang == nrm.LangEN {
		return strconv.Itoa(d.Day()) + " " + monthsEN[d.Month()-1] + " " + strconv.Itoa(d.Year())
	}
	return strconv.Itoa(d.Day()) + ". " + monthsDA[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// FormatPeriod writes a plan status period such as "2012-spring" as it
// reads in a sentence: "foråret 2012" ("spring 2012"), "første halvår
// 2012", "3. kvartal 2012" ("the third quarter of 2012"), "maj 2012";
// other periods are shown as given.
func FormatPeriod(p string, lang nrm.Lang) string {
	y, part, ok := strings.Cut(p, "-")
	if !ok {
		return p
	}
	names := map[string][2]string{
		"spring": {"foråret", "spring"}, "summer": {"sommeren", "summer"},
		"autumn": {"efteråret", "autumn"}, "fall": {"efteråret", "autumn"}, "winter": {"vinteren", "winter"},
		"h1": {"første halvår", "first half of"}, "h2": {"andet halvår", "second half of"},
		"q1": {"1. kvartal", "the first quarter of"}, "q2": {"2. kvartal", "the second quarter of"},
		"q3": {"3. kvartal", "the third quarter of"}, "q4": {"4. kvartal", "the fourth quarter of"},
	}
	if n, ok := names[strings.ToLower(part)]; ok {
		return tr(lang, n[0], n[1]) + " " + y
	}
	if m, err := strconv.Atoi(part); err == nil && m >= 1 && m <= 12 {
		return tr(lang, monthsDA[m-1], monthsEN[m-1]) + " " + y
	}
	return p
}

// PeriodName writes a plan status period such as "2012-spring" as a
// label: "forår 2012" ("spring 2012"), "1. halvår 2012" ("H1 2012"),
// "3. kvartal 2012" ("Q3 2012"), "maj 2012" ("May 2012"); a year and
// an unknown period are shown as given.
func PeriodName(p string, lang nrm.Lang) string {
	y, part, ok := strings.Cut(p, "-")
	if !ok {
		return p
	}
	names := map[string][2]string{
		"spring": {"forår", "spring"}, "summer": {"sommer", "summer"},
		"autumn": {"efterår", "autumn"}, "fall": {"efterår", "autumn"}, "winter": {"vinter", "winter"},
		"h1": {"1. halvår", "H1"}, "h2": {"2. halvår", "H2"},
		"q1": {"1. kvartal", "Q1"}, "q2": {"2. kvartal", "Q2"}, "q3": {"3. kvartal", "Q3"}, "q4": {"4. kvartal", "Q4"},
	}
	if n, ok := names[strings.ToLower(part)]; ok {
		return tr(lang, n[0], n[1]) + " " + y
	}
	if m, err := strconv.Atoi(part); err == nil && m >= 1 && m <= 12 {
		return tr(lang, monthsDA[m-1], monthsEN[m-1]) + " " + y
	}
	return p
}

// FormatMillionDKK writes an amount in kroner in millions with one
// decimal: "85,6 mio. kr." ("DKK 85.6 million").
func FormatMillionDKK(amount float64, lang nrm.Lang) string {
	m := FormatDecimal(amount/1e6, 1, lang)
	return tr(lang, m+" mio. kr.", "DKK "+m+" million")
}

// FormatDKK writes an amount in whole kroner: "1.234.567 kr."
// ("DKK 1,234,567").
func FormatDKK(amount float64, lang nrm.Lang) string {
	n := FormatInt(int(math.Round(amount)), lang)
	return tr(lang, n+" kr.", "DKK "+n)
}
