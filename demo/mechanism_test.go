package demo_test

// The mechanism between organisations in the demo bundle, checked from the
// CSV files with encoding/csv like the rest of this package: who owns each
// case, who referred it where, consents and minors, and that the files
// beyond cases.csv agree with it, so that the recount of the published
// figures in demo_test.go holds for the whole record.

import (
	"encoding/csv"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/demo"
)

// row is one CSV row with its line number.
type row struct {
	line int
	m    map[string]string
}

func (r row) get(col string) string { return r.m[col] }

// readRows reads an optional bundle file and checks its header; the rows
// are grouped by case_ref, in file order.
func readRows(t *testing.T, name string, header ...string) map[string][]row {
	t.Helper()
	b, err := fs.ReadFile(demo.Bundle, "bundle/"+name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	recs, err := csvRecords(string(b))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("%s: header %q, want %q", name, recs[0], header)
	}
	out := map[string][]row{}
	for i, rec := range recs[1:] {
		m := map[string]string{}
		for j, h := range header {
			m[h] = rec[j]
		}
		out[m["case_ref"]] = append(out[m["case_ref"]], row{i + 2, m})
	}
	return out
}

// mech is the whole record of the demo bundle beyond the classic files.
type mech struct {
	b                                                  *bundle
	contacts, assessments, consents, referrals, recons map[string][]row
}

func loadMech(t *testing.T) *mech {
	t.Helper()
	return &mech{b: mustLoad(t),
		contacts:    readRows(t, "contacts.csv", "case_ref", "date", "contact_form", "org", "place"),
		assessments: readRows(t, "assessments.csv", "case_ref", "assessment_no", "stage", "date", "authority", "outcome", "exploitation", "labour_sector", "exploitation_country", "override_reason", "reasons", "notified_on", "decided_by", "labour_setting"),
		consents:    readRows(t, "consents.csv", "case_ref", "consent_no", "scopes", "share_with", "given_on", "given_by", "withdrawn_on", "recorded_by"),
		referrals:   readRows(t, "referrals.csv", "case_ref", "purpose", "from_org", "from_user", "to_org", "date", "reason", "route_reason", "indicators", "consent_no", "municipality_informed_on", "municipality", "status", "status_on", "status_by", "return_reason", "access_revoked_on", "revoke_reason"),
		recons:      readRows(t, "reconsiderations.csv", "case_ref", "assessment_no", "requested_on", "grounds", "deadline", "outcome", "decided_on", "new_assessment_no"),
	}
}

// optDay parses an optional date column (zero when empty).
func optDay(t *testing.T, file string, r row, col string) time.Time {
	t.Helper()
	v := r.get(col)
	if v == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		t.Errorf("%s:%d: %s: %q is not a date", file, r.line, col, v)
	}
	return d
}

// identifying returns the case's first final identifying assessment in
// assessments.csv, or the latest assessment when there is none (the
// projection cases.csv carries).
func (m *mech) primary(t *testing.T, ref string) row {
	t.Helper()
	var first, last row
	for _, a := range m.assessments[ref] {
		d := optDay(t, "assessments.csv", a, "date")
		final := a.get("stage") != "preliminary"
		if final && a.get("outcome") == "identified" && (first.m == nil || d.Before(optDay(t, "assessments.csv", first, "date"))) {
			first = a
		}
		if last.m == nil || !d.Before(optDay(t, "assessments.csv", last, "date")) {
			last = a
		}
	}
	if first.m != nil {
		return first
	}
	return last
}

