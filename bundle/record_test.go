package bundle_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/bundle/xlsxbundle"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"

	"github.com/xuri/excelize/v2"
)

// richBundle is a whole-record bundle written the way export writes it
// (rows by case_ref, date, id; cells protected), so that its export must
// give the same bytes back.
func richBundle() map[string]string {
	return map[string]string{
		"cases.csv": `case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org,assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country,labour_setting
R-1,RIGSPOLITIET,female,1990-05-17,,NG,irregular,2011-01-10,police,RIGSPOLITIET,2011-05-01,US,identified,sexual;forced_criminality,,DK,
R-2,REDEN,male,,2000,TH,legal,2011-02-01,outreach,REDEN,,,,,,,
R-3,CMM,male,,1980,UA,asylum_seeker,2011-01-05,asylum_system,,2011-02-01,US,identified,forced_labour,agriculture,DK,farms
R-4,CMM,female,,1985,RO,irregular,2011-06-01,ngo,LOKK,2011-07-01,US,not_identified,,,,
`,
		"accommodations.csv": `case_ref,kind,provider,start_date,end_date
R-1,crisis_shelter,Reden International,2011-01-20,2011-03-01
R-3,asylum_centre,Center Sandholm,2011-01-05,2011-04-01
`,
		"exits.csv": `case_ref,date,kind
R-3,2011-04-01,prepared_return
`,
		"prosecutions.csv": `year,cutoff_date,charges,decisions,convictions_unconditional,convictions_partly_suspended
2011,2012-03-01,21,15,6,3
`,
		"contacts.csv": `case_ref,date,contact_form,org,place
R-1,2011-01-10,police,RIGSPOLITIET,København
R-1,2011-02-01,ngo,REDEN,Aarhus
R-2,2011-02-01,outreach,REDEN,
R-3,2011-01-05,asylum_system,,
R-3,2011-05-02,police,RIGSPOLITIET,Odense
R-4,2011-06-01,ngo,LOKK,
`,
		"assessments.csv": `case_ref,assessment_no,stage,date,authority,outcome,exploitation,labour_sector,exploitation_country,override_reason,reasons,notified_on,decided_by,labour_setting
R-1,1,preliminary,2011-01-20,US,identified,sexual,,,,Foreløbig: flere indikatorer,2011-01-21,us-assessor,
R-1,2,final,2011-03-01,US,not_identified,,,,,Utilstrækkelige oplysninger,2011-03-02,us-assessor,
R-1,3,final,2011-05-01,US,identified,sexual;forced_criminality,,DK,,Genoptaget efter ny forklaring,2011-05-03,us-assessor,
R-3,1,,2011-02-01,US,identified,forced_labour,agriculture,DK,,,,,farms
R-4,1,,2011-07-01,US,not_identified,,,,,,,,
`,
		"reflection_periods.csv": `case_ref,start_date,end_date,kind,reason,decided_by
R-1,2011-01-20,2011-03-01,initial,,US
R-1,2011-03-01,2011-04-30,extension,Behov for mere tid,US
`,
		"offers.csv": `case_ref,kind,offered_date,accepted
R-1,crisis_shelter,2011-01-20,yes
R-1,legal_counselling,2011-02-01,no
R-3,prepared_return,2011-03-01,
`,
		"reopenings.csv": `case_ref,date,reason
R-3,2011-05-01,Vendt tilbage til Danmark
`,
		"reconsiderations.csv": `case_ref,assessment_no,requested_on,grounds,deadline,outcome,decided_on,new_assessment_no
R-1,2,2011-03-10,Personen har givet en ny forklaring,2011-04-09,overturned,2011-05-01,3
`,
		"consents.csv": `case_ref,consent_no,scopes,share_with,given_on,given_by,withdrawn_on,recorded_by
R-1,1,refer;share,REDEN,2011-01-12,the person,,pol-1
R-1,2,statistics,,2011-01-15,the person,2011-06-01,pol-1
`,
		"referrals.csv": `case_ref,purpose,from_org,from_user,to_org,date,reason,route_reason,indicators,consent_no,municipality_informed_on,municipality,status,status_on,status_by,return_reason,access_revoked_on,revoke_reason
R-1,assessment,RIGSPOLITIET,pol-1,US,2011-01-12,Fundet på en massageklinik,,documents_withheld;debt_bondage,1,,,accepted,2011-01-14,us-assessor,,,
R-1,support,RIGSPOLITIET,pol-1,REDEN,2011-01-13,Behov for krisecenter,,,1,,,accepted,2011-01-14,reden-1,,2011-03-01,Ikke længere nødvendigt
R-1,assessment,RIGSPOLITIET,pol-1,CMM,2011-01-20,Anden vurdering ønsket,CMM kender sagen,,1,,,returned,2011-01-22,cmm-1,Ikke vores område,,
R-2,assessment,REDEN,reden-1,CMM,2011-02-02,Mindreårig i prostitution,,controlled_by_others,,2011-02-02,Aarhus Kommune,sent,,,,,
R-2,support,REDEN,reden-1,LOKK,2011-02-03,Behov for bolig,,,,2011-02-03,Aarhus Kommune,withdrawn,2011-02-04,reden-1,,,
`,
		"shares.csv": `case_ref,org
R-1,LOKK
R-1,REDEN
`,
		"identifiers.csv": `case_ref,name,aliases,document_numbers,phone,address,notes
R-1,Hemmelig Testperson,Alias Et;Alias To,P1234567,'+4512345678,Skjultvej 1,Frygter bagmanden
`,
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: %s differs:\ngot:\n%s\nwant:\n%s", what, n, got[n], want[n])
		}
	}
}

