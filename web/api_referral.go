package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"nrm"
)

// The JSON API of the referral mechanism: referrals in and out, the
// receiver's and sender's actions, consent, and the queues.

// apiQueueRoles may read one authority's queue: its assessors and
// administrators (coordinators see sizes only).
var apiQueueRoles = []nrm.Role{nrm.RoleAdmin, nrm.RoleAssessor}

func (s *Server) apiReferralRoutes() {
	s.route("GET /api/v1/referrals", 0, caseRoles, s.apiListReferrals)
	s.route("POST /api/v1/referrals", maxFormBytes, caseRoles, s.apiCreateReferral)
	s.route("GET /api/v1/referrals/{id}", 0, caseRoles, s.apiGetReferral)
	s.route("POST /api/v1/referrals/{id}/accept", maxFormBytes, caseRoles, s.apiAcceptReferral)
	s.route("POST /api/v1/referrals/{id}/return", maxFormBytes, caseRoles, s.apiReturnReferral)
	s.route("POST /api/v1/referrals/{id}/withdraw", maxFormBytes, caseRoles, s.apiWithdrawReferral)
	s.route("POST /api/v1/cases/{id}/consents", maxFormBytes, caseRoles, s.apiGiveConsent)
	s.route("POST /api/v1/cases/{id}/consents/{cid}/withdraw", maxFormBytes, caseRoles, s.apiWithdrawConsent)
	s.route("GET /api/v1/queue", 0, apiQueueRoles, s.apiQueue)
	s.route("GET /api/v1/queues", 0, queueRoles, s.apiQueues)
}

// referralListResponse is the answer of GET /api/v1/referrals.
type referralListResponse struct {
	Total     int                    `json:"total"`
	Offset    int                    `json:"offset"`
	Limit     int                    `json:"limit"`
	Referrals []*nrm.ReferralSummary `json:"referrals"`
}

func (s *Server) apiListReferrals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := &parser{v: q}
	f := nrm.ReferralFilter{Direction: q.Get("direction"), Status: nrm.ReferralStatus(q.Get("status"))}
	if f.Direction != "" && f.Direction != "in" && f.Direction != "out" {
		p.errors = append(p.errors, fieldErr("direction", nrm.RuleOneOf, f.Direction, "in, out"))
	}
	if f.Status != "" {
		p.code("status", "referral_status", false)
	}
	p.page(&f.Offset, &f.Limit)
	if err := p.err(); err != nil {
		s.apiError(w, r, malformedFields("invalid query", nrm.FieldErrors(err)))
		return
	}
	list, total, err := s.cfg.Referrals.FindReferrals(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []*nrm.ReferralSummary{}
	}
	writeJSON(w, http.StatusOK, referralListResponse{Total: total, Offset: f.Offset, Limit: f.Limit, Referrals: list})
}

// referralRequest is the body of POST /api/v1/referrals.
type referralRequest struct {
	CaseID                 int64               `json:"case_id"`
	Purpose                nrm.ReferralPurpose `json:"purpose"`
	ToOrg                  string              `json:"to_org"`
	Date                   nrm.Date            `json:"date"`
	Reason                 string              `json:"reason"`
	RouteReason            string              `json:"route_reason"`
	Indicators             []nrm.Indicator     `json:"indicators"`
	ConsentID              int64               `json:"consent_id"`
	Municipality           string              `json:"municipality"`
	MunicipalityInformedOn nrm.Date            `json:"municipality_informed_on"`
}

func (s *Server) apiCreateReferral(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var req referralRequest
	if err := decodeJSON(r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if req.CaseID <= 0 {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The case is required.",
			Fields: []nrm.FieldError{fieldErr("case_id", nrm.RuleRequired, "", "the id of a case")}})
		return
	}
	ref := nrm.Referral{Purpose: req.Purpose, ToOrg: strings.TrimSpace(req.ToOrg), Date: req.Date, Reason: req.Reason, RouteReason: req.RouteReason,
		Indicators: req.Indicators, ConsentID: req.ConsentID, Municipality: req.Municipality, MunicipalityInformedOn: req.MunicipalityInformedOn}
	ctx := r.Context()
	if err := s.cfg.Referrals.Refer(ctx, req.CaseID, &ref); err != nil {
		s.apiError(w, r, err)
		return
	}
	sum, err := s.cfg.Referrals.FindReferral(ctx, ref.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/referrals/%d", ref.ID))
	writeJSON(w, http.StatusCreated, sum)
}

func (s *Server) apiGetReferral(w http.ResponseWriter, r *http.Request) {
	ref, err := s.loadReferral(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ref)
}

// apiReferralAction runs accept, return or withdraw and answers with the
// referral as it now stands.
func (s *Server) apiReferralAction(w http.ResponseWriter, r *http.Request, act func(id int64, on nrm.Date) error) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	if err := act(id, nrm.DateOf(s.now())); err != nil {
		s.apiError(w, r, err)
		return
	}
	ref, err := s.cfg.Referrals.FindReferral(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ref)
}

