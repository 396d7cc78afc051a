package nrm

import (
	"slices"
	"strings"
)

// OutreachTrendKind classifies a change of visits against the year before,
// in the words the status reports use ("fortsat stigende", "svagt
// stigende", "stabilt").
type OutreachTrendKind string

// Trend kinds. TrendNone is used when there is no figure for the year
// before (or it was zero), so no change can be stated.
const (
	TrendNone       OutreachTrendKind = ""
	TrendRising     OutreachTrendKind = "rising"
	TrendSlightRise OutreachTrendKind = "slight_rise"
	TrendStable     OutreachTrendKind = "stable"
	TrendSlightFall OutreachTrendKind = "slight_fall"
	TrendFalling    OutreachTrendKind = "falling"
)

// Trend limits in per cent of the year before: a smaller change than
// trendStableBelow is stable, than trendSlightBelow slight.
const (
	trendStableBelow = 3.0
	trendSlightBelow = 10.0
)

var outreachTrends = newCodeSet("outreach_trend",
	[3]string{string(TrendRising), "Stigende", "Rising"},
	[3]string{string(TrendSlightRise), "Svagt stigende", "Slightly rising"},
	[3]string{string(TrendStable), "Stabilt", "Stable"},
	[3]string{string(TrendSlightFall), "Svagt faldende", "Slightly falling"},
	[3]string{string(TrendFalling), "Faldende", "Falling"},
)

func init() { codeSets[outreachTrends.name] = outreachTrends }

// Label returns the trend's label ("" for TrendNone).
func (k OutreachTrendKind) Label(l Lang) string {
	if k == TrendNone {
		return ""
	}
	return outreachTrends.label(string(k), l)
}

// ClassifyTrend classifies the change from prev to cur: below 3 % either
// way is stable, below 10 % slight, else rising or falling; TrendNone when
// prev is not positive.
func ClassifyTrend(prev, cur int) OutreachTrendKind {
	if prev <= 0 {
		return TrendNone
	}
	pct := float64(cur-prev) / float64(prev) * 100
	switch {
	case pct > -trendStableBelow && pct < trendStableBelow:
		return TrendStable
	case pct >= trendSlightBelow:
		return TrendRising
	case pct > 0:
		return TrendSlightRise
	case pct <= -trendSlightBelow:
		return TrendFalling
	default:
		return TrendSlightFall
	}
}

// OutreachYear is one outreach service's visits in a calendar year and the
// change against the year before.
type OutreachYear struct {
	Service string `json:"service"`
	Year    int    `json:"year"`
	Visits  int    `json:"visits"`
	// Consultations are the health or counselling consultations of the
	// year (0: not counted).
	Consultations int `json:"consultations"`
	// Partial is true when the year is made of parts that do not cover
	// it (e.g. three quarters): no trend is then stated for or against it.
	Partial bool `json:"partial,omitempty"`
	// HasPrev is true when the year before has a complete figure;
	// Change is then the difference in visits and ChangePct the change in
	// per cent of the year before (0 when that year had no visits).
	HasPrev    bool              `json:"has_prev"`
	PrevVisits int               `json:"prev_visits,omitempty"`
	Change     int               `json:"change,omitempty"`
	ChangePct  float64           `json:"change_pct,omitempty"`
	Trend      OutreachTrendKind `json:"trend,omitempty"`
}

// partsPerYear is how many periods of a kind make a year.
var partsPerYear = map[string]int{"year": 1, "month": 12, "quarter": 4, "half": 2, "season": 2}

// periodKind names the kind of a valid period: year, month, quarter,
// half or season.
func periodKind(p string) string {
	_, part, ok := strings.Cut(strings.ToLower(p), "-")
	switch {
	case !ok:
		return "year"
	case strings.HasPrefix(part, "q"):
		return "quarter"
	case strings.HasPrefix(part, "h"):
		return "half"
	case part == "spring" || part == "autumn":
		return "season"
	default:
		return "month"
	}
}

// OutreachYears sums each service's statistics per calendar year and
// states the change against the year before. A year's figure is its
// yearly statistic when there is one; else the sum of the parts of one
// kind (months, quarters, halves or seasons; the kind with most entries),
// which is partial when the parts do not cover the year. A change is only
// stated between two complete years. The result is ordered by service
// code and year.
func OutreachYears(stats []*OutreachStat) []OutreachYear {
	type acc struct {
		visits, consultations int
		n                     int
	}
	// service → year → part kind → sums
	by := map[string]map[int]map[string]*acc{}
	for _, s := range stats {
		if s == nil || !ValidPeriod(s.Period) {
			continue
		}
		y := PeriodKey(s.Period) / 100
		kind := periodKind(s.Period)
		if by[s.ServiceCode] == nil {
			by[s.ServiceCode] = map[int]map[string]*acc{}
		}
		if by[s.ServiceCode][y] == nil {
			by[s.ServiceCode][y] = map[string]*acc{}
		}
		a := by[s.ServiceCode][y][kind]
		if a == nil {
			a = &acc{}
			by[s.ServiceCode][y][kind] = a
		}
		a.visits += s.Visits
		a.consultations += s.Consultations
		a.n++
	}
	var out []OutreachYear
	services := make([]string, 0, len(by))
	for code := range by {
		services = append(services, code)
	}
	slices.Sort(services)
	for _, code := range services {
		years := make([]int, 0, len(by[code]))
		for y := range by[code] {
			years = append(years, y)
		}
		slices.Sort(years)
		row := map[int]OutreachYear{}
		for _, y := range years {
			kinds := by[code][y]
			var best string
			if kinds["year"] != nil {
				best = "year"
			} else {
				for _, k := range []string{"month", "quarter", "half", "season"} {
					if kinds[k] != nil && (best == "" || kinds[k].n > kinds[best].n) {
						best = k
					}
				}
			}
			a := kinds[best]
			whole := partsPerYear[best]
			oy := OutreachYear{Service: code, Year: y, Visits: a.visits, Consultations: a.consultations, Partial: a.n < whole}
			if prev, ok := row[y-1]; ok && !prev.Partial && !oy.Partial {
				oy.HasPrev, oy.PrevVisits = true, prev.Visits
				oy.Change = oy.Visits - prev.Visits
				if prev.Visits > 0 {
					oy.ChangePct = float64(oy.Change) / float64(prev.Visits) * 100
				}
				oy.Trend = ClassifyTrend(prev.Visits, oy.Visits)
			}
			row[y] = oy
			out = append(out, oy)
		}
	}
	return out
}

// OutreachYearOf returns the figure of a service in year, if any.
func OutreachYearOf(years []OutreachYear, service string, year int) (OutreachYear, bool) {
	for _, y := range years {
		if y.Service == service && y.Year == year {
			return y, true
		}
	}
	return OutreachYear{}, false
}
