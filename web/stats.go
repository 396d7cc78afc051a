package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
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
	// Query is the downloads' query string (year=…&cutoff=…), typed as a
	// URL so that the template keeps its & and = rather than escaping
	// them into one parameter; every part is validated or escaped.
	Query template.URL
	Empty bool
	// Cleared: the user has statistics clearance (exact figures).
	Cleared bool
	// Org is the organisation whose own cases are counted (exactly),
	// "" for the whole country; CanOrg: the user may choose it.
	Org    string
	CanOrg bool
	// Edition answers the published view (nil: computed).
	Edition *nrm.Edition
	// Frozen: the data changed since Edition, whose files are offered
	// instead of figures.
	Frozen bool
	// Since is the year's latest edition beside exact figures, Changes
	// the published numbers whose exact value now differs (MoreChanges
	// more not listed).
	Since       *nrm.Edition
	Changes     []string
	MoreChanges int
	// Periods are the action plan's status periods the report can show,
	// Period the one chosen (by default the latest begun by the cut-off,
	// as nrm report chooses it); no periods: no selector.
	Periods []periodOption
	Period  string
}

// periodOption is one of the plan's status periods in the selector.
type periodOption struct {
	Value string // 2012-spring
	Label string // forår 2012 / spring 2012
}

// statsPeriod reads ?period=, the action plan's status period the
// report's activity tables show ("" when not given: the report's default).
// A period the first action plan (the one the report shows) has no status
// for is refused, naming the periods it has. It returns the plan's
// periods too (nil without a plan).
func (s *Server) statsPeriod(r *http.Request) (period string, plan *nrm.Plan, err error) {
	period = strings.ToLower(strings.TrimSpace(r.URL.Query().Get("period")))
	plans, err := s.cfg.Plans.FindPlans(r.Context())
	if err != nil {
		return "", nil, err
	}
	if len(plans) > 0 {
		plan = plans[0]
	}
	if period == "" {
		return "", plan, nil
	}
	var have []string
	if plan != nil {
		have = plan.Periods()
	}
	for _, p := range have {
		if strings.EqualFold(p, period) {
			return p, plan, nil // as the plan spells it
		}
	}
	return "", plan, &nrm.Error{Code: nrm.EINVALID, Message: "The action plan has no status for this period.",
		Fields: []nrm.FieldError{{Field: "period", Rule: nrm.RuleOneOf, Value: period, Expected: strings.Join(have, ", "),
			Detail: "the action plan has no status for this period", DetailDA: "handlingsplanen har ingen status for denne periode"}}}
}

// statsQuery reads year, cut-off and the disclosure threshold of a
// statistics request. Without a year it takes the latest year with
// identifications. Exact statistics (k = 0) are for users with statistics
// clearance (nrm.SettingStatisticsClearance) who did not ask for the
// published view; everybody else gets the published view (k = 3), and
// only at the default cut-off or the cut-off of one of the year's
// editions: two published views at arbitrary cut-offs could be
// differenced to reveal the persons who differ. With scope=organisation
// a user who reads cases gets the exact statistics of the cases of their
// organisation, which they may read one by one anyway, at any cut-off.
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
	sq = sq.Normalize()
	switch scope := q.Get("scope"); scope {
	case "", "national":
	case "organisation":
		u := currentUser(r)
		if !orgStatsAllowed(u) {
			return sq, 0, &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Only users who work with cases can see their organisation's statistics."}
		}
		sq.Org = u.Org
		return sq, 0, nil
	default:
		return sq, 0, &nrm.Error{Code: nrm.EINVALID, Message: "invalid scope",
			Fields: []nrm.FieldError{fieldErr("scope", nrm.RuleOneOf, scope, "national, organisation")}}
	}
	cleared := s.statsCleared(r)
	k := 0
	if q.Get("published") != "" || !cleared {
		k = publishedK
	}
	if cleared || sq.Cutoff == nrm.DefaultCutoff(sq.Year) || sq.Cutoff.Year() < sq.Year { // the last is refused by storage
		return sq, k, nil
	}
	es, err := s.db.FindEditions(r.Context(), sq.Year)
	if err != nil {
		return sq, 0, err
	}
	allowed := []string{nrm.DefaultCutoff(sq.Year).String()}
	for _, e := range es {
		if e.Cutoff == sq.Cutoff {
			return sq, k, nil
		}
		if !slices.Contains(allowed, e.Cutoff.String()) {
			allowed = append(allowed, e.Cutoff.String())
		}
	}
	return sq, 0, &nrm.Error{Code: nrm.EFORBIDDEN,
		Message: "Published statistics are available only at the default cut-off date or an edition's; other dates need statistics clearance.",
		Fields:  []nrm.FieldError{fieldErr("cutoff_date", nrm.RuleNotAllowed, sq.Cutoff.String(), strings.Join(allowed, ", "))}}
}

