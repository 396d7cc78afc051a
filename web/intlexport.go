package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"nrm"
	"nrm/disclosure"
	"nrm/intlexport"
)

// exportRoles may read the international exports: those who may read the
// case rows (sqlstore.CaseRows) — administrators, coordinators, analysts.
var exportRoles = []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAnalyst}

// intlexportRoutes are the exports for international bodies, as the CLI
// writes them: nrm export htcds and nrm report --format eurostat.
func (s *Server) intlexportRoutes() {
	s.route("GET /api/v1/exports/htcds", 0, exportRoles, s.apiExportHTCDS)
	s.route("GET /api/v1/exports/eurostat", 0, exportRoles, s.apiEurostatList)
	s.route("GET /api/v1/exports/eurostat/{dataset}", 0, exportRoles, s.apiEurostatDataset)
}

// exportQuery reads year (required) and cutoff as the statistics do, and
// refuses an organisation's scope: the exports are national.
func (s *Server) exportQuery(r *http.Request) (nrm.StatsQuery, int, error) {
	if strings.TrimSpace(r.URL.Query().Get("year")) == "" {
		return nrm.StatsQuery{}, 0, malformedFields("year is required", []nrm.FieldError{fieldErr("year", nrm.RuleRequired, "", "a year, e.g. 2011")})
	}
	q, k, err := s.statsQuery(r)
	if err != nil {
		if nrm.ErrorCode(err) == nrm.EINVALID {
			err = malformedFields("invalid query", nrm.FieldErrors(err))
		}
		return q, 0, err
	}
	if q.Org != "" {
		return q, 0, malformedFields("invalid scope", []nrm.FieldError{fieldErr("scope", nrm.RuleOneOf, r.URL.Query().Get("scope"), "national")})
	}
	return q, k, nil
}

// intParam reads an optional positive integer parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, malformedFields("invalid "+name, []nrm.FieldError{fieldErr(name, nrm.RuleFormat, v, "a whole number of at least 1")})
	}
	return n, nil
}

// apiExportHTCDS is GET /api/v1/exports/htcds?year=Y[&variant=htcds|ctdc]
// [&k=11][&cutoff=D]: the k-anonymised case CSV. A k below CTDC's 11
// needs statistics clearance, as exact figures do.
func (s *Server) apiExportHTCDS(w http.ResponseWriter, r *http.Request) {
	q, _, err := s.exportQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	v := intlexport.Variant(strings.ToLower(strings.TrimSpace(r.URL.Query().Get("variant"))))
	if v == "" {
		v = intlexport.VariantHTCDS
	}
	if !v.Valid() {
		s.apiError(w, r, malformedFields("invalid variant", []nrm.FieldError{fieldErr("variant", nrm.RuleOneOf, string(v), "htcds, ctdc")}))
		return
	}
	k, err := intParam(r, "k", intlexport.DefaultK)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if k < intlexport.DefaultK && !s.statsCleared(r) {
		s.apiError(w, r, nrm.Errorf(nrm.EFORBIDDEN, "a threshold below %d needs statistics clearance", intlexport.DefaultK))
		return
	}
	rows, err := s.db.CaseRows(r.Context(), q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var buf bytes.Buffer
	rep, err := intlexport.WriteCases(&buf, rows, v, k)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment(string(v)+"-"+strconv.Itoa(q.Year)+".csv"))
	w.Header().Set("X-Rows-Written", strconv.Itoa(rep.Rows))
	w.Header().Set("X-Rows-Left-Out", strconv.Itoa(rep.Suppressed))
	w.Write(buf.Bytes())
}

// eurostatTables computes the SDMX-CSV datasets of the query: published
// (k = 3) unless the user has statistics clearance and asks for exact=1.
func (s *Server) eurostatTables(r *http.Request) ([]intlexport.Table, int, error) {
	q, k, err := s.exportQuery(r)
	if err != nil {
		return nil, 0, err
	}
	exact := r.URL.Query().Get("exact") == "1"
	switch {
	case exact && k > 1:
		return nil, 0, nrm.Errorf(nrm.EFORBIDDEN, "exact figures need statistics clearance")
	case !exact:
		k = disclosure.DefaultK
	default:
		k = 1
	}
	st, err := s.db.Statistics(r.Context(), q)
	if err != nil {
		return nil, 0, err
	}
	return intlexport.SDMXTables(st, k), k, nil
}

// eurostatListing is one dataset of GET /api/v1/exports/eurostat.
type eurostatListing struct {
	Dataset      string `json:"dataset"`
	Title        string `json:"title"`
	Observations int    `json:"observations"`
	Href         string `json:"href"`
}

// apiEurostatList lists the SDMX-CSV datasets of a year with their links.
func (s *Server) apiEurostatList(w http.ResponseWriter, r *http.Request) {
	ts, k, err := s.eurostatTables(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := struct {
		K        int               `json:"k"`
		Datasets []eurostatListing `json:"datasets"`
	}{K: k}
	for _, t := range ts {
		out.Datasets = append(out.Datasets, eurostatListing{Dataset: t.Code, Title: t.Title, Observations: len(t.Rows),
			Href: "/api/v1/exports/eurostat/" + t.Code + "?" + r.URL.RawQuery})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiEurostatDataset is one SDMX-CSV dataset.
func (s *Server) apiEurostatDataset(w http.ResponseWriter, r *http.Request) {
	ts, _, err := s.eurostatTables(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	name := strings.TrimSuffix(r.PathValue("dataset"), ".csv")
	for _, t := range ts {
		if t.Code != name {
			continue
		}
		var buf bytes.Buffer
		if err := intlexport.WriteCSV(&buf, t); err != nil {
			s.apiError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", attachment(t.Code+".csv"))
		w.Write(buf.Bytes())
		return
	}
	s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "no dataset %q", name))
}
