package bench

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"nrm"
	"nrm/sqlstore"
)

// withReferrals gives NRM_BENCH_DB referrals once, as a mechanism would
// have: every identified case was referred by its owner to the authority
// that identified it, which accepted and decided; one in 50 of the other
// cases waits in a queue (sent to the authority of its residence status),
// and one in 100 of those is accepted and undecided. decided_on is then
// set as the store keeps it.
func withReferrals(b *testing.B, db *sqlstore.DB) {
	b.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM referrals").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		return
	}
	for _, q := range []string{
		`INSERT INTO referrals (case_id, purpose, from_org, to_org, date, status, status_on)
		 SELECT id, 'assessment', owner_org, identified_authority, identified_on, 'accepted', identified_on
		 FROM cases WHERE identified_on IS NOT NULL`,
		`INSERT INTO referrals (case_id, purpose, from_org, to_org, date, status, status_on)
		 SELECT id, 'assessment', owner_org, CASE residence_status WHEN 'legal' THEN 'CMM' ELSE 'US' END, first_contact_date,
		        CASE WHEN id % 100 = 0 THEN 'accepted' ELSE 'sent' END, first_contact_date
		 FROM cases WHERE identified_on IS NULL AND first_contact_date IS NOT NULL AND id % 50 = 0`,
		`UPDATE referrals SET decided_on = (SELECT MIN(a.date) FROM assessments a WHERE a.case_id = referrals.case_id
		    AND a.authority = referrals.to_org AND a.stage <> 'preliminary' AND a.outcome IN ('identified', 'not_identified')
		    AND a.date >= referrals.date)`,
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	if db.Engine() == "postgres" {
		db.SQL().Exec("ANALYZE referrals")
	} else {
		db.SQL().Exec("ANALYZE")
	}
}

// latencies runs op b.N times and reports the 50th and 99th percentile
// besides the mean.
func latencies(b *testing.B, op func() error) {
	var ds []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	pct := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return float64(ds[max(i, 0)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func assessorCtx(au nrm.Authority) context.Context {
	return nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "bench-assessor", Role: nrm.RoleAssessor,
		Org: nrm.AuthorityOrg(au), Authority: au, Remote: "bench"})
}

// BenchmarkQueue reads the US queue of NRM_BENCH_DB through the store (the
// role check, the query and the audit entry).
func BenchmarkQueue(b *testing.B) {
	db := benchDB(b)
	withReferrals(b, db)
	ctx := assessorCtx(nrm.AuthorityUS)
	var items int
	latencies(b, func() error {
		q, err := db.Queue(ctx, nrm.AuthorityUS)
		items = len(q)
		return err
	})
	b.ReportMetric(float64(items), "items")
}

// BenchmarkQueueFloor is the floor of BenchmarkQueue: the same rows read
// with one plain query over the same index, no role check, no audit.
func BenchmarkQueueFloor(b *testing.B) {
	db := benchDB(b)
	withReferrals(b, db)
	ph := func(s string) string { return s }
	if db.Engine() == "postgres" {
		ph = func(string) string { return "$1" }
	}
	q := `SELECT r.id, r.case_id, c.ref, r.from_org, r.date, r.status, c.gender, c.nationality, c.residence_status
		FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.to_org = ` + ph("?") + ` AND r.purpose = 'assessment'
		AND r.status <> 'returned' AND r.status <> 'withdrawn' AND r.access_revoked_on IS NULL AND r.decided_on IS NULL ORDER BY r.date, r.id`
	latencies(b, func() error {
		rows, err := db.SQL().Query(q, "US")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	})
}

// BenchmarkQueueSizes reads every queue's size and oldest item, as a
// coordinator's page does.
func BenchmarkQueueSizes(b *testing.B) {
	db := benchDB(b)
	withReferrals(b, db)
	ctx := nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "bench-coordinator", Role: nrm.RoleCoordinator, Org: "SOCIAL", Remote: "bench"})
	latencies(b, func() error { _, err := db.QueueSizes(ctx); return err })
}

// BenchmarkCaseListReferred lists the first page of cases that US may see
// — nearly all through accepted referrals — as a US caseworker's case
// list does.
func BenchmarkCaseListReferred(b *testing.B) {
	db := benchDB(b)
	withReferrals(b, db)
	ctx := nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "bench-caseworker", Role: nrm.RoleCaseworker, Org: "US", Remote: "bench"})
	var total int
	latencies(b, func() error {
		_, n, err := db.FindCases(ctx, nrm.CaseFilter{Limit: 25})
		total = n
		return err
	})
	b.ReportMetric(float64(total), "visible")
}
