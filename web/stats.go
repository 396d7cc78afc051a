package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/disclosure"
	"nrm/report"
	"nrm/report/chart"
)

// chartFunc draws a report chart as a standalone SVG document.
type chartFunc func(c report.Chart, lang nrm.Lang) ([]byte, error)

// reportFormats are the download formats, in the order of the buttons.
var reportFormats = []string{"pdf", "html", "xlsx", "md", "json"}

// publishedK is the disclosure threshold of published statistics; the
// analyst role only ever sees statistics at this threshold.
const publishedK = 3

// keyNumber is one of the dashboard's headline numbers.
type keyNumber struct {
	Label string
	Value string
}

// figureView is a report figure with its chart drawn inline as SVG, and
// the maximum of its values for the bar gauges drawn instead when no chart
// is available.
type figureView struct {
	*report.Figure
	// SVG is the chart from report/chart: presentation attributes only
	// (no style attributes, no scripts) and every text XML-escaped, so
	// it is safe inline under the strict content security policy.
	SVG template.HTML
	Max float64
}

type statsPage struct {
	page
	Year       int
	Cutoff     string
	Years      []int
	K          int
	Published  bool
	KeyNumbers []keyNumber
	Figures    []figureView
	Formats    []string
	Query      string
	Empty      bool
}

// statsQuery reads year, cut-off and the disclosure threshold of a
// statistics request. Without a year it takes the latest year with
// identifications.
func (s *Server) statsQuery(r *http.Request) (nrm.StatsQuery, int, error) {
	q := r.URL.Query()
	var sq nrm.StatsQuery
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return sq, 0, &nrm.Error{Code: nrm.EINVALID, Message: "invalid year",
				Fields: []nrm.FieldError{fieldErr("year", nrm.RuleFormat, y, "a year, e.g. 2011")}}
		}
		sq.Year = n
	} else {
		sq.Year = s.latestYear(r)
	}
	if c := strings.TrimSpace(q.Get("cutoff")); c != "" {
		d, err := nrm.ParseDate(c)
		if err != nil {
			return sq, 0, &nrm.Error{Code: nrm.EINVALID, Message: "invalid cut-off date",
				Fields: []nrm.FieldError{fieldErr("cutoff_date", nrm.RuleFormat, c, "YYYY-MM-DD")}}
		}
		sq.Cutoff = d
	}
	k := 0
	if q.Get("published") != "" {
		k = publishedK
	}
	if u := currentUser(r); u != nil && u.Role == nrm.RoleAnalyst {
		k = max(k, publishedK)
	}
	return sq.Normalize(), k, nil
}

// latestYear is the latest year with an identification, else last year.
func (s *Server) latestYear(r *http.Request) int {
	y := s.now().Year()
	st, err := s.db.Statistics(r.Context(), nrm.StatsQuery{Year: y})
	if err != nil {
		return y - 1
	}
	best := 0
	for _, ya := range st.Identified.ByYearAuthority {
		if ya.US+ya.CMM > 0 && ya.Year > best {
			best = ya.Year
		}
	}
	if best == 0 {
		return y - 1
	}
	return best
}