// TestRecordAgreesWithCases: contacts.csv and assessments.csv hold every
// case, and the projection columns of cases.csv — what the published
// figures are recounted from — are exactly their first contact and their
// first final identification (else latest assessment).
func TestRecordAgreesWithCases(t *testing.T) {
	m := loadMech(t)
	for _, c := range m.b.cases {
		cs := m.contacts[c.ref]
		if len(cs) == 0 {
			t.Errorf("%s: no row in contacts.csv", c.ref)
			continue
		}
		first := cs[0]
		for _, ct := range cs[1:] {
			if optDay(t, "contacts.csv", ct, "date").Before(optDay(t, "contacts.csv", first, "date")) {
				first = ct
			}
		}
		if got := optDay(t, "contacts.csv", first, "date"); !got.Equal(c.contact) || first.get("contact_form") != c.form || first.get("org") != c.contactOrg {
			t.Errorf("contacts.csv:%d: first contact %v, cases.csv:%d says %s %s %s", first.line, first.m, c.line,
				c.contact.Format(time.DateOnly), c.form, c.contactOrg)
		}
		as := m.assessments[c.ref]
		if len(as) == 0 {
			t.Errorf("%s: no row in assessments.csv", c.ref)
			continue
		}
		for i, a := range as {
			if a.get("assessment_no") != strconv.Itoa(i+1) {
				t.Errorf("assessments.csv:%d: assessment_no %s, want %d", a.line, a.get("assessment_no"), i+1)
			}
			if i > 0 && !optDay(t, "assessments.csv", as[i-1], "date").Before(optDay(t, "assessments.csv", a, "date")) {
				t.Errorf("assessments.csv:%d: not after the case's previous assessment", a.line)
			}
			if n := optDay(t, "assessments.csv", a, "notified_on"); !n.IsZero() && n.Before(optDay(t, "assessments.csv", a, "date")) {
				t.Errorf("assessments.csv:%d: notified before the decision", a.line)
			}
			if !nrm.ValidCode("assessment_stage", a.get("stage")) {
				t.Errorf("assessments.csv:%d: stage %q", a.line, a.get("stage"))
			}
		}
		p := m.primary(t, c.ref)
		if got := optDay(t, "assessments.csv", p, "date"); !got.Equal(c.assessed) || p.get("authority") != c.authority ||
			p.get("outcome") != c.outcome || p.get("exploitation") != strings.Join(c.expl, ";") ||
			p.get("labour_sector") != c.sector || p.get("exploitation_country") != c.country {
			t.Errorf("assessments.csv:%d: primary assessment %v disagrees with cases.csv:%d", p.line, p.m, c.line)
		}
	}
}

// TestOwnersReferred: every case is owned by the organisation that met the
// person — a first responder, never an authority — and every identified
// case has an assessment referral from it, accepted by the authority of
// the identifying decision on or before that decision.
func TestOwnersReferred(t *testing.T) {
	m := loadMech(t)
	for _, c := range m.b.cases {
		if c.owner != c.contactOrg {
			t.Errorf("cases.csv:%d: owner %s, the contact organisation is %s", c.line, c.owner, c.contactOrg)
		}
		if nrm.Authority(c.owner).Valid() {
			t.Errorf("cases.csv:%d: owned by the authority %s", c.line, c.owner)
		}
		accepted := 0
		for _, r := range m.referrals[c.ref] {
			if r.get("from_org") != c.owner {
				t.Errorf("referrals.csv:%d: from %s, not the owner %s", r.line, r.get("from_org"), c.owner)
			}
			if r.get("purpose") != "assessment" || r.get("status") != "accepted" {
				continue
			}
			accepted++
			on := optDay(t, "referrals.csv", r, "status_on")
			if r.get("to_org") != c.authority {
				t.Errorf("referrals.csv:%d: accepted by %s, the decision is by %s", r.line, r.get("to_org"), c.authority)
			}
			if d := optDay(t, "referrals.csv", r, "date"); d.Before(c.contact) || on.Before(d) || on.After(c.assessed) {
				t.Errorf("referrals.csv:%d: referred %s, accepted %s: want first contact ≤ referral ≤ acceptance ≤ decision %s",
					r.line, r.get("date"), r.get("status_on"), c.assessed.Format(time.DateOnly))
			}
			for _, a := range m.assessments[c.ref] {
				if optDay(t, "assessments.csv", a, "date").Before(on) {
					t.Errorf("assessments.csv:%d: decided before the referral was accepted (%s)", a.line, r.get("status_on"))
				}
			}
		}
		if accepted != 1 {
			t.Errorf("%s: %d accepted assessment referrals, want 1", c.ref, accepted)
		}
	}
}

