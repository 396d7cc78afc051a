package sqlstore_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// Reads audited in groups: every read of many concurrent ones has its own
// entry naming its reader and case, and the chain stays intact.
func TestConcurrentReadsAreEachAudited(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("R-1")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		const readers, reads = 8, 25
		var wg sync.WaitGroup
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := nrm.NewContextWithActor(t.Context(), &nrm.Actor{Username: "reader" + strconv.Itoa(i), Role: nrm.RoleCaseworker, Org: "CMM"})
				for range reads {
					if _, err := db.FindCaseByID(ctx, c.ID); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Entity: "case", EntityID: strconv.FormatInt(c.ID, 10), Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, e := range entries {
			if e.Action == "case.read" {
				per[e.Username]++
			}
		}
		for i := range readers {
			if n := per["reader"+strconv.Itoa(i)]; n != reads {
				t.Errorf("reader%d: %d read entries, want %d", i, n, reads)
			}
		}
		n, problems, err := db.VerifyAudit(admin)
		if err != nil || len(problems) > 0 {
			t.Fatalf("audit chain of %d entries: %v %v", n, problems, err)
		}
	})
}

// A refused read is audited as one: another organisation's case and a
// case that does not exist both give "not found" and an entry naming the
// case number; a reference that matched nothing is not recorded.
func TestRefusedReadsAreAudited(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("R-2")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		other := nrm.NewContextWithActor(t.Context(), &nrm.Actor{Username: "prober", Role: nrm.RoleCaseworker, Org: "REDEN"})
		missing := c.ID + 1000
		for _, id := range []int64{c.ID, missing} {
			if _, err := db.FindCaseByID(other, id); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Fatalf("case %d: %v, want not found", id, err)
			}
		}
		if _, err := db.FindCaseByRef(other, "Jane Doe 1990"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("unknown reference: %v, want not found", err)
		}
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Username: "prober"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Action+" "+e.EntityID+" "+e.Detail)
		}
		want := []string{"case.read_refused " + strconv.FormatInt(c.ID, 10) + " ", "case.read_refused " + strconv.FormatInt(missing, 10) + " ", "case.read_refused  "}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("audit of refused reads:\n got %q\nwant %q", got, want)
		}
	})
}