// statsShow is the statistics dashboard: headline numbers, the report's
// figures (chart and data table) and the report downloads.
func (s *Server) statsShow(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q, k, err := s.statsQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.db.Statistics(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &statsPage{page: s.newPage(w, r, tr(lang, "stats.title")), Year: q.Year, Cutoff: q.Cutoff.String(), K: k,
		Published: r.URL.Query().Get("published") != "", Empty: st.Identified.Total == 0}
	years := map[int]bool{q.Year: true, s.now().Year(): true}
	for _, ya := range st.Identified.ByYearAuthority {
		years[ya.Year] = true
	}
	for y := range years {
		p.Years = append(p.Years, y)
	}
	slices.Sort(p.Years)
	slices.Reverse(p.Years)
	v := fmt.Sprintf("year=%d&cutoff=%s", q.Year, q.Cutoff)
	if p.Published {
		v += "&published=1"
	}
	p.Query = v
	p.Formats = []string{"json"}
	if s.cfg.Render != nil {
		p.Formats = reportFormats
	}
	in, pub := statsInput(st, lang, k, s.now())
	add := func(key, value string) { p.KeyNumbers = append(p.KeyNumbers, keyNumber{tr(lang, key), value}) }
	// cell shows a headline number as the report shows it: withheld where
	// the disclosure package suppressed it ("<k" below k, else "x"). m is
	// the protected table holding it at row (a label, or "" for the
	// column total) and column col; without disclosure control the number
	// is shown as it is.
	cell := func(n int, m disclosure.Masked, row string, col int) string {
		if pub == nil {
			return p.Num(n)
		}
		i := m.Rows()
		if row != "" {
			i = slices.Index(m.RowLabels, row)
		}
		switch {
		case i < 0 || !m.IsSuppressed(i, col):
			return p.Num(n)
		case n < k && !m.Uniform:
			return "<" + strconv.Itoa(k)
		}
		return "x"
	}
	count := func(n int, c disclosure.Count) string {
		switch {
		case !c.Suppressed:
			return p.Num(n)
		case n < k:
			return "<" + strconv.Itoa(k)
		}
		return "x"
	}
	var pb disclosure.PublishedStats
	if pub != nil {
		pb = *pub
	}
	us, cmm, prepared := string(nrm.AuthorityUS), string(nrm.AuthorityCMM), string(nrm.ExitPreparedReturn)
	add("stats.identified", cell(st.Identified.Total, pb.ByAuthority, "", 0))
	add("stats.by_us", cell(st.Identified.ByAuthority[us], pb.ByAuthority, us, 0))
	add("stats.by_cmm", cell(st.Identified.ByAuthority[cmm], pb.ByAuthority, cmm, 0))
	add("stats.minors", count(st.Minors.Count, pb.Minors))
	add("stats.shelter", cell(st.Shelter.Count, pb.ShelterBuckets, "", 0))
	add("stats.shelter_year_end", cell(st.Shelter.StillAtYearEnd, pb.ShelterStatus, disclosure.LabelStillAtYearEnd, 0))
	// Every private-housing row total is the number in private housing.
	add("stats.private_housing", cell(st.PrivateHousing.Count, pb.PrivateHousing, disclosure.LabelStillAtYearEnd, pb.PrivateHousing.Cols()))
	rp := pb.ReturnsPeriod
	add("stats.prepared_returns", cell(st.Returns.Period.ByKind[prepared], rp, "", slices.Index(rp.ColLabels, prepared)))
	if st.Prosecution.Reported { // published as reported
		add("stats.charges", p.Num(st.Prosecution.Charges))
		add("stats.convictions", p.Num(st.Prosecution.ConvictionsTotal))
	}
	doc, err := report.Build(in)
	if err != nil {
		s.logInternal(r, err)
	} else {
		for _, f := range doc.Figures() {
			fv := figureView{Figure: f}
			if s.chart != nil && len(f.Chart.Categories) > 0 {
				if svg, err := s.chart(f.Chart, lang); err == nil {
					fv.SVG = template.HTML(svg)
				} else {
					s.logInternal(r, err)
				}
			}
			for _, se := range f.Chart.Series {
				for _, x := range se.Values {
					fv.Max = max(fv.Max, x)
				}
			}
			p.Figures = append(p.Figures, fv)
		}
	}
	s.render(w, r, http.StatusOK, "stats", p)
}

// statsInput is the report input of the dashboard and its figures: with a
// threshold k > 1 (published statistics, and always for analysts) the
// disclosure package's protection, so that no total on the screen gives a
// suppressed number back; pub is nil without disclosure control.
func statsInput(st *nrm.Stats, lang nrm.Lang, k int, now time.Time) (in report.Input, pub *disclosure.PublishedStats) {
	in = report.Input{Stats: st, Lang: lang, Generated: now}
	if k > 1 {
		pub = disclosure.SuppressStats(st, k)
		in = report.Publish(in, pub)
	}
	return in, pub
}

// Gauge returns the value of a data cell for a bar gauge (0 when the cell
// is withheld or not a number).
func (p *statsPage) Gauge(c report.Cell) float64 {
	if !c.IsNumber || c.Withheld {
		return 0
	}
	return c.Number
}

// statsFigure serves one figure's chart as a standalone SVG image, for
// use outside the dashboard (slides, other documents).
func (s *Server) statsFigure(w http.ResponseWriter, r *http.Request) {
	if s.chart == nil {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "no chart renderer"))
		return
	}
	lang := langOf(r)
	q, k, err := s.statsQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.db.Statistics(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, _ := statsInput(st, lang, k, s.now())
	doc, err := report.Build(in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range doc.Figures() {
		if f.ID != r.PathValue("id") {
			continue
		}
		svg, err := s.chart(f.Chart, lang)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
		w.Write(svg)
		return
	}
	s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "no such figure"))
}

// statsDownload renders the report in a format through Config.Render
// (JSON without it: the statistics contract).
func (s *Server) statsDownload(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	if !slices.Contains(reportFormats, format) {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "unknown format"))
		return
	}
	q, k, err := s.statsQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body []byte
	contentType := "application/json; charset=utf-8"
	switch {
	case s.cfg.Render != nil:
		body, contentType, err = s.cfg.Render(r.Context(), format, q, langOf(r), k)
	case format == "json" && k <= 1:
		var st *nrm.Stats
		if st, err = s.db.Statistics(r.Context(), q); err == nil {
			body, err = json.MarshalIndent(st, "", "  ")
		}
	default:
		err = nrm.Errorf(nrm.ENOTFOUND, "report format not available")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s-%d.%s", tr(langOf(r), "stats.file_name"), q.Year, format)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", attachment(name))
	w.Write(body)
}

// defaultChart draws the dashboard's charts with the report's own chart
// package, so the screen shows the same figures as the report. A nil
// chartFunc shows each figure as its data table with bar gauges only.
var defaultChart chartFunc = func(c report.Chart, lang nrm.Lang) ([]byte, error) {
	return chart.SVG(c, chart.Options{})
}
