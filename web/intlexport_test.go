package web

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"nrm"
	"nrm/intlexport"
)

// TestIntlExportAPI: the exports the CLI writes (nrm export htcds, nrm
// report --format eurostat) are reachable through the API by the roles
// that may read case rows, with the same thresholds and refusals.
func TestIntlExportAPI(t *testing.T) {
	e := newTestEnv(t)
	add := func(ref string, g nrm.Gender, nat string) {
		c := &nrm.Case{Ref: ref, OwnerOrg: "CMM", Gender: g, Nationality: nat, ResidenceStatus: nrm.ResidenceIrregular,
			Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-05-20"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-06-01"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
				Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}, ExploitationCountry: "DK"}}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		add("NG-"+string(rune('A'+i)), nrm.GenderFemale, "NG")
	}
	add("BR-1", nrm.GenderMale, "BR")

	analyst, admin, worker := e.api("analyst"), e.api("admin"), e.api("worker")
	res, _ := analyst.call("GET", "/api/v1/exports/htcds?year=2011", "")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("htcds: %d %s", res.StatusCode, res.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], intlexport.HTCDSHeader) || len(recs) != 13 || res.Header.Get("X-Rows-Left-Out") != "1" {
		t.Fatalf("htcds: header %v, %d rows, left out %s", recs[0], len(recs)-1, res.Header.Get("X-Rows-Left-Out"))
	}
	if strings.Contains(res.Body, "Masculine") || strings.Contains(res.Body, "BR") {
		t.Fatalf("the lone man reached the file:\n%s", res.Body)
	}
	if res, _ = analyst.call("GET", "/api/v1/exports/htcds?year=2011&variant=ctdc", ""); !strings.HasPrefix(res.Body, "yearOfRegistration,") {
		t.Errorf("ctdc: %d %s", res.StatusCode, res.Body)
	}
	for _, c := range []struct {
		who    *apiClient
		path   string
		status int
		field  string
	}{
		{analyst, "/api/v1/exports/htcds?year=2011&variant=unodc", http.StatusBadRequest, "variant"},
		{analyst, "/api/v1/exports/htcds?year=2011&k=0", http.StatusBadRequest, "k"},
		{analyst, "/api/v1/exports/htcds", http.StatusBadRequest, "year"},
		{analyst, "/api/v1/exports/htcds?year=2011&k=1", http.StatusForbidden, ""},
		{worker, "/api/v1/exports/htcds?year=2011", http.StatusForbidden, ""},
		{worker, "/api/v1/exports/eurostat?year=2011", http.StatusForbidden, ""},
		{analyst, "/api/v1/exports/eurostat?year=2011&exact=1", http.StatusForbidden, ""},
		{analyst, "/api/v1/exports/eurostat/crim_thb_nope?year=2011", http.StatusNotFound, ""},
		{analyst, "/api/v1/exports/eurostat?year=2011&scope=organisation", http.StatusForbidden, ""},
	} {
		res, body := c.who.call("GET", c.path+map[bool]string{true: "&", false: "?"}[strings.Contains(c.path, "?")]+"lang=da", "")
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d: %s", c.path, res.StatusCode, c.status, res.Body)
			continue
		}
		if c.field != "" {
			fields, _ := body["fields"].([]any)
			if len(fields) != 1 || fields[0].(map[string]any)["field"] != c.field || !strings.Contains(fields[0].(map[string]any)["message"].(string), "forventet") {
				t.Errorf("%s: fields %v", c.path, body["fields"])
			}
		}
	}
	if res, _ = admin.call("GET", "/api/v1/exports/htcds?year=2011&k=1", ""); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Masculine") {
		t.Errorf("admin, k=1: %d %s", res.StatusCode, res.Body)
	}

	res, list := analyst.call("GET", "/api/v1/exports/eurostat?year=2011", "")
	if res.StatusCode != http.StatusOK || list["k"] != float64(3) || len(list["datasets"].([]any)) != 4 {
		t.Fatalf("eurostat list: %d %s", res.StatusCode, res.Body)
	}
	res, _ = analyst.call("GET", "/api/v1/exports/eurostat/crim_thb_vage?year=2011", "")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Body, "DATAFLOW,freq,unit,age,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n") ||
		!strings.Contains(res.Body, "TOTAL,M,DK,2011,,c\n") || !strings.Contains(res.Body, "TOTAL,T,DK,2011,13,\n") {
		t.Errorf("crim_thb_vage: %d\n%s", res.StatusCode, res.Body)
	}
	res, _ = admin.call("GET", "/api/v1/exports/eurostat/crim_thb_vage.csv?year=2011&exact=1", "")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "TOTAL,M,DK,2011,1,\n") {
		t.Errorf("exact crim_thb_vage: %d\n%s", res.StatusCode, res.Body)
	}
}
