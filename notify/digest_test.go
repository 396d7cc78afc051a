package notify_test

import (
	"bufio"
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"nrm"
	"nrm/notify"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

var admin = nrm.NewContextWithActor(context.Background(), nrm.SystemActor)

// mail is one message the test server received.
type mail struct {
	from string
	to   []string
	data string
}

// smtpServer is a minimal SMTP server on a loopback port: it accepts
// every sender and recipient and records each message.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	got  []mail
	fail bool // answer DATA with a permanent error
	wg   sync.WaitGroup
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 test ESMTP")
	var m mail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			tp.PrintfLine("250 test")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = mail{from: strings.Trim(line[len("MAIL FROM:"):], "<> ")}
			tp.PrintfLine("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(line[len("RCPT TO:"):], "<> "))
			tp.PrintfLine("250 ok")
		case cmd == "DATA":
			tp.PrintfLine("354 go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			if s.fail {
				tp.PrintfLine("554 refused")
				continue
			}
			m.data = string(b)
			s.mu.Lock()
			s.got = append(s.got, m)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case cmd == "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("250 ok")
		}
	}
}

func (s *smtpServer) mails() []mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mail(nil), s.got...)
}

// body decodes a message's quoted-printable body.
func body(t *testing.T, data string) string {
	_, b, ok := strings.Cut(strings.ReplaceAll(data, "\r\n", "\n"), "\n\n")
	if !ok {
		t.Fatalf("no body in %q", data)
	}
	out, err := io.ReadAll(quotedprintable.NewReader(bufio.NewReader(strings.NewReader(b))))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// digestDB holds two organisations' cases with reflection periods due,
// and four users: two caseworkers with addresses, one without, and a
// disabled one with an address.
func digestDB(t *testing.T, engine string) *sqlstore.DB {
	db := sqltest.MustOpenDB(t, engine)
	today := nrm.DateOf(time.Now())
	for _, o := range []string{"CMM", "REDEN"} {
		if err := db.UpsertOrganisation(admin, &nrm.Organisation{Code: o, NameDA: o, NameEN: o, Kind: "ngo"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*nrm.Case{
		{Ref: "MAIL-CMM-1", OwnerOrg: "CMM", Identifiers: nrm.Identifiers{Name: "Secret Victim One", Phone: "+4511111111"}},
		{Ref: "MAIL-CMM-2", OwnerOrg: "CMM", Identifiers: nrm.Identifiers{Name: "Secret Victim Two"}},
		{Ref: "MAIL-REDEN", OwnerOrg: "REDEN", Identifiers: nrm.Identifiers{Name: "Secret Victim Three"}},
	} {
		c.Gender, c.ResidenceStatus = nrm.GenderFemale, nrm.ResidenceIrregular
		c.Contacts = []nrm.Contact{{Date: today.AddDays(-40), Form: nrm.ContactNGO}}
		c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: today.AddDays(-30), End: today.AddDays(3), Kind: nrm.ReflectionInitial}}
		if c.Ref == "MAIL-CMM-2" {
			c.ReflectionPeriods[0].End = today.AddDays(-1)
		}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		name, org, email string
		lang             nrm.Lang
		role             nrm.Role
	}{
		{"anna", "CMM", "anna@cmm.example", nrm.LangDA, nrm.RoleCaseworker},
		{"bo", "REDEN", "bo@reden.example", nrm.LangEN, nrm.RoleCaseworker},
		{"carl", "CMM", "", nrm.LangDA, nrm.RoleCaseworker},
		{"dora", "CMM", "dora@cmm.example", nrm.LangDA, nrm.RoleCaseworker},
		{"ana", "ANALYSE", "ana@example.org", nrm.LangDA, nrm.RoleAnalyst},
	} {
		if err := db.CreateUser(admin, &nrm.User{Username: u.name, Role: u.role, Org: u.org, Lang: u.lang}, "correct-horse-battery-staple-1"); err != nil {
			t.Fatal(err)
		}
		if u.email != "" {
			if err := db.SetTaskEmail(admin, u.name, u.email); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.SetDisabled(admin, "dora", true); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestDigest(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := digestDB(t, engine)
			srv := startSMTP(t)
			res, err := notify.SendDigests(admin, db, notify.Options{Addr: srv.ln.Addr().String(), From: "nrm@example.org", BaseURL: "https://nrm.example/"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Sent != 2 || res.Skipped != 0 {
				t.Fatalf("result %+v", res)
			}
			got := srv.mails()
			if len(got) != 2 {
				t.Fatalf("%d mails", len(got))
			}
			byTo := map[string]mail{}
			for _, m := range got {
				if len(m.to) != 1 || m.from != "nrm@example.org" {
					t.Fatalf("envelope %+v", m)
				}
				byTo[m.to[0]] = m
			}
			anna, bo := byTo["anna@cmm.example"], byTo["bo@reden.example"]
			if anna.data == "" || bo.data == "" {
				t.Fatalf("recipients %v", byTo)
			}
			ab, bb := body(t, anna.data), body(t, bo.data)
			// Anna (CMM, Danish): both CMM cases, one overdue; not REDEN's.
			for _, want := range []string{"MAIL-CMM-1", "MAIL-CMM-2", "Refleksionsperiode udløber: 2 (1 overskredet)", "https://nrm.example/tasks"} {
				if !strings.Contains(ab, want) {
					t.Errorf("anna's digest lacks %q:\n%s", want, ab)
				}
			}
			if !strings.Contains(anna.data, "Subject: nrm: 2 opgaver, 1 overskredet") {
				t.Errorf("anna's subject: %s", anna.data)
			}
			// Bo (REDEN, English): only REDEN's case.
			if !strings.Contains(bb, "MAIL-REDEN") || !strings.Contains(bb, "Reflection period ends: 1") || strings.Contains(bb, "MAIL-CMM") {
				t.Errorf("bo's digest:\n%s", bb)
			}
			// No identifier in any mail.
			for _, m := range got {
				for _, secret := range []string{"Secret Victim", "+4511111111"} {
					if strings.Contains(m.data, secret) || strings.Contains(body(t, m.data), secret) {
						t.Errorf("mail to %v contains %q", m.to, secret)
					}
				}
			}
			// Each digest sent is audited, naming the user and not the address.
			entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Action: "tasks.digest"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 {
				t.Fatalf("%d digest audit entries", len(entries))
			}
			for _, e := range entries {
				if strings.Contains(e.Detail, "@") || !strings.Contains(e.Detail, "tasks sent") {
					t.Errorf("audit entry %+v", e)
				}
			}

			// Limited to a role no recipient has: nothing is sent.
			res, err = notify.SendDigests(admin, db, notify.Options{Addr: srv.ln.Addr().String(), From: "nrm@example.org", Roles: []nrm.Role{nrm.RoleAssessor}})
			if err != nil || res.Sent != 0 || len(srv.mails()) != 2 {
				t.Fatalf("assessors only: %+v %v", res, err)
			}
			// A server that refuses the message: an error, and no audit entry.
			srv.fail = true
			if _, err := notify.SendDigests(admin, db, notify.Options{Addr: srv.ln.Addr().String(), From: "nrm@example.org"}); err == nil {
				t.Fatal("refused message reported as sent")
			}
			entries, _ = db.FindAudit(admin, sqlstore.AuditFilter{Action: "tasks.digest"})
			if len(entries) != 2 {
				t.Fatalf("refused digest audited: %d entries", len(entries))
			}
			// Bad sender, bad address, and a caseworker setting addresses.
			if _, err := notify.SendDigests(admin, db, notify.Options{Addr: srv.ln.Addr().String(), From: "nrm@example.org\r\nBcc: x@evil.example"}); nrm.ErrorCode(err) != nrm.EINVALID {
				t.Fatalf("header injection in the sender: %v", err)
			}
			if err := db.SetTaskEmail(admin, "carl", "carl@x.example>\r\nBcc: evil@example.org"); nrm.ErrorCode(err) != nrm.EINVALID {
				t.Fatalf("header injection in an address: %v", err)
			}
			worker := nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "anna", Role: nrm.RoleCaseworker, Org: "CMM"})
			if err := db.SetTaskEmail(worker, "carl", "carl@cmm.example"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("caseworker sets an address: %v", err)
			}
			if _, err := notify.SendDigests(worker, db, notify.Options{Addr: srv.ln.Addr().String(), From: "nrm@example.org"}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("caseworker sends digests: %v", err)
			}
		})
	}
}
