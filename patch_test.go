package nrm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// body parses a JSON object for a patch.
func body(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// fieldRules renders an error's field errors as "field:rule" for
// comparison.
func fieldRules(err error) string {
	var out []string
	for _, f := range FieldErrors(err) {
		out = append(out, f.Field+":"+f.Rule)
	}
	return strings.Join(out, " ")
}

func TestPatchFact(t *testing.T) {
	for _, tc := range []struct {
		name, kind string
		id         int64
		body       string
		code       string // "" for success
		fields     string
		check      func(c *Case) bool
	}{
		{"contact form", "contacts", 1, `{"form":"outreach","place":"Aarhus"}`, "", "",
			func(c *Case) bool {
				return c.Contacts[0].Form == ContactOutreach && c.Contacts[0].Place == "Aarhus" && c.Contacts[0].Date == MustDate("2011-01-10")
			}},
		{"null clears", "accommodations", 4, `{"provider":"Reden","end":null}`, "", "",
			func(c *Case) bool { return c.Accommodations[0].Provider == "Reden" && c.Accommodations[0].End.IsZero() }},
		{"end a stay", "accommodations", 4, `{"end":"2011-03-01"}`, "", "",
			func(c *Case) bool { return c.Accommodations[0].End == MustDate("2011-03-01") }},
		{"exploitation set", "assessments", 2, `{"exploitation":["sexual","forced_labour"],"labour_sector":"cleaning"}`, "", "",
			func(c *Case) bool {
				return len(c.Assessments[0].Exploitation) == 2 && c.Assessments[0].LabourSector == "cleaning"
			}},
		{"offer answer cleared", "offers", 5, `{"accepted":null}`, "", "",
			func(c *Case) bool { return c.Offers[0].Accepted == nil }},
		{"same id accepted", "reflection_periods", 3, `{"id":3,"end":"2011-06-01"}`, "", "",
			func(c *Case) bool { return c.ReflectionPeriods[0].End == MustDate("2011-06-01") }},
		{"every fault at once", "contacts", 1, `{"colour":"red","date":"2011-13-01","form":7}`, EINVALID, "colour:not_allowed date:format form:format", nil},
		{"id cannot change", "contacts", 1, `{"id":9}`, EINVALID, "id:not_allowed", nil},
		{"unknown kind", "widgets", 1, `{}`, EINVALID, "fact:one_of", nil},
		{"missing fact", "contacts", 99, `{"form":"police"}`, ENOTFOUND, "", nil},
		{"fact of another kind", "exits", 1, `{"kind":"asylum"}`, ENOTFOUND, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := lifecycleCase()
			err := PatchFact(c, tc.kind, tc.id, body(t, tc.body))
			if ErrorCode(err) != tc.code || fieldRules(err) != tc.fields {
				t.Fatalf("PatchFact: code %q fields %q, want %q %q (%v)", ErrorCode(err), fieldRules(err), tc.code, tc.fields, err)
			}
			if tc.code != "" {
				if !reflect.DeepEqual(c, lifecycleCase()) {
					t.Errorf("a refused patch changed the case: %+v", c)
				}
				return
			}
			if !tc.check(c) {
				t.Errorf("patched case: %+v", c)
			}
		})
	}
}

func TestPatchFactErrorsNeverEchoValues(t *testing.T) {
	c := &Case{Reconsiderations: []Reconsideration{{ID: 7, RequestedOn: MustDate("2012-01-01"), Deadline: MustDate("2012-01-31")}}}
	err := PatchFact(c, "reconsiderations", 7, body(t, `{"grounds":["Secret grounds"],"deadline":"31/01/2012"}`))
	if fieldRules(err) != "deadline:format grounds:format" {
		t.Fatalf("errors: %v", err)
	}
	for _, lang := range []Lang{LangDA, LangEN} {
		for _, f := range FieldErrors(err) {
			if m := f.Message(lang); strings.Contains(m, "Secret") || strings.Contains(m, "31/01") {
				t.Errorf("value echoed: %s", m)
			}
		}
	}
	if m := FieldErrors(err)[0].Message(LangDA); !strings.HasPrefix(m, "Frist har et ugyldigt format") {
		t.Errorf("Danish message: %s", m)
	}
}

func TestVoidAndAddFact(t *testing.T) {
	c := lifecycleCase()
	if err := VoidFact(c, "offers", 5); err != nil || len(c.Offers) != 0 {
		t.Fatalf("void: %v %+v", err, c.Offers)
	}
	if err := VoidFact(c, "offers", 5); ErrorCode(err) != ENOTFOUND {
		t.Errorf("void twice: %v", err)
	}
	if err := VoidFact(c, "people", 1); fieldRules(err) != "fact:one_of" {
		t.Errorf("void unknown kind: %v", err)
	}
	if err := AddFact(c, "exits", body(t, `{"date":"2011-06-01","kind":"self_return"}`)); err != nil {
		t.Fatal(err)
	}
	if len(c.Exits) != 1 || c.Exits[0] != (Exit{Date: MustDate("2011-06-01"), Kind: ExitSelfReturn}) {
		t.Errorf("added exit: %+v", c.Exits)
	}
	if err := AddFact(c, "contacts", body(t, `{"id":3,"date":"2011-06-01"}`)); fieldRules(err) != "id:not_allowed" || len(c.Contacts) != 1 {
		t.Errorf("add with id: %v", err)
	}
	if err := AddFact(c, "reopenings", body(t, `{"date":"2011-07-01","reason":"Came back","when":"now"}`)); fieldRules(err) != "when:not_allowed" || len(c.Reopenings) != 0 {
		t.Errorf("add with unknown field: %v", err)
	}
	ids, err := FactIDs(c, "contacts")
	if err != nil || fmt.Sprint(ids) != "[1]" {
		t.Errorf("FactIDs: %v %v", ids, err)
	}
}

