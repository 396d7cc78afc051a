package nrm_test

import (
	"testing"

	"nrm"
)

// The competent authority by residence status, as the law assigns it
// (design.md §3): the Danish Immigration Service (US) assesses asylum
// seekers and people without legal stay, the Centre against Human
// Trafficking (CMM) people with legal stay; for an unknown status neither
// is expected.
func TestAuthorityFor(t *testing.T) {
	for status, want := range map[nrm.ResidenceStatus]nrm.Authority{
		nrm.ResidenceLegal:        nrm.AuthorityCMM,
		nrm.ResidenceIrregular:    nrm.AuthorityUS,
		nrm.ResidenceAsylumSeeker: nrm.AuthorityUS,
		nrm.ResidenceUnknown:      "",
		"":                        "",
		"tourist":                 "",
	} {
		if got := nrm.AuthorityFor(status); got != want {
			t.Errorf("AuthorityFor(%q) = %q, want %q", status, got, want)
		}
	}
}

// authorityCase is a valid identified case with the given residence status
// and assessing authority.
func authorityCase(status nrm.ResidenceStatus, auth nrm.Authority, reason string) *nrm.Case {
	return &nrm.Case{Ref: "AU-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: status,
		Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
		Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: auth, Outcome: nrm.OutcomeIdentified,
			Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}, OverrideReason: reason}}}
}

// mismatch reports whether validation refuses the case for the authority
// rule, and fails on any other refusal.
func mismatch(t *testing.T, c *nrm.Case) bool {
	t.Helper()
	err := c.Validate(nrm.MustDate("2012-01-01"))
	if err == nil {
		return false
	}
	fe := nrm.FieldErrors(err)
	if nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != 1 || fe[0].Field != "assessment_authority" || fe[0].Rule != nrm.RuleAuthorityMismatch {
		t.Fatalf("%s/%s: unexpected refusal %v", c.ResidenceStatus, c.Assessments[0].Authority, err)
	}
	return true
}

// An assessment by the other authority needs a reason; a reason of only
// white space is no reason.
func TestAuthorityMismatchNeedsAReason(t *testing.T) {
	for _, tc := range []struct {
		status nrm.ResidenceStatus
		auth   nrm.Authority
		reason string
		want   bool
	}{
		{nrm.ResidenceAsylumSeeker, nrm.AuthorityUS, "", false},
		{nrm.ResidenceAsylumSeeker, nrm.AuthorityCMM, "", true},
		{nrm.ResidenceIrregular, nrm.AuthorityCMM, "", true},
		{nrm.ResidenceLegal, nrm.AuthorityUS, "", true},
		{nrm.ResidenceLegal, nrm.AuthorityCMM, "", false},
		{nrm.ResidenceUnknown, nrm.AuthorityUS, "", false},
		{nrm.ResidenceUnknown, nrm.AuthorityCMM, "", false},
		{nrm.ResidenceAsylumSeeker, nrm.AuthorityCMM, " ", true},
		{nrm.ResidenceLegal, nrm.AuthorityUS, "   \t\n ", true},
		{nrm.ResidenceLegal, nrm.AuthorityUS, "\u00a0\u2003", true},
		{nrm.ResidenceLegal, nrm.AuthorityUS, "Overført fra US under sagens behandling", false},
		{nrm.ResidenceAsylumSeeker, nrm.AuthorityCMM, " x ", false},
	} {
		if got := mismatch(t, authorityCase(tc.status, tc.auth, tc.reason)); got != tc.want {
			t.Errorf("%s assessed by %s with reason %q: refused %v, want %v", tc.status, tc.auth, tc.reason, got, tc.want)
		}
	}
}

// Nearest-rank percentiles, counted by hand: the p-th percentile of n
// values is the ceil(p·n/100)-th smallest.
func TestNearestRank(t *testing.T) {
	for _, tc := range []struct{ n, pct, want int }{
		{0, 50, 0}, {1, 50, 1}, {1, 90, 1}, {2, 50, 1}, {3, 50, 2}, {3, 90, 3}, {7, 90, 7},
		{10, 50, 5}, {10, 90, 9}, {11, 50, 6}, {20, 90, 18}, {21, 90, 19}, {100, 90, 90}, {101, 90, 91},
	} {
		if got := nrm.NearestRank(tc.n, tc.pct); got != tc.want {
			t.Errorf("NearestRank(%d, %d) = %d, want %d", tc.n, tc.pct, got, tc.want)
		}
	}
}