// TestConsentAndMinors: a minor (under 18 on the referral date) is referred
// without consent and with the municipality informed; everyone else on a
// consent to referral (and statistics) given by the person on or before
// the referral.
func TestConsentAndMinors(t *testing.T) {
	m := loadMech(t)
	minors := 0
	for _, c := range m.b.cases {
		ks := m.consents[c.ref]
		for _, r := range m.referrals[c.ref] {
			d := optDay(t, "referrals.csv", r, "date")
			age, ok := ageAt(c, d)
			if ok && age < 18 {
				minors++
				if len(ks) != 0 || r.get("consent_no") != "" {
					t.Errorf("referrals.csv:%d: a minor (%d) referred with consent", r.line, age)
				}
				if informed := optDay(t, "referrals.csv", r, "municipality_informed_on"); informed.IsZero() || informed.After(d) || r.get("municipality") == "" {
					t.Errorf("referrals.csv:%d: a minor (%d) without the municipality informed", r.line, age)
				}
				continue
			}
			if r.get("municipality") != "" || r.get("municipality_informed_on") != "" {
				t.Errorf("referrals.csv:%d: municipality informed for an adult", r.line)
			}
			n, err := strconv.Atoi(r.get("consent_no"))
			if err != nil || n < 1 || n > len(ks) {
				t.Errorf("referrals.csv:%d: consent_no %q is not a consent of %s", r.line, r.get("consent_no"), c.ref)
				continue
			}
			k := ks[n-1]
			if g := optDay(t, "consents.csv", k, "given_on"); g.After(d) || g.Before(c.contact) || k.get("withdrawn_on") != "" ||
				k.get("scopes") != "refer;statistics" || k.get("given_by") != "the person" {
				t.Errorf("consents.csv:%d: %v does not allow the referral of referrals.csv:%d on %s", k.line, k.m, r.line, r.get("date"))
			}
		}
	}
	// The two minors of 2011 (16 and 17), each with a shelter or
	// assessment referral.
	if minors < 2 {
		t.Errorf("%d referrals of minors, want at least the two girls of 2011", minors)
	}
}

// TestReferralOutcomes: the few referrals that did not go through — each
// status with what it needs — and the support referrals to the shelters'
// organisations and to IOM.
func TestReferralOutcomes(t *testing.T) {
	m := loadMech(t)
	rule := map[string]string{"asylum_seeker": "US", "irregular": "US", "legal": "CMM"}
	shelterOrg := map[string]string{"Reden International krisecenter": "REDEN", "Røde Kors Kvindecenter": "RODE_KORS", "LOKK krisecenter": "LOKK"}
	status := map[string]int{}
	for _, c := range m.b.cases {
		to := map[string]string{}
		for _, r := range m.referrals[c.ref] {
			s := r.get("status")
			status[s]++
			if !nrm.ValidCode("referral_status", s) || !nrm.ValidCode("referral_purpose", r.get("purpose")) || r.get("reason") == "" ||
				r.get("from_user") == "" || r.get("status_by") == "" || r.get("status_on") == "" {
				t.Errorf("referrals.csv:%d: incomplete %v", r.line, r.m)
			}
			for _, i := range strings.Split(r.get("indicators"), ";") {
				if i != "" && !nrm.ValidCode("indicator", i) {
					t.Errorf("referrals.csv:%d: indicator %q", r.line, i)
				}
			}
			if r.get("purpose") == "assessment" && (r.get("indicators") == "" || len(strings.Split(r.get("indicators"), ";")) > 3) {
				t.Errorf("referrals.csv:%d: want 1–3 indicators", r.line)
			}
			if r.get("purpose") == "assessment" && (r.get("to_org") != rule[c.res]) != (r.get("route_reason") != "") {
				t.Errorf("referrals.csv:%d: to %s for %s: a route_reason exactly when leaving the rule", r.line, r.get("to_org"), c.res)
			}
			if (s == "returned") != (r.get("return_reason") != "") {
				t.Errorf("referrals.csv:%d: a return_reason exactly when returned", r.line)
			}
			if s == "accepted" {
				to[r.get("to_org")] = r.get("purpose")
			}
		}
		for _, s := range c.stays {
			if o := shelterOrg[s.provider]; s.kind == "crisis_shelter" && o != c.owner && to[o] != "support" {
				t.Errorf("accommodations.csv:%d: no accepted support referral to %s", s.line, o)
			}
		}
		for _, e := range c.exits {
			if e.kind == "prepared_return" && to["IOM"] != "support" {
				t.Errorf("exits.csv:%d: a prepared return without an accepted referral to IOM", e.line)
			}
		}
	}
	if n := status["returned"] + status["withdrawn"]; n < 2 || n > 4 || status["returned"] == 0 || status["withdrawn"] == 0 {
		t.Errorf("statuses %v: want 2–4 returned or withdrawn, some of each", status)
	}
	if status["sent"] != 0 {
		t.Errorf("%d referrals still sent: the demo's history is settled", status["sent"])
	}
}

