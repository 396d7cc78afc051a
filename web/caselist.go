package web

import (
	"bufio"
	"encoding/csv"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/csvsafe"
	"nrm/sqlstore"
)

// The case list (issue 13): sortable columns, filters, page sizes, the
// CSV export of a list (page, API and `nrm case list --csv` alike) and the
// age with a minor badge.

// casePageSizes are the page sizes the case list offers; the first is
// the default.
var casePageSizes = []int{25, 50, 100, 250}

// caseListRoutes registers the exports of the case list.
func (s *Server) caseListRoutes() {
	s.route("GET /cases/export.csv", 0, caseRoles, s.caseExportCSV)
	s.route("GET /api/v1/cases/export.csv", 0, caseRoles, s.apiExportCases)
}

type caseListPage struct {
	page
	Filter    *form
	Cases     []*nrm.CaseSummary
	Total     int
	PageNo    int
	Pages     int
	PageSize  int
	PageSizes []int
	PrevHref  string
	NextHref  string
	Countries []*nrm.Country
	Orgs      []*nrm.Organisation
	Years     []int
	Sort      string
	Desc      bool
	// ExportHref downloads the list as CSV; ExportNamesHref with the
	// names of the user's organisation's cases (caseworkers only).
	ExportHref, ExportNamesHref string
	today                       nrm.Date
	query                       url.Values
	country                     map[string]string
}

// CountryName returns a country's name in the page language.
func (p *caseListPage) CountryName(code string) string { return countryName(p.country, code) }

// Age is the age reached this year by a person born in birthYear, or a
// dash when unknown.
func (p *caseListPage) Age(birthYear int) string { return ageText(birthYear, p.today) }

// Minor reports whether the person may be under 18 today (nrm.Minor).
func (p *caseListPage) Minor(birthYear int) bool { return nrm.Minor(birthYear, p.today) }

func ageText(birthYear int, today nrm.Date) string {
	if a := nrm.AgeIn(birthYear, today); a >= 0 {
		return strconv.Itoa(a)
	}
	return "–"
}

// SortHref links the list sorted by key: ascending first, the other
// direction when it is sorted by key already. Filters and the page size
// are kept; the page starts over.
func (p *caseListPage) SortHref(key string) string {
	v := p.keep("page", "sort", "dir")
	v.Set("sort", key)
	if p.Sort == key && !p.Desc {
		v.Set("dir", "desc")
	} else {
		v.Set("dir", "asc")
	}
	return "/cases?" + v.Encode()
}

// AriaSort is the aria-sort value of the column sorted by key.
func (p *caseListPage) AriaSort(key string) string {
	switch {
	case p.Sort != key:
		return "none"
	case p.Desc:
		return "descending"
	}
	return "ascending"
}

// SortMark is the arrow after the label of the sorted column.
func (p *caseListPage) SortMark(key string) string {
	switch {
	case p.Sort != key:
		return ""
	case p.Desc:
		return " ↓"
	}
	return " ↑"
}

