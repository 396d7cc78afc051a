package nrm

import (
	"strings"
	"testing"
)

// TestOutputMessagesDanish: every fault of an output, a funding entry and
// a working group has a Danish message without English in it.
func TestOutputMessagesDanish(t *testing.T) {
	o := &Output{Kind: "webinar", Period: "forår", Until: "x", Participants: -1, Events: -1, Org: "a b", Link: "javascript:x", AmountDKK: -1}
	f := &ActivityFunding{Year: 1, Line: "A B", AllocatedDKK: -1}
	g := &WorkGroup{Code: "a b", Kind: "x", Chair: "a b", Members: []string{"CMM", "CMM"}, Meetings: []GroupMeeting{{}}, Actions: []GroupAction{{Org: "a b"}}}
	english := []string{" the ", " an ", " or ", "expected", "letters", "address", "activity code", "at most", "is required"}
	n := 0
	for _, err := range []error{o.Validate(), f.Validate(), g.Validate()} {
		for _, fe := range FieldErrors(err) {
			n++
			da := fe.Message(LangDA)
			if i := strings.Index(da, "(værdi"); i >= 0 {
				if j := strings.Index(da[i:], ")"); j >= 0 {
					da = da[:i] + da[i+j+1:] // the value is quoted as given
				}
			}
			for _, w := range english {
				if strings.Contains(da, w) {
					t.Errorf("%s: English %q in %q", fe.Field, w, da)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d faults reported", n)
	}
}

func TestOutputPeriodsAndLinks(t *testing.T) {
	o := &Output{Activity: "1.1.1", Kind: OutputCampaign, TitleDA: "x", Period: "2012", Until: "2011", Date: MustDate("2013-01-01")}
	fe := FieldErrors(o.Validate())
	if len(fe) != 2 || fe[0].Field != "until" || fe[0].Rule != RuleDateOrder || fe[1].Field != "date" || fe[1].Rule != RuleRange {
		t.Fatalf("period order and date: %+v", fe)
	}
	for link, ok := range map[string]bool{"https://example.org/a": true, "http://x.dk": true, "rapporter/2011.pdf": true, "sundhed.dk": true,
		"javascript:alert(1)": false, "data:text/html,x": false, "https://": false, "ftp://x.org": false, "a\tb": false} {
		o := &Output{Activity: "1", Kind: OutputOther, TitleDA: "x", Period: "2012", Link: link}
		if got := o.Validate() == nil; got != ok {
			t.Errorf("link %q accepted %v, want %v", link, got, ok)
		}
		if o.LinkURL() != "" && !strings.HasPrefix(link, "http") {
			t.Errorf("link %q rendered as a web address", link)
		}
	}
	if y := (&Output{Period: "2011-11", Until: "2012"}); y.Year() != 2011 || y.LastYear() != 2012 {
		t.Fatalf("years: %d %d", y.Year(), y.LastYear())
	}
}
