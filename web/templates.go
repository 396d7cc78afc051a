package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"nrm"
	"nrm/report"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// templates holds one parsed template set per page: the layout, the
// shared partials and the page's own "content".
type templates struct {
	// pages holds, per language, each page with its fixed labels already
	// translated (see pretranslate).
	pages map[nrm.Lang]map[string]*template.Template
}

// Fixed labels: {{.T "key"}} and {{.Field "name"}} with a literal argument.
var (
	fixedLabel = regexp.MustCompile(`\{\{\s*\$?\.T\s+"([^"]+)"\s*\}\}`)
	fixedField = regexp.MustCompile(`\{\{\s*\$?\.Field\s+"([^"]+)"\s*\}\}`)
)

// pretranslate replaces the fixed labels of a template's source by their
// escaped text in lang. A page has dozens of them, and each, evaluated as
// a method call at every request, cost as much as the case read itself.
// html.EscapeString gives what html/template would print for the label
// in the text and in quoted attributes, the only places labels appear
// (the strict CSP allows no inline script or style).
func pretranslate(src string, lang nrm.Lang) string {
	sub := func(re *regexp.Regexp, text func(string) string) {
		src = re.ReplaceAllStringFunc(src, func(m string) string {
			t := text(re.FindStringSubmatch(m)[1])
			if strings.Contains(t, "{{") || strings.Contains(t, "}}") {
				return m
			}
			return html.EscapeString(t)
		})
	}
	sub(fixedLabel, func(key string) string { return tr(lang, key) })
	sub(fixedField, func(name string) string { return nrm.FieldLabel(name, lang) })
	return src
}

// keyUse finds the translation keys a template asks for with .T / $.T.
var keyUse = regexp.MustCompile(`\.T\s+"([^"]+)"`)