// keep returns the list's query without the named parameters and without
// empty ones.
func (p *caseListPage) keep(drop ...string) url.Values {
	v := url.Values{}
	for k, vs := range p.query {
		if k != "lang" && !slices.Contains(drop, k) && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	return v
}

// truthy reads a check box or a boolean query parameter.
func truthy(p *parser, name string) bool {
	switch strings.ToLower(p.str(name)) {
	case "", "0", "false", "off", "no":
		return false
	case "1", "true", "on", "yes":
		return true
	}
	p.errors = append(p.errors, fieldErr(name, nrm.RuleOneOf, p.str(name), "true, false"))
	return false
}

// maxDeadlineDays bounds the deadline filter (ten years).
const maxDeadlineDays = 3650

// parseListFilter reads the parameters the case list page, the API and
// the exports share: owner_org, minors, open_stay, deadline_within (days),
// first_contact_from/_to, identified_from/_to (YYYY-MM-DD), sort (one of
// nrm.CaseSortKeys) and dir (asc or desc). Faults are collected in p.
func parseListFilter(p *parser, f *nrm.CaseFilter) {
	if o := p.str("owner_org"); o != "" {
		f.OwnerOrg = o
	}
	f.Minors = truthy(p, "minors")
	f.OpenStay = truthy(p, "open_stay")
	if p.str("deadline_within") != "" {
		n := p.integer("deadline_within")
		if n < 1 || n > maxDeadlineDays {
			p.errors = append(p.errors, fieldErr("deadline_within", nrm.RuleRange, p.str("deadline_within"),
				"a whole number 1–"+strconv.Itoa(maxDeadlineDays)))
		} else {
			f.DeadlineWithin = n
		}
	}
	for _, r := range []struct {
		from, to   string
		fromD, toD *nrm.Date
	}{{"first_contact_from", "first_contact_to", &f.FirstContactFrom, &f.FirstContactTo},
		{"identified_from", "identified_to", &f.IdentifiedFrom, &f.IdentifiedTo}} {
		*r.fromD, *r.toD = p.date(r.from), p.date(r.to)
		if !r.fromD.IsZero() && !r.toD.IsZero() && r.toD.Before(*r.fromD) {
			p.errors = append(p.errors, fieldErr(r.to, nrm.RuleDateOrder, r.toD.String(), "on or after "+r.fromD.String()))
		}
	}
	if key := p.str("sort"); key != "" {
		if !slices.Contains(nrm.CaseSortKeys, key) {
			p.errors = append(p.errors, fieldErr("sort", nrm.RuleOneOf, key, strings.Join(nrm.CaseSortKeys, ", ")))
		} else {
			f.Sort = key
		}
	}
	switch dir := p.str("dir"); dir {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		p.errors = append(p.errors, fieldErr("dir", nrm.RuleOneOf, dir, "asc, desc"))
	}
	if f.Sort == "" {
		// The default order: the latest change first.
		f.Sort, f.Desc = nrm.SortUpdated, p.str("dir") != "asc"
	}
}

// pageCaseFilter reads the case list page's query (also that of its CSV
// export). Unknown codes filter nothing, since the selects offer only
// known ones; malformed dates and numbers are reported in p.
func (s *Server) pageCaseFilter(q url.Values) (nrm.CaseFilter, *parser) {
	f := nrm.CaseFilter{
		Search: strings.TrimSpace(q.Get("q")), Nationality: strings.ToUpper(strings.TrimSpace(q.Get("nationality"))),
		Gender: nrm.Gender(q.Get("gender")), Outcome: nrm.Outcome(q.Get("outcome")), Authority: nrm.Authority(q.Get("authority")),
		Today: nrm.DateOf(s.now()),
	}
	if f.Gender != "" && !f.Gender.Valid() {
		f.Gender = ""
	}
	if f.Outcome != "" && !f.Outcome.Valid() {
		f.Outcome = ""
	}
	if f.Authority != "" && !f.Authority.Valid() {
		f.Authority = ""
	}
	if f.Nationality != "" && !nrm.ValidCountry(f.Nationality) {
		f.Nationality = ""
	}
	switch q.Get("status") {
	case "open":
		t := true
		f.Open = &t
	case "closed":
		t := false
		f.Open = &t
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 1990 && y <= 2200 {
		f.IdentifiedYear = y
	}
	p := &parser{v: q}
	parseListFilter(p, &f)
	return f, p
}

// caseList lists the cases the user may see, with filters, sorting and
// paging. The list shows statistical attributes only.
func (s *Server) caseList(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q := r.URL.Query()
	f, fp := s.pageCaseFilter(q)
	p := &caseListPage{page: s.newPage(w, r, tr(lang, "cases.title")), Filter: newForm(q), PageSizes: casePageSizes,
		today: f.Today, query: q}
	if err := fp.err(); err != nil {
		// The faulty parts filter nothing; the page says which they are.
		p.Filter.addErr(err, lang)
	}
	p.PageSize = casePageSizes[0]
	if n, err := strconv.Atoi(q.Get("size")); err == nil && slices.Contains(casePageSizes, n) {
		p.PageSize = n
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f.Limit, f.Offset = p.PageSize, (pageNo-1)*p.PageSize
	cases, total, err := s.db.FindCases(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Cases, p.Total, p.PageNo, p.Sort, p.Desc = cases, total, pageNo, f.Sort, f.Desc
	p.Pages = max(1, int(math.Ceil(float64(total)/float64(p.PageSize))))
	link := func(n int) string {
		v := p.keep("page")
		v.Set("page", strconv.Itoa(n))
		return "/cases?" + v.Encode()
	}
	if pageNo > 1 {
		p.PrevHref = link(min(pageNo-1, p.Pages))
	}
	if pageNo < p.Pages {
		p.NextHref = link(pageNo + 1)
	}
	export := p.keep("page", "size")
	p.ExportHref = "/cases/export.csv?" + export.Encode()
	if a := nrm.ActorFromContext(r.Context()); sqlstore.ExportNames(a) {
		export.Set("names", "1")
		p.ExportNamesHref = "/cases/export.csv?" + export.Encode()
	}
	p.Countries, p.country = s.countries(ctx, lang)
	p.Orgs, _ = s.organisations(ctx, lang)
	for y := s.now().Year(); y >= 2002; y-- {
		p.Years = append(p.Years, y)
	}
	s.render(w, r, http.StatusOK, "cases", p)
}

// caseExportCSV downloads the list the page shows (its filters and order,
// every page) as CSV.
func (s *Server) caseExportCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, p := s.pageCaseFilter(q)
	names := truthy(p, "names")
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCasesCSV(w, r, f, names, s.fail)
}

// apiExportCases is GET /api/v1/cases/export.csv: the list of GET
// /api/v1/cases, with the same parameters (offset and limit aside), as CSV.
func (s *Server) apiExportCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := nrm.CaseFilter{Search: q.Get("search"), Ref: q.Get("ref"), Nationality: strings.ToUpper(q.Get("nationality")),
		Gender: nrm.Gender(q.Get("gender")), Outcome: nrm.Outcome(q.Get("outcome")), Authority: nrm.Authority(q.Get("authority")),
		Today: nrm.DateOf(s.now())}
	p := &parser{v: q}
	f.IdentifiedYear = p.integer("identified_year")
	if f.Gender != "" {
		p.code("gender", "gender", false)
	}
	if f.Outcome != "" {
		p.code("outcome", "assessment_outcome", false)
	}
	if f.Authority != "" {
		p.code("authority", "authority", false)
	}
	if q.Get("open") != "" {
		t := truthy(p, "open")
		f.Open = &t
	}
	parseListFilter(p, &f)
	names := truthy(p, "names")
	if err := p.err(); err != nil {
		s.apiError(w, r, malformedFields("invalid query", nrm.FieldErrors(err)))
		return
	}
	s.writeCasesCSV(w, r, f, names, s.apiError)
}

// CaseCSVHeader is the header row of a case list export; "name" follows
// when the export carries names.
var CaseCSVHeader = []string{"ref", "owner_org", "gender", "nationality", "residence_status", "age", "minor",
	"first_contact", "contact_form", "identified_on", "authority", "latest_outcome", "closed_on", "updated_at"}

// CaseCSVRecord returns a row of a case list export, every text guarded
// against formula injection.
func CaseCSVRecord(row *sqlstore.CaseExportRow, today nrm.Date, names bool) []string {
	s := row.CaseSummary
	age := ""
	if a := nrm.AgeIn(s.BirthYear, today); a >= 0 {
		age = strconv.Itoa(a)
	}
	minor := ""
	if age != "" {
		minor = strconv.FormatBool(nrm.Minor(s.BirthYear, today))
	}
	date := func(d nrm.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	rec := []string{s.Ref, s.OwnerOrg, string(s.Gender), s.Nationality, string(s.ResidenceStatus), age, minor,
		date(s.FirstContact), string(s.ContactForm), date(s.IdentifiedOn), string(s.Authority), string(s.LatestOutcome),
		date(s.ClosedOn), s.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}
	if names {
		rec = append(rec, row.Name)
	}
	for i := range rec {
		rec[i] = csvsafe.Protect(rec[i])
	}
	return rec
}

// writeCasesCSV streams the export of f. Nothing is sent before the store
// has audited the export; a refusal is answered by fail.
func (s *Server) writeCasesCSV(w http.ResponseWriter, r *http.Request, f nrm.CaseFilter, names bool,
	fail func(http.ResponseWriter, *http.Request, error)) {
	names = names && sqlstore.ExportNames(nrm.ActorFromContext(r.Context()))
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	started := false
	start := func() error {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", attachment("cases-"+f.Today.String()+".csv"))
		w.Header().Set("Cache-Control", "no-store")
		h := CaseCSVHeader
		if names {
			h = append(slices.Clone(h), "name")
		}
		return cw.Write(h)
	}
	_, err := s.db.ExportCaseList(r.Context(), f, names, func(row *sqlstore.CaseExportRow) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		return cw.Write(CaseCSVRecord(row, f.Today, names))
	})
	if err != nil && !started {
		fail(w, r, err)
		return
	}
	if err != nil {
		// Half a file has gone out: it ends here, and the log says why.
		s.log.Error("case export", "error", err)
		return
	}
	if !started {
		start()
	}
	cw.Flush()
	bw.Flush()
}

// today is the page's date (the server's clock when it was made).
func (p *casePage) today() nrm.Date {
	d, err := nrm.ParseDate(p.Today)
	if err != nil || d.IsZero() {
		return nrm.DateOf(time.Now())
	}
	return d
}

// Age is the age the person reaches this year, or "" when the birth
// year is unknown.
func (p *casePage) Age() string {
	if a := nrm.AgeIn(p.Case.BirthYear, p.today()); a >= 0 {
		return strconv.Itoa(a)
	}
	return ""
}

// Minor reports whether the person may be under 18 today (nrm.Minor).
func (p *casePage) Minor() bool { return nrm.Minor(p.Case.BirthYear, p.today()) }