func exportDir(t *testing.T, db *sqlstore.DB) map[string]string {
	t.Helper()
	pros, err := db.FindProsecutions(admin)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "export")
	if _, err := bundle.ExportPathWith(admin, db, pros, out, withIdentifiers); err != nil {
		t.Fatal(err)
	}
	return readDir(t, out)
}

// The whole record survives export → import into an empty database →
// export, byte for byte, on both engines and as folder, zip and XLSX.
func TestWholeRecordRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		in := richBundle()
		res, err := importDir(t, db, writeBundle(t, in))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 {
			t.Fatalf("import: %+v", res)
		}
		c, err := db.FindCaseByRef(admin, "R-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Contacts) != 2 || len(c.Assessments) != 3 || len(c.Reconsiderations) != 1 || len(c.Consents) != 2 ||
			len(c.Referrals) != 3 || len(c.Offers) != 2 || len(c.ReflectionPeriods) != 2 || len(c.SharedWith) != 2 ||
			c.Identifiers.Name != "Hemmelig Testperson" || c.Identifiers.Phone != "+4512345678" {
			t.Fatalf("R-1 as stored: %+v", c)
		}
		if r := c.Reconsiderations[0]; r.AssessmentID != c.Assessments[1].ID || r.NewAssessmentID != c.Assessments[2].ID {
			t.Fatalf("reconsideration links %d→%d, assessments %+v", r.AssessmentID, r.NewAssessmentID, c.Assessments)
		}
		if c.Referrals[0].ConsentID != c.Consents[0].ID || c.Referrals[0].Reason != "Fundet på en massageklinik" {
			t.Fatalf("referral: %+v consents %+v", c.Referrals[0], c.Consents)
		}
		if got := c.ReferralAccess(); len(got) != 1 || got[0] != "US" {
			t.Fatalf("referral access %v, want [US] (REDEN revoked, CMM returned)", got)
		}
		if c.Assessments[0].Stage != nrm.StagePreliminary || c.Assessments[2].Reasons != "Genoptaget efter ny forklaring" {
			t.Fatalf("assessments: %+v", c.Assessments)
		}
		if c3 := must(db.FindCaseByRef(admin, "R-3"))(t); len(c3.Reopenings) != 1 || c3.IsClosed() {
			t.Fatalf("R-3 reopening: %+v", c3.Reopenings)
		}
		// Only the final identification counts.
		s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		if s.Identified.Total != 2 {
			t.Fatalf("identified %d, want 2 (R-1 final, R-3)", s.Identified.Total)
		}

		first := exportDir(t, db)
		want := map[string]string{}
		for n, b := range in {
			want[n] = b
		}
		sameFiles(t, "export of the imported bundle", first, want)

		// Re-importing the export into its source changes nothing.
		res, err = importDir(t, db, writeBundle(t, first))
		if err != nil || res.Unchanged != 4 || res.Updated != 0 || res.Created != 0 {
			t.Fatalf("export re-imported into its source: %+v %v", res, err)
		}

		for _, format := range []string{"dir", "zip", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				pros := must(db.FindProsecutions(admin))(t)
				var src bundle.Source
				var cells map[string][][]string
				switch format {
				case "dir", "zip":
					out := filepath.Join(t.TempDir(), "export")
					if format == "zip" {
						out += ".zip"
					}
					if _, err := bundle.ExportPathWith(admin, db, pros, out, withIdentifiers); err != nil {
						t.Fatal(err)
					}
					var err error
					if src, err = bundle.OpenPath(out); err != nil {
						t.Fatal(err)
					}
				case "xlsx":
					var buf bytes.Buffer
					sink := xlsxbundle.NewSink(&buf)
					if _, err := bundle.ExportWith(admin, db, pros, sink, withIdentifiers); err != nil {
						t.Fatal(err)
					}
					if err := sink.Close(); err != nil {
						t.Fatal(err)
					}
					cells = sheetCells(t, buf.Bytes())
					x, err := xlsxbundle.OpenReader(bytes.NewReader(buf.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					src = x
				}
				fresh := sqltest.MustOpenDB(t, db.Engine())
				if _, err := bundle.Import(admin, src, fresh, bundle.Options{}); err != nil {
					t.Fatal(err)
				}
				sameFiles(t, "second export", exportDir(t, fresh), first)
				if format == "xlsx" {
					pros := must(fresh.FindProsecutions(admin))(t)
					var buf bytes.Buffer
					sink := xlsxbundle.NewSink(&buf)
					if _, err := bundle.ExportWith(admin, fresh, pros, sink, withIdentifiers); err != nil {
						t.Fatal(err)
					}
					if err := sink.Close(); err != nil {
						t.Fatal(err)
					}
					again := sheetCells(t, buf.Bytes())
					if len(again) != len(cells) || len(cells) != 14 {
						t.Fatalf("sheets: %d and %d", len(cells), len(again))
					}
					for name, rows := range cells {
						if strings.Join(flatten(rows), "\x00") != strings.Join(flatten(again[name]), "\x00") {
							t.Errorf("sheet %s differs:\n%v\n%v", name, rows, again[name])
						}
					}
				}
			})
		}
	})
}