func TestPatchCase(t *testing.T) {
	c := lifecycleCase()
	c.Identifiers.Phone = "+4512345678"
	if err := PatchCase(c, body(t, `{"gender":"male","birth_year":null,"identifiers":{"name":"Bea","aliases":["B"]}}`)); err != nil {
		t.Fatal(err)
	}
	if c.Gender != GenderMale || c.BirthYear != 0 || c.Identifiers.Name != "Bea" || c.Identifiers.Phone != "+4512345678" || len(c.Identifiers.Aliases) != 1 {
		t.Errorf("patched: %+v", c)
	}
	before := *c
	for _, tc := range []struct{ body, fields string }{
		{`{"owner_org":"US","shared_with":["CMM"],"gender":"female"}`, "owner_org:not_allowed shared_with:not_allowed"},
		{`{"contacts":[]}`, "contacts:not_allowed"},
		{`{"identifiers":"Bea"}`, "identifiers:format"},
		{`{"identifiers":{"nickname":"x","birth_date":"1990-02-30"},"birth_year":"1990"}`, "birth_date:format nickname:not_allowed birth_year:format"},
	} {
		err := PatchCase(c, body(t, tc.body))
		if ErrorCode(err) != EINVALID || fieldRules(err) != tc.fields {
			t.Errorf("%s: %q (%v)", tc.body, fieldRules(err), err)
		}
		if !reflect.DeepEqual(*c, before) {
			t.Errorf("%s changed the case", tc.body)
		}
	}
}

func TestPatchBody(t *testing.T) {
	for _, tc := range []struct {
		kind string
		sets []string
		want string // the body as JSON, or the field errors
	}{
		{"contacts", []string{"form=outreach", "place= Odense ", "org="}, `{"form":"outreach","org":null,"place":"Odense"}`},
		{"assessments", []string{"exploitation=sexual; forced_labour", "date=2011-02-03"}, `{"date":"2011-02-03","exploitation":["sexual","forced_labour"]}`},
		{"offers", []string{"accepted=nej"}, `{"accepted":false}`},
		{"reconsiderations", []string{"new_assessment_id=12"}, `{"new_assessment_id":12}`},
		{"", []string{"gender=female", "birth_year=1990", "identifiers.name=Ada Lovelace", "identifiers.aliases=A;L"},
			`{"birth_year":1990,"gender":"female","identifiers":{"aliases":["A","L"],"name":"Ada Lovelace"}}`},
		{"", []string{"owner_org=US", "identifiers=x", "birth_year=nineteen", "identifiers.birth_date=1990-02-30", "noequals", "gender=male", "gender=female"},
			"owner_org:not_allowed identifiers:not_allowed birth_year:format birth_date:format set:format gender:duplicate"},
		{"contacts", []string{"id=4", "identifiers.name=x"}, "id:not_allowed identifiers.name:not_allowed"},
		{"offers", []string{"accepted=maybe"}, "accepted:format"},
		{"things", []string{"a=b"}, "fact:one_of"},
	} {
		b, err := PatchBody(tc.kind, tc.sets)
		got := fieldRules(err)
		if err == nil {
			raw := must(json.Marshal(b))(t)
			got = string(raw)
		}
		if got != tc.want {
			t.Errorf("%s %v:\n got %s\nwant %s", tc.kind, tc.sets, got, tc.want)
		}
	}
	// A body from assignments patches like the JSON it stands for.
	c := lifecycleCase()
	b, err := PatchBody("accommodations", []string{"end=2011-04-01", "provider=Reden"})
	if err != nil {
		t.Fatal(err)
	}
	if err := PatchFact(c, "accommodations", 4, b); err != nil || c.Accommodations[0].End != MustDate("2011-04-01") {
		t.Fatalf("patch from assignments: %v %+v", err, c.Accommodations)
	}
	// The unknown-field error lists what can be set.
	_, err = PatchBody("exits", []string{"colour=red"})
	if fe := FieldErrors(err); len(fe) != 1 || fe[0].Expected != "one of date, kind" {
		t.Errorf("expected fields: %+v", fe)
	}
}

func TestReopen(t *testing.T) {
	c := lifecycleCase()
	if err := c.Reopen(MustDate("2011-07-01"), "Came back"); fieldRules(err) != "reopen_date:not_allowed" || len(c.Reopenings) != 0 {
		t.Fatalf("reopen an open case: %v", err)
	}
	c.Exits = []Exit{{ID: 6, Date: MustDate("2011-06-01"), Kind: ExitSelfReturn}}
	if err := c.Reopen(MustDate("2011-05-01"), " "); fieldRules(err) != "reopen_date:date_order reopen_reason:required" || len(c.Reopenings) != 0 {
		t.Fatalf("reopen before the exit, no reason: %v", err)
	}
	if err := c.Reopen(Date{}, "x"); fieldRules(err) != "reopen_date:required" {
		t.Fatalf("reopen without a date: %v", err)
	}
	if err := c.Reopen(MustDate("2011-06-01"), " Came back "); err != nil || c.IsClosed() || c.Reopenings[0].Reason != "Came back" {
		t.Fatalf("reopen: %v %+v", err, c.Reopenings)
	}
}
