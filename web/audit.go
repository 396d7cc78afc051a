package web

import (
	"net/http"
	"strconv"
	"strings"

	"nrm/sqlstore"
)

// auditPageSize is the number of audit entries per page.
const auditPageSize = 100

type auditPage struct {
	page
	Entries  []*sqlstore.AuditEntry
	Filter   *form
	Checked  int64
	Problems []sqlstore.AuditProblem
	Verified bool
	NextHref string
}

// auditShow lists the audit log (filtered by user, entity and id, paged by
// sequence number) and, on request, verifies the hash chain.
func (s *Server) auditShow(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q := r.URL.Query()
	f := sqlstore.AuditFilter{Username: strings.TrimSpace(q.Get("user")), Entity: strings.TrimSpace(q.Get("entity")),
		EntityID: strings.TrimSpace(q.Get("id")), Limit: auditPageSize}
	f.AfterSeq, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	entries, err := s.db.FindAudit(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &auditPage{page: s.newPage(w, r, tr(lang, "audit.title")), Entries: entries, Filter: newForm(q)}
	if len(entries) == auditPageSize {
		v := q
		v.Del("lang")
		v.Del("verify")
		v.Set("after", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		p.NextHref = "/audit?" + v.Encode()
	}
	if q.Get("verify") != "" {
		p.Checked, p.Problems, err = s.db.VerifyAudit(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range p.Problems {
			p.Problems[i].Problem = p.Problems[i].Message(lang) // shown in the page's language
		}
		p.Verified = true
	}
	s.render(w, r, http.StatusOK, "audit", p)
}