// parseTemplates parses every page and checks that every label it uses
// exists in both languages, so that a typo fails at startup, not in front
// of a user.
func parseTemplates() (*templates, error) {
	funcs := template.FuncMap{
		"add": func(a, b int) int { return a + b },
		"itoa": func(n int64) string {
			return strconv.FormatInt(n, 10)
		},
		"join": strings.Join,
		// divm turns kroner into millions of kroner, as budgets are given.
		"divm": func(x float64) float64 { return x / 1e6 },
		"paragraphs": func(s string) []string {
			var out []string
			for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		},
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var shared, pages []string
	for _, n := range names {
		if base := path.Base(n); base == "layout.html" || strings.HasPrefix(base, "_") {
			shared = append(shared, n)
		} else {
			pages = append(pages, n)
		}
	}
	var missing []string
	for _, n := range names {
		src, err := fs.ReadFile(templateFS, n)
		if err != nil {
			return nil, err
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			if _, ok := translations[m[1]]; !ok {
				missing = append(missing, path.Base(n)+": "+m[1])
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("web: templates use labels missing from i18n.go: %s", strings.Join(slices.Compact(missing), ", "))
	}
	t := &templates{pages: map[nrm.Lang]map[string]*template.Template{}}
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		parse := func(t *template.Template, n string) error {
			src, err := fs.ReadFile(templateFS, n)
			if err != nil {
				return err
			}
			_, err = t.New(path.Base(n)).Parse(pretranslate(string(src), lang))
			return err
		}
		base := template.New("nrm").Funcs(funcs) // not a file's name: New(name) would reset it
		for _, n := range shared {
			if err := parse(base, n); err != nil {
				return nil, fmt.Errorf("web: parse layout: %w", err)
			}
		}
		t.pages[lang] = map[string]*template.Template{}
		for _, n := range pages {
			c, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if err := parse(c, n); err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", n, err)
			}
			if c.Lookup("content") == nil {
				return nil, fmt.Errorf("web: %s defines no \"content\"", n)
			}
			t.pages[lang][strings.TrimSuffix(path.Base(n), ".html")] = c
		}
	}
	return t, nil
}

// render executes a page into a buffer first, so that a template error
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	set := s.tmpl.pages[langOf(r)]
	if set == nil {
		set = s.tmpl.pages[nrm.LangDA]
	}
	t, ok := set[name]
	if !ok {
		s.log.Error("unknown template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		s.log.Error("template", "name", name, "error", err)
		http.Error(w, tr(langOf(r), "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderBuffers reuses page buffers (a case page is some 60 KB, which a
// fresh buffer reaches by growing several times).
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// staticHandler serves the embedded CSS, script and icon; they may be
// cached, unlike the pages.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// navItem is a link of the main navigation.
type navItem struct {
	Href, Label string
	Active      bool
	// Count is shown beside the label when positive (the worklist's).
	Count int
}

// page is what every page template gets: language, user, CSRF token,
// navigation and the language switch.
type page struct {
	Lang      nrm.Lang
	Title     string
	User      *nrm.User
	CSRF      string
	Nav       []navItem
	LangHref  string // the current page in the other language
	LangLabel string
	Notice    string
}

// newPage prepares the common part of a page.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, title string) page {
	lang := langOf(r)
	p := page{Lang: lang, Title: title, User: currentUser(r), CSRF: s.csrfToken(w, r)}
	other := nrm.LangEN
	if lang == nrm.LangEN {
		other = nrm.LangDA
	}
	q := r.URL.Query()
	q.Set("lang", string(other))
	from := r.URL.Path
	if r.Method != http.MethodGet {
		// After a failed post, switching language loads the page the form
		// was on rather than the address it posted to.
		from, q = formPage(r.URL.Path), url.Values{"lang": {string(other)}}
	}
	// The link repeats the request's own path, which an attacker chooses
	// ("/%2F%2Fevil.example/login" would make "//evil.example/login", a
	// link to another host): only a safe local path is kept.
	target := localPath(from)
	if target == "/" && from != "/" {
		q = url.Values{"lang": {string(other)}} // refused: the other page's query does not belong here
	}
	p.LangHref = target + "?" + q.Encode()
	p.LangLabel = tr(lang, "nav.other_lang")
	if p.User != nil {
		role := p.User.Role
		add := func(href, key string, roles []nrm.Role) {
			if slices.Contains(roles, role) {
				p.Nav = append(p.Nav, navItem{Href: href, Label: tr(lang, key), Active: r.URL.Path == href || strings.HasPrefix(r.URL.Path, href+"/")})
			}
		}
		add("/cases", "nav.cases", caseRoles)
		if n := s.navTaskCount(r, p.User); hasRole(role, taskRoles) {
			add("/tasks", "nav.tasks", taskRoles)
			p.Nav[len(p.Nav)-1].Count = n
		}
		add("/stats", "nav.stats", statsRoles)
		add("/plans", "nav.plans", signedIn)
		add("/network", "nav.network", signedIn)
		add("/admin/users", "nav.users", adminRoles)
		add("/audit", "nav.audit", auditRoles)
	}
	switch {
	case r.URL.Query().Get("saved") == "1":
		p.Notice = tr(lang, "notice.saved")
	case r.URL.Query().Get("changed") == "1" && r.URL.Path == "/login":
		p.Notice = tr(lang, "account.changed")
	}
	return p
}

// formPage returns the page a form posting to path lives on.
func formPage(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "cases":
		return "/cases/new"
	case len(parts) >= 2 && parts[0] == "cases":
		return "/cases/" + parts[1]
	case len(parts) >= 2 && parts[0] == "plans" && parts[1] != "import":
		return "/plans/" + parts[1]
	case len(parts) >= 1 && (parts[0] == "plans" || parts[0] == "network"):
		return "/" + parts[0]
	case len(parts) >= 2 && parts[0] == "admin" && parts[1] == "settings":
		return "/admin/settings"
	case len(parts) >= 2 && parts[0] == "admin":
		return "/admin/users"
	case path == "/logout":
		return "/login"
	case len(parts) >= 1 && parts[0] == "account":
		return "/account"
	}
	return path
}

// T returns the label key in the page's language.
func (p page) T(key string) string { return tr(p.Lang, key) }

// L returns the label of a code of a closed set (nrm.Label).
func (p page) L(set string, code any) string {
	return nrm.Label(set, fmt.Sprint(code), p.Lang)
}

// Codes returns the codes of a closed set, in display order.
func (p page) Codes(set string) []string { return nrm.Codes(set) }

// Date formats a date as YYYY-MM-DD, or a dash when unknown.
func (p page) Date(d nrm.Date) string {
	if d.IsZero() {
		return "–"
	}
	return d.String()
}

// Field returns a field name's label (nrm.FieldLabel).
func (p page) Field(name string) string { return nrm.FieldLabel(name, p.Lang) }

// Num formats a whole number with Danish or English digit grouping.
func (p page) Num(n int) string { return report.FormatInt(n, p.Lang) }

// HasRole reports whether the signed-in user has one of the roles.
func (p page) HasRole(roles ...string) bool {
	if p.User == nil {
		return false
	}
	return slices.Contains(roles, string(p.User.Role))
}

// CountryOptions renders the <option> elements of a country select in
// Go: a template range over some 250 countries, with two method calls
// each, was most of the time of a case page. Values and names are escaped
// here, so the result is safe to insert as HTML.
func (p page) CountryOptions(cs []*nrm.Country, f *form, field string) template.HTML {
	var b strings.Builder
	b.Grow(len(cs) * 48)
	for _, c := range cs {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(c.Code))
		b.WriteByte('"')
		if f != nil && f.Has(field, c.Code) {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(p.Pick(c.NameDA, c.NameEN)))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// OrgOptions renders the <option> elements of an organisation select,
// like CountryOptions.
func (p page) OrgOptions(os []*nrm.Organisation, f *form, field string) template.HTML {
	var b strings.Builder
	for _, o := range os {
		writeOption(&b, o.Code, p.Pick(o.NameDA, o.NameEN), f != nil && f.Has(field, o.Code))
	}
	return template.HTML(b.String())
}

func writeOption(b *strings.Builder, value, label string, selected bool) {
	b.WriteString(`<option value="`)
	b.WriteString(html.EscapeString(value))
	b.WriteByte('"')
	if selected {
		b.WriteString(" selected")
	}
	b.WriteByte('>')
	b.WriteString(html.EscapeString(label))
	b.WriteString("</option>")
}

// CodeChecks renders a list of checkboxes (kind "checkbox") or radio
// buttons (kind "radio", required) over a closed code set, named name,
// with ids idPrefix+code, checked as in form f's field — in Go, for the
// same reason as CountryOptions.
func (p page) CodeChecks(kind, set, name, idPrefix string, f *form, field string) template.HTML {
	var b strings.Builder
	for _, c := range nrm.Codes(set) {
		writeCheck(&b, kind, name, idPrefix, c, nrm.Label(set, c, p.Lang), f != nil && f.Has(field, c))
	}
	return template.HTML(b.String())
}

// OrgChecks renders one checkbox per organisation, like CodeChecks.
func (p page) OrgChecks(os []*nrm.Organisation, name, idPrefix string, f *form, field string) template.HTML {
	var b strings.Builder
	for _, o := range os {
		writeCheck(&b, "checkbox", name, idPrefix, o.Code, p.Pick(o.NameDA, o.NameEN), f != nil && f.Has(field, o.Code))
	}
	return template.HTML(b.String())
}

func writeCheck(b *strings.Builder, kind, name, idPrefix, value, label string, checked bool) {
	b.WriteString(`<label class="check"><input type="`)
	b.WriteString(kind)
	b.WriteString(`" name="`)
	b.WriteString(html.EscapeString(name))
	b.WriteString(`" value="`)
	b.WriteString(html.EscapeString(value))
	b.WriteString(`" id="`)
	b.WriteString(html.EscapeString(idPrefix + value))
	b.WriteByte('"')
	if kind == "radio" {
		b.WriteString(" required")
	}
	if checked {
		b.WriteString(" checked")
	}
	b.WriteString("> ")
	b.WriteString(html.EscapeString(label))
	b.WriteString("</label>")
}

// CodeOptions renders the <option> elements of a select over a closed
// code set, like CountryOptions.
func (p page) CodeOptions(set string, f *form, field string) template.HTML {
	var b strings.Builder
	for _, c := range nrm.Codes(set) {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(c))
		b.WriteByte('"')
		if f != nil && f.Has(field, c) {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(nrm.Label(set, c, p.Lang)))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}