// emptyBody accepts no body or an empty JSON object.
func emptyBody(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	var v struct{}
	return decodeJSON(r, &v)
}

func (s *Server) apiAcceptReferral(w http.ResponseWriter, r *http.Request) {
	if err := emptyBody(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.apiReferralAction(w, r, func(id int64, on nrm.Date) error {
		if err := s.cfg.Referrals.AcceptReferral(r.Context(), id, on); err != nil {
			return err
		}
		s.noteReferralDuplicatesAPI(w, r, id) // a notice in a header (search.go)
		return nil
	})
}

func (s *Server) apiWithdrawReferral(w http.ResponseWriter, r *http.Request) {
	if err := emptyBody(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.apiReferralAction(w, r, func(id int64, on nrm.Date) error { return s.cfg.Referrals.WithdrawReferral(r.Context(), id, on) })
}

// returnRequest is the body of POST /api/v1/referrals/{id}/return.
type returnRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiReturnReferral(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var req returnRequest
	if err := decodeJSON(r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if strings.TrimSpace(req.Reason) == "" {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The reason is required.",
			Fields: []nrm.FieldError{fieldErr("return_reason", nrm.RuleRequired, "", "")}})
		return
	}
	s.apiReferralAction(w, r, func(id int64, on nrm.Date) error {
		return s.cfg.Referrals.ReturnReferral(r.Context(), id, on, strings.TrimSpace(req.Reason))
	})
}

// consentRequest is the body of POST /api/v1/cases/{id}/consents.
type consentRequest struct {
	Scopes    []nrm.ConsentScope `json:"scopes"`
	ShareWith []string           `json:"share_with"`
	GivenOn   nrm.Date           `json:"given_on"`
	GivenBy   string             `json:"given_by"`
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return id, nil
}

func (s *Server) apiGiveConsent(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	caseID, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req consentRequest
	if err := decodeJSON(r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	k := nrm.Consent{Scopes: req.Scopes, ShareWith: req.ShareWith, GivenOn: req.GivenOn, GivenBy: strings.TrimSpace(req.GivenBy)}
	if err := s.cfg.Referrals.GiveConsent(r.Context(), caseID, &k); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d", caseID))
	writeJSON(w, http.StatusCreated, &k)
}

// withdrawConsentRequest is the optional body of the consent withdrawal:
// the date it was withdrawn (default today).
type withdrawConsentRequest struct {
	On nrm.Date `json:"on"`
}

func (s *Server) apiWithdrawConsent(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	caseID, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req withdrawConsentRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	on := req.On
	if on.IsZero() {
		on = nrm.DateOf(s.now())
	}
	ctx := r.Context()
	if err := s.cfg.Referrals.WithdrawConsent(ctx, caseID, cid, on); err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.db.FindCaseByID(ctx, caseID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	k, _ := c.ConsentByID(cid)
	writeJSON(w, http.StatusOK, k)
}

// queueResponse is the answer of GET /api/v1/queue.
type queueResponse struct {
	Authority nrm.Authority    `json:"authority"`
	Items     []*nrm.QueueItem `json:"items"`
}

// apiQueue returns the caller's authority's queue; an administrator names
// the authority with ?authority=.
func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	a := u.Authority
	if q := r.URL.Query().Get("authority"); q != "" || u.Role == nrm.RoleAdmin {
		if u.Role != nrm.RoleAdmin && nrm.Authority(q) != u.Authority {
			s.apiError(w, r, nrm.Errorf(nrm.EFORBIDDEN, "another authority's queue"))
			return
		}
		a = nrm.Authority(q)
		if !a.Valid() || a == "" {
			s.apiError(w, r, malformedFields("invalid query", []nrm.FieldError{fieldErr("authority", nrm.RuleOneOf, q, nrm.ExpectedCodes("authority"))}))
			return
		}
	}
	if a == "" {
		s.apiError(w, r, nrm.Errorf(nrm.EFORBIDDEN, "the user is not linked to an authority"))
		return
	}
	items, err := s.cfg.Referrals.Queue(r.Context(), a)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if items == nil {
		items = []*nrm.QueueItem{}
	}
	writeJSON(w, http.StatusOK, queueResponse{Authority: a, Items: items})
}

// queuesResponse is the answer of GET /api/v1/queues.
type queuesResponse struct {
	Queues []nrm.QueueSize `json:"queues"`
}

func (s *Server) apiQueues(w http.ResponseWriter, r *http.Request) {
	sizes, err := s.cfg.Referrals.QueueSizes(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if sizes == nil {
		sizes = []nrm.QueueSize{}
	}
	writeJSON(w, http.StatusOK, queuesResponse{Queues: sizes})
}
