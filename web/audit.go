package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"nrm"
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
	// Actions are the action families offered by the filter.
	Actions []string
	refs    map[int64]string
}

// auditActions are the families of actions the filter offers; the field
// also takes an exact action ("case.read").
var auditActions = []string{"case.", "consent.", "referral.", "user.", "setting.", "keys.", "plan.", "output.", "funding.",
	"edition.", "statistics.", "workgroup.", "organisation.", "import", "export", "backup"}

// CaseRef returns the reference of the case an entry is about, or "".
// A case since deleted shows as its number.
func (p *auditPage) CaseRef(e *sqlstore.AuditEntry) string {
	id := sqlstore.AuditCaseID(e)
	if id == 0 {
		return ""
	}
	if ref, ok := p.refs[id]; ok {
		return ref
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Fields lists the fields a case change named.
func (p *auditPage) Fields(e *sqlstore.AuditEntry) []string { return sqlstore.AuditFields(e) }

// auditShow lists the audit log newest first — filtered by date range,
// action, user, entity and id, paged by sequence number — with the case
// reference of entries about a case and the fields a change named; on
// request it verifies the hash chain.
func (s *Server) auditShow(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q := r.URL.Query()
	f := sqlstore.AuditFilter{Username: strings.TrimSpace(q.Get("user")), Entity: strings.TrimSpace(q.Get("entity")),
		EntityID: strings.TrimSpace(q.Get("id")), Action: strings.TrimSpace(q.Get("action")), Newest: true, Limit: auditPageSize}
	f.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	p := &auditPage{page: s.newPage(w, r, tr(lang, "audit.title")), Filter: newForm(q), Actions: auditActions}
	// Dates are days in UTC, as the log's times are shown: "to" takes in
	// the whole of its day.
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		d, err := nrm.ParseDate(v)
		if err != nil {
			p.Filter.add(name, tr(lang, "audit.bad_date"))
			continue
		}
		if name == "from" {
			f.From = d.Time()
		} else {
			f.To = d.Time().Add(24 * time.Hour)
		}
	}
	entries, err := s.db.FindAudit(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Entries = entries
	if p.refs, err = s.db.AuditCaseRefs(ctx, entries); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(entries) == auditPageSize {
		v := q
		v.Del("lang")
		v.Del("verify")
		v.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
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