func sheetCells(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "\x01"))
	}
	return out
}

// A changed row of an optional file updates its case; a classic bundle
// leaves what it does not carry as it is.
func TestWholeRecordUpdates(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		in := richBundle()
		if _, err := importDir(t, db, writeBundle(t, in)); err != nil {
			t.Fatal(err)
		}
		changed := richBundle()
		changed["referrals.csv"] = strings.Replace(in["referrals.csv"], "R-2,assessment,REDEN,reden-1,CMM,2011-02-02,Mindreårig i prostitution,,controlled_by_others,,2011-02-02,Aarhus Kommune,sent,,,,,",
			"R-2,assessment,REDEN,reden-1,CMM,2011-02-02,Mindreårig i prostitution,,controlled_by_others,,2011-02-02,Aarhus Kommune,accepted,2011-02-05,cmm-1,,,", 1)
		if changed["referrals.csv"] == in["referrals.csv"] {
			t.Fatal("test bundle not changed")
		}
		res, err := importDir(t, db, writeBundle(t, changed))
		if err != nil || res.Updated != 1 || res.Unchanged != 3 {
			t.Fatalf("changed referral: %+v %v", res, err)
		}
		c := must(db.FindCaseByRef(admin, "R-2"))(t)
		if len(c.Referrals) != 2 || c.Referrals[0].Status != nrm.ReferralAccepted || c.Referrals[0].Reason != "Mindreårig i prostitution" {
			t.Fatalf("R-2 referrals after update: %+v", c.Referrals)
		}
		// The classic four files alone: nothing they carry differs, so
		// nothing changes, and the rest of the record stays.
		classic := map[string]string{}
		for _, n := range []string{"cases.csv", "accommodations.csv", "exits.csv", "prosecutions.csv"} {
			classic[n] = changed[n]
		}
		res, err = importDir(t, db, writeBundle(t, classic))
		if err != nil || res.Unchanged != 4 {
			t.Fatalf("classic re-import: %+v %v", res, err)
		}
		// A changed classic row replaces the first contact and the primary
		// assessment in place; the other contacts, assessments and the
		// reconsideration stay.
		classic["cases.csv"] = strings.Replace(classic["cases.csv"], "R-1,RIGSPOLITIET,female,1990-05-17,,NG,irregular,2011-01-10,police,RIGSPOLITIET,2011-05-01,US,identified,sexual;forced_criminality,,DK",
			"R-1,RIGSPOLITIET,female,1990-05-17,,NG,irregular,2011-01-10,police,RIGSPOLITIET,2011-05-01,US,identified,sexual,,DK", 1)
		res, err = importDir(t, db, writeBundle(t, classic))
		if err != nil || res.Updated != 1 {
			t.Fatalf("classic change: %+v %v", res, err)
		}
		c = must(db.FindCaseByRef(admin, "R-1"))(t)
		if len(c.Contacts) != 2 || len(c.Assessments) != 3 || len(c.Assessments[2].Exploitation) != 1 || len(c.Reconsiderations) != 1 ||
			c.Assessments[2].Reasons == "" || len(c.Referrals) != 3 || c.Identifiers.Name == "" || c.Contacts[0].Place != "København" {
			t.Fatalf("R-1 after a classic change: %+v", c)
		}
	})
}

