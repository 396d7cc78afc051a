package cli_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/cli"
)

// TestReferralCommands runs consent, referral and queue commands end to
// end on a temporary SQLite database.
func TestReferralCommands(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init") // creates the database and its key file
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	db := e.open()
	for _, o := range []nrm.Organisation{
		{Code: "US", NameDA: "Udlændingestyrelsen", NameEN: "Danish Immigration Service", Kind: "authority"},
		{Code: "CMM", NameDA: "Center mod Menneskehandel", NameEN: "Centre against Human Trafficking", Kind: "authority"},
		{Code: "RIGSPOLITIET", NameDA: "Rigspolitiet", NameEN: "National Police", Kind: "police"},
	} {
		if err := db.UpsertOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	c := &nrm.Case{Ref: "CLI-1", OwnerOrg: "RIGSPOLITIET", Gender: nrm.GenderMale, Nationality: "VN", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers: nrm.Identifiers{Name: "Secret Person", BirthDate: nrm.MustDate("1995-04-02")},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2024-01-10"), Form: nrm.ContactPolice, Org: "RIGSPOLITIET"}}}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if out := e.ok("consent", "give", "CLI-1", "--scope", "refer,statistics", "--date", "2024-01-11", "--given-by", "the person"); out != "Consent 1 recorded.\n" {
		t.Fatalf("consent give: %q", out)
	}
	// Every fault of the form at once, in the chosen language.
	_, errOut, code := e.nrm("referral", "send", "CLI-1", "--to", "CMM", "--purpose", "assessment", "--date", "2024-02-01", "--consent-id", "1")
	if code != 1 || !strings.Contains(errOut, "Referred from is required") || !strings.Contains(errOut, "Reason for the referral is required") ||
		!strings.Contains(errOut, "Referred to does not match the residence status") {
		t.Fatalf("bad referral: exit %d\n%s", code, errOut)
	}
	var da, daErr strings.Builder
	if code := cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "da", "referral", "send", "CLI-1", "--to", "US",
		"--purpose", "assessment", "--date", "2024-13-01", "--from", "RIGSPOLITIET", "--reason", "x"}, &da, &daErr); code != 1 ||
		!strings.Contains(daErr.String(), "Henvisningsdato har et ugyldigt format") {
		t.Fatalf("Danish date error: exit %d\n%s", code, daErr.String())
	}

	reason := "Worked unpaid on a farm, passport taken"
	out := e.ok("referral", "send", "CLI-1", "--to", "us", "--purpose", "assessment", "--date", "2024-02-01", "--from", "RIGSPOLITIET",
		"--reason", reason, "--indicator", "debt_bondage", "--indicator", "documents_withheld", "--consent-id", "1")
	if out != "Referral 1 sent from RIGSPOLITIET to US.\n" {
		t.Fatalf("send: %q", out)
	}
	list := e.ok("referral", "list", "--status", "sent")
	if !strings.Contains(list, "CLI-1") || !strings.Contains(list, "RIGSPOLITIET") || !strings.Contains(list, "Sent") || strings.Contains(list, "farm") {
		t.Fatalf("list:\n%s", list)
	}
	if list := e.ok("referral", "list", "--status", "returned"); strings.Contains(list, "CLI-1") {
		t.Fatalf("status filter:\n%s", list)
	}
	sizes := e.ok("queue")
	if !regexp.MustCompile(`(?m)^US\s+1\s+0\s+\d+\s+2024-02-01$`).MatchString(sizes) || !regexp.MustCompile(`(?m)^CMM\s+0\s+0\s+0\s+-$`).MatchString(sizes) {
		t.Fatalf("queue sizes:\n%s", sizes)
	}
	if q := e.ok("queue", "--authority", "cmm"); !strings.Contains(q, "The queue is empty.") {
		t.Fatalf("CMM queue:\n%s", q)
	}
	var items []nrm.QueueItem
	if err := json.Unmarshal([]byte(e.ok("queue", "--authority", "US", "--json")), &items); err != nil || len(items) != 1 ||
		items[0].CaseRef != "CLI-1" || items[0].Status != nrm.ReferralSent || items[0].ReferredOn != nrm.MustDate("2024-02-01") {
		t.Fatalf("US queue: %v %+v", err, items)
	}

	if out := e.ok("referral", "accept", "1", "--date", "2024-02-05"); out != "Referral 1 accepted.\n" {
		t.Fatalf("accept: %q", out)
	}
	if _, errOut, code := e.nrm("referral", "withdraw", "1"); code != 1 || !strings.Contains(errOut, "already been dealt with") {
		t.Fatalf("withdraw after accept: exit %d %s", code, errOut)
	}
	if _, errOut, code := e.nrm("referral", "accept", "77"); code != 1 || !strings.Contains(errOut, "Referral not found.") {
		t.Fatalf("accept missing: exit %d %s", code, errOut)
	}
	if out := e.ok("consent", "withdraw", "CLI-1", "1", "--date", "2024-03-01"); out != "Consent 1 withdrawn.\n" {
		t.Fatalf("consent withdraw: %q", out)
	}
	if list := e.ok("referral", "list"); !strings.Contains(list, "Accepted (access revoked)") {
		t.Fatalf("list after withdrawal:\n%s", list)
	}

	db = e.open()
	got, err := db.FindCaseByRef(ctx, "CLI-1")
	if err != nil || len(got.Referrals) != 1 || len(got.Consents) != 1 {
		t.Fatalf("case after the commands: %v %+v", err, got)
	}
	r := got.Referrals[0]
	if r.Reason != reason || r.AccessRevokedOn != nrm.MustDate("2024-03-01") || len(r.Indicators) != 2 || r.StatusOn != nrm.MustDate("2024-02-05") {
		t.Fatalf("stored referral: %+v", r)
	}
	db.Close()
	if audit := e.ok("audit", "list"); strings.Contains(audit, "farm") || strings.Contains(audit, "Secret") || !strings.Contains(audit, "referral.accept") {
		t.Fatalf("audit:\n%s", audit)
	}
	e.ok("audit", "verify")
}
