package sqlstore_test

import (
	"strconv"
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