// Problems in the optional files are reported with file, line and
// column, in Danish and English, and nothing is stored.
func TestWholeRecordErrors(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	files := richBundle()
	files["assessments.csv"] += "R-4,1,final,2011-08-01,US,pending,,,,,,,,\n" // duplicate number
	files["reconsiderations.csv"] += "R-4,7,2011-08-01,,2011-08-31,,,\n"      // no assessment 7
	files["referrals.csv"] += "R-1,support,RIGSPOLITIET,pol-1,REDEN,2011-02-01,Igen,,,9,,,sent,,,,,\n" +
		"R-1,support,RIGSPOLITIET,pol-1,REDEN,2011-02-02,Igen,,,1,,,lost,,,,,\n" +
		"R-4,assessment,LOKK,,CMM,2011-06-02,Grund,,,,,,returned,2011-06-03,cmm-1,,,\n" // wrong authority, no consent, no return reason
	files["consents.csv"] += "R-1,x,refer,,2011-01-12,,,\n"
	files["shares.csv"] += "NOPE-1,LOKK\n"
	files["cases.csv"] = strings.Replace(files["cases.csv"], "2011-05-01,US,identified,sexual;forced_criminality,,DK", "2011-05-01,US,identified,sexual,,DK", 1)
	src, err := bundle.OpenPath(writeBundle(t, files))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bundle.Import(admin, src, db, bundle.Options{KnownOrgs: map[string]bool{"RIGSPOLITIET": true, "REDEN": true, "CMM": true,
		"US": true, "LOKK": true}})
	var errs *bundle.Errors
	if !asErrors(err, &errs) {
		t.Fatalf("want bundle errors, got %v", err)
	}
	en, da := errs.Format(nrm.LangEN), errs.Format(nrm.LangDA)
	for _, want := range []string{
		`cases.csv line 2, column assessment_date: `,
		`the primary assessment of assessments.csv (assessment_no 3)`,
		`assessments.csv line 7, column assessment_no: Assessment number already exists (value "1"); expected: a number unique within the case (also on line 6)`,
		`reconsiderations.csv line 3, column assessment_no: Assessment number`,
		`consents.csv line 4, column consent_no: Consent number is out of range (value "x")`,
		`referrals.csv line 7, column consent_no: Consent number`,
		`referrals.csv line 8, column status: Status has an unknown value (value "lost")`,
		`shares.csv line 4, column case_ref: Case reference`,
		`referrals.csv line 9, column to_org: Referred to`,
		`referrals.csv line 9, column consent_no: Consent number is required`,
		`referrals.csv line 9, column return_reason: Reason for returning is required`,
	} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
	for _, want := range []string{"cases.csv linje 2, kolonne assessment_date: Vurderingsdato", "assessments.csv linje 7, kolonne assessment_no: Vurderingens nummer",
		"reconsiderations.csv linje 3, kolonne assessment_no: Vurderingens nummer henviser til noget, der ikke findes",
		"consents.csv linje 4, kolonne consent_no: Samtykkets nummer", "referrals.csv linje 7, kolonne consent_no: Samtykkets nummer",
		"referrals.csv linje 8, kolonne status: Status har en ukendt værdi"} {
		if !strings.Contains(da, want) {
			t.Errorf("missing %q in:\n%s", want, da)
		}
	}
	if _, n := must2(db.FindCases(admin, nrm.CaseFilter{}))(t); n != 0 {
		t.Fatalf("%d cases stored from a bad bundle", n)
	}

	// An unknown organisation.
	files = richBundle()
	files["referrals.csv"] = strings.Replace(files["referrals.csv"], "R-1,support,RIGSPOLITIET,pol-1,REDEN,", "R-1,support,RIGSPOLITIET,pol-1,NOWHERE,", 1)
	src = must(bundle.OpenPath(writeBundle(t, files)))(t)
	_, err = bundle.Import(admin, src, db, bundle.Options{KnownOrgs: map[string]bool{"RIGSPOLITIET": true, "REDEN": true, "CMM": true,
		"US": true, "LOKK": true}})
	if err == nil || !strings.Contains(err.Error(), `referrals.csv line 3, column to_org: Referred to refers to something that does not exist (value "NOWHERE")`) ||
		!strings.Contains(err.(*bundle.Errors).Format(nrm.LangDA), `referrals.csv linje 3, kolonne to_org: Henvist til henviser til noget, der ikke findes`) {
		t.Fatalf("unknown organisation: %v", err)
	}
}

