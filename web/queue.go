package web

import (
	"net/http"
	"net/url"

	"nrm"
)

// queueLate is the number of days after which a waiting item is
// highlighted.
const queueLate = 14

type queuePage struct {
	page
	// Authority is the queue shown; empty for the overview only.
	Authority nrm.Authority
	Items     []*nrm.QueueItem
	// Sizes is every authority's queue (coordinators, administrators).
	Sizes []nrm.QueueSize
	// Choose offers administrators a select of the authority's queue.
	Choose      bool
	Filter      *form
	NoAuthority bool
	orgs        map[string]string
}

// OrgName returns an organisation's name, or its code.
func (p *queuePage) OrgName(code string) string { return nameOr(p.orgs, code) }

// Late reports whether an item has waited longer than queueLate days.
func (p *queuePage) Late(days int) bool { return days > queueLate }

// queueShow shows an assessor their authority's queue of cases awaiting
// assessment, with the days each has waited; coordinators and
// administrators see every queue's size and oldest item, never a case.
func (s *Server) queueShow(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	p := &queuePage{page: s.newPage(w, r, tr(lang, "queue.title")), Filter: newForm(nil)}
	var err error
	switch u.Role {
	case nrm.RoleAssessor:
		p.Authority = u.Authority
		p.NoAuthority = u.Authority == ""
	case nrm.RoleAdmin:
		p.Choose = true
		if a := nrm.Authority(r.URL.Query().Get("authority")); a != "" && a.Valid() {
			p.Authority = a
		}
		p.Filter = newForm(url.Values{"authority": {string(p.Authority)}})
	}
	if u.Role != nrm.RoleAssessor {
		if p.Sizes, err = s.cfg.Referrals.QueueSizes(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Authority != "" {
		if p.Items, err = s.cfg.Referrals.Queue(ctx, p.Authority); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Title = tr(lang, "queue.title") + " – " + nrm.Label("authority", string(p.Authority), lang)
	}
	_, p.orgs = s.organisations(ctx, lang)
	s.render(w, r, http.StatusOK, "queue", p)
}