// TestReconsiderations: only negative final decisions are reconsidered;
// some are upheld, and at least one overturned leads to the case's first
// final identification (so that the identification date and authority of
// cases.csv, and every figure, stay as published).
func TestReconsiderations(t *testing.T) {
	m := loadMech(t)
	outcomes := map[string]int{}
	for ref, rs := range m.recons {
		c := m.b.byRef[ref]
		if c == nil {
			t.Errorf("reconsiderations.csv: %s is not in cases.csv", ref)
			continue
		}
		as := m.assessments[ref]
		for _, r := range rs {
			outcomes[r.get("outcome")]++
			no, err := strconv.Atoi(r.get("assessment_no"))
			if err != nil || no < 1 || no > len(as) {
				t.Errorf("reconsiderations.csv:%d: assessment_no %q", r.line, r.get("assessment_no"))
				continue
			}
			a := as[no-1]
			if a.get("stage") == "preliminary" || a.get("outcome") != "not_identified" {
				t.Errorf("reconsiderations.csv:%d: reconsiders %v, not a negative final decision", r.line, a.m)
			}
			req, dl, dec := optDay(t, "reconsiderations.csv", r, "requested_on"), optDay(t, "reconsiderations.csv", r, "deadline"), optDay(t, "reconsiderations.csv", r, "decided_on")
			if req.Before(optDay(t, "assessments.csv", a, "date")) || !dl.Equal(req.AddDate(0, 0, 30)) || dec.Before(req) {
				t.Errorf("reconsiderations.csv:%d: dates %s, %s, %s out of order (deadline: 30 days)", r.line, r.get("requested_on"), r.get("deadline"), r.get("decided_on"))
			}
			switch r.get("outcome") {
			case "upheld":
				if r.get("new_assessment_no") != "" {
					t.Errorf("reconsiderations.csv:%d: upheld with a new assessment", r.line)
				}
			case "overturned":
				n, err := strconv.Atoi(r.get("new_assessment_no"))
				if err != nil || n < 1 || n > len(as) {
					t.Errorf("reconsiderations.csv:%d: new_assessment_no %q", r.line, r.get("new_assessment_no"))
					continue
				}
				if p := m.primary(t, ref); p.line != as[n-1].line || !dec.Equal(c.assessed) || c.outcome != "identified" {
					t.Errorf("reconsiderations.csv:%d: the new assessment is not the first identification of cases.csv:%d", r.line, c.line)
				}
			default:
				t.Errorf("reconsiderations.csv:%d: outcome %q", r.line, r.get("outcome"))
			}
		}
	}
	if outcomes["upheld"] < 1 || outcomes["overturned"] < 1 {
		t.Errorf("reconsiderations %v: want some upheld and at least one overturned", outcomes)
	}
}

// TestPreliminaryMostly: most identified persons were first presumed
// victims, by the same authority, between acceptance and the decision.
func TestPreliminaryMostly(t *testing.T) {
	m := loadMech(t)
	identified, presumed := 0, 0
	for _, c := range m.b.cases {
		if c.outcome != "identified" {
			continue
		}
		identified++
		for _, a := range m.assessments[c.ref] {
			if a.get("stage") != "preliminary" {
				continue
			}
			presumed++
			if a.get("outcome") != "identified" || a.get("authority") != c.authority || !optDay(t, "assessments.csv", a, "date").Before(c.assessed) {
				t.Errorf("assessments.csv:%d: preliminary %v, want a presumed victim by %s before %s", a.line, a.m, c.authority, c.assessed.Format(time.DateOnly))
			}
		}
	}
	if presumed*10 < identified*7 {
		t.Errorf("%d of %d identified were presumed victims first, want most", presumed, identified)
	}
}

func csvRecords(s string) ([][]string, error) { return csv.NewReader(strings.NewReader(s)).ReadAll() }