// Decision reasons, grounds, referral reasons and identifiers are sealed:
// none is in the SQLite file in plain text.
func TestWholeRecordSealed(t *testing.T) {
	dsn := sqltest.DSN(t, "sqlite")
	db := sqltest.MustOpenDSN(t, dsn)
	if _, err := importDir(t, db, writeBundle(t, richBundle())); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var raw []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(dsn + suffix)
		if err != nil && (suffix == "" || !errors.Is(err, fs.ErrNotExist)) { // the log is gone after a clean close
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if len(raw) == 0 {
		t.Fatal("no database file")
	}
	for _, secret := range []string{"Genoptaget efter ny forklaring", "Personen har givet en ny forklaring", "Fundet på en massageklinik",
		"Hemmelig Testperson", "P1234567", "Skjultvej", "Vendt tilbage til Danmark", "Ikke vores område", "Ikke længere nødvendigt"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%q is in the database file in plain text", secret)
		}
	}
}

// The projection columns of cases.csv may be left empty for a case that
// contacts.csv and assessments.csv list; the stored case is the same.
func TestWholeRecordEmptyProjection(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	files := richBundle()
	files["cases.csv"] = strings.Replace(files["cases.csv"], "R-4,CMM,female,,1985,RO,irregular,2011-06-01,ngo,LOKK,2011-07-01,US,not_identified,,,,",
		"R-4,CMM,female,,1985,RO,irregular,,,,,,,,,,", 1)
	if _, err := importDir(t, db, writeBundle(t, files)); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "export", exportDir(t, db), richBundle())
}

// withIdentifiers exports the whole record, identifiers included, as
// `nrm export --identifiers` does.
var withIdentifiers = bundle.ExportOptions{Identifiers: true}

// TestExportLeavesIdentifiersOut: a plain export carries no name, alias,
// document number, phone, address or notes; only --identifiers adds them.
func TestExportLeavesIdentifiersOut(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := importDir(t, db, writeBundle(t, richBundle())); err != nil {
			t.Fatal(err)
		}
		for _, opt := range []bundle.ExportOptions{{}, withIdentifiers} {
			out := t.TempDir()
			if _, err := bundle.ExportPathWith(admin, db, nil, out, opt); err != nil {
				t.Fatal(err)
			}
			var all []byte
			entries := must(os.ReadDir(out))(t)
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(out, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			has := bytes.Contains(all, []byte("Hemmelig Testperson"))
			if _, err := os.Stat(filepath.Join(out, "identifiers.csv")); (err == nil) != opt.Identifiers || has != opt.Identifiers {
				t.Errorf("identifiers %v: identifiers.csv present %v, name present %v", opt.Identifiers, err == nil, has)
			}
		}
	})
}