// orgStatsAllowed reports whether u may see the exact statistics of
// their organisation's cases: the roles that read cases.
func orgStatsAllowed(u *nrm.User) bool {
	return u != nil && slices.Contains(caseRoles, u.Role) && u.Org != ""
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
	period, plan, err := s.statsPeriod(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.statsView(ctx, q, k, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, in, pub := v.st, v.in, v.pub
	q.Cutoff = st.Cutoff
	p := &statsPage{page: s.newPage(w, r, tr(lang, "stats.title")), Year: q.Year, Cutoff: q.Cutoff.String(), K: k,
		Published: k > 1, Cleared: s.statsCleared(r), Edition: v.edition, Frozen: v.frozen, Empty: st.Identified.Total == 0,
		Org: q.Org, CanOrg: orgStatsAllowed(currentUser(r))}
	years := map[int]bool{q.Year: true, s.now().Year(): true}
	for _, ya := range st.Identified.ByYearAuthority {
		years[ya.Year] = true
	}
	for y := range years {
		p.Years = append(p.Years, y)
	}
	slices.Sort(p.Years)
	slices.Reverse(p.Years)
	qs := fmt.Sprintf("year=%d&cutoff=%s", q.Year, q.Cutoff)
	if p.Published {
		qs += "&published=1"
	}
	if q.Org != "" {
		qs += "&scope=organisation"
	}
	p.Formats = []string{"json"}
	if s.cfg.Render != nil {
		p.Formats = reportFormats
		if plan != nil && v.edition == nil {
			// The report's activity tables: the status of the chosen
			// period. A published edition's files keep the period they
			// were published with.
			for _, per := range plan.Periods() {
				p.Periods = append(p.Periods, periodOption{per, report.PeriodName(per, lang)})
			}
			p.Period = period
			if p.Period == "" {
				p.Period = plan.DefaultPeriod(q.Cutoff)
			}
			if period != "" {
				qs += "&period=" + url.QueryEscape(period)
			}
		}
	}
	p.Query = template.URL(qs)
	if k <= 1 && q.Org == "" {
		// Exact figures for a cleared user: what changed since the
		// year's latest edition.
		if latest, err := s.db.FindEdition(ctx, q.Year, 0); err == nil {
			p.Since = latest
			p.Changes, p.MoreChanges = editionChanges(latest, disclosure.SuppressStats(st, 1).Cells(), 10)
		} else if nrm.ErrorCode(err) != nrm.ENOTFOUND {
			s.logInternal(r, err)
		}
	}
	if v.frozen {
		// The data changed since the edition: its numbers are not
		// recomputed; the page offers the edition's files.
		s.render(w, r, http.StatusOK, "stats", p)
		return
	}
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
	// The private-housing outcomes add up to the number in private housing.
	add("stats.private_housing", cell(st.PrivateHousing.Count, pb.PrivateHousing, "", 0))
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
// threshold k > 1 (published statistics, and always without statistics
// clearance) the disclosure package's protection keeping hidden the
// numbers in hide, so that no total on the screen gives a suppressed
// number back; pub is nil without disclosure control.
func statsInput(st *nrm.Stats, lang nrm.Lang, k int, now time.Time, hide []disclosure.CellKey) (in report.Input, pub *disclosure.PublishedStats) {
	in = report.Input{Stats: st, Lang: lang, Generated: now}
	if k > 1 {
		pub = disclosure.SuppressStatsHiding(st, k, hide)
		in = report.Publish(in, pub)
	}
	return in, pub
}

// statsView is what the dashboard and its figures show.
type statsView struct {
	st  *nrm.Stats
	in  report.Input
	pub *disclosure.PublishedStats
	// edition answers a published view; frozen when its numbers differ
	// from those recomputed now (records changed since), and then only
	// its stored files may be shown.
	edition *nrm.Edition
	frozen  bool
}

// statsView computes the statistics of a request. A published view of a
// year with an edition is that edition's: at its cut-off, protected
// keeping hidden what the editions before it hid, and frozen when that
// no longer gives the edition's numbers.
func (s *Server) statsView(ctx context.Context, q nrm.StatsQuery, k int, lang nrm.Lang) (*statsView, error) {
	v := &statsView{}
	var hide []disclosure.CellKey
	var cells []disclosure.CellState
	if k > 1 {
		e, err := s.editionFor(ctx, q, k)
		if err != nil {
			return nil, err
		}
		if e != nil {
			v.edition, q.Cutoff = e, e.Cutoff
			for n := 1; n <= e.Number; n++ {
				full, err := s.db.FindEdition(ctx, e.Year, n)
				if err != nil {
					return nil, err
				}
				if n < e.Number {
					hide = append(hide, disclosure.HiddenKeys(disclosure.CellsOf(full.Cells))...)
				} else {
					cells = disclosure.CellsOf(full.Cells)
				}
			}
		}
	}
	st, err := s.db.Statistics(ctx, q)
	if err != nil {
		return nil, err
	}
	v.st = st
	v.in, v.pub = statsInput(st, lang, k, s.now(), hide)
	if v.edition != nil {
		v.frozen = !slices.Equal(v.pub.Cells(), cells)
	}
	return v, nil
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
	v, err := s.statsView(r.Context(), q, k, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.frozen {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "the figures of this edition are in its files"))
		return
	}
	doc, err := report.Build(v.in)
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
	period, plan, err := s.statsPeriod(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if k > 1 {
		// A published view of a year with an edition is its stored file,
		// with the status period it was published with.
		e, err := s.editionFor(r.Context(), q, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if e != nil && period != "" && period != plan.DefaultPeriod(e.Cutoff) {
			s.fail(w, r, editionPeriodFixed(period, plan.DefaultPeriod(e.Cutoff)))
			return
		}
		if e != nil {
			r.SetPathValue("year", strconv.Itoa(e.Year))
			r.SetPathValue("number", strconv.Itoa(e.Number))
			s.editionDownload(w, r)
			return
		}
	}
	var body []byte
	contentType := "application/json; charset=utf-8"
	switch {
	case s.cfg.Render != nil:
		body, contentType, err = s.cfg.Render(r.Context(), format, q, langOf(r), k, period)
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

// editionPeriodFixed refuses another status period than a published
// edition's: its files are what was published.
func editionPeriodFixed(asked, published string) error {
	return &nrm.Error{Code: nrm.EINVALID, Message: "A published edition shows the status period it was published with.",
		Fields: []nrm.FieldError{{Field: "period", Rule: nrm.RuleNotAllowed, Value: asked, Expected: published,
			Detail: "a published edition shows the status period it was published with", DetailDA: "en offentliggjort udgave viser statusperioden, den blev offentliggjort med"}}}
}

// defaultChart draws the dashboard's charts with the report's own chart
// package, so the screen shows the same figures as the report. A nil
// chartFunc shows each figure as its data table with bar gauges only.
var defaultChart chartFunc = func(c report.Chart, lang nrm.Lang) ([]byte, error) {
	return chart.SVG(c, chart.Options{Lang: lang})
}
