package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxUnescapes bounds how many layers of percent-encoding localPath looks
// through: a slash encoded three times over is as suspicious as one.
const maxUnescapes = 4

// localPath turns a request path (decoded, as in URL.Path) into a path on this server that is safe
// to put in a link or a Location header: cleaned, starting with a single
// "/", and never a host. A path that could be read as another origin —
// "//host", "/\host", backslashes anywhere, control characters (browsers
// drop tabs and newlines, turning "/\t/host" into "//host"), or any of
// these hidden behind percent-encoding ("/%2F%2Fhost", "/%5Chost") — is
// replaced by "/". The result is percent-encoded, ready to be followed by
// "?" and a query.
func localPath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	s := p
	for range maxUnescapes {
		if !plainPath(s) {
			return "/"
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if u == s {
			break
		}
		s = u
	}
	if !plainPath(s) {
		return "/"
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/" // a folder stays a folder ("/static/")
	}
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return "/"
	}
	return (&url.URL{Path: clean}).EscapedPath()
}

// plainPath reports whether s is valid UTF-8 without a control character,
// a backslash or an empty segment ("//").
func plainPath(s string) bool {
	if !utf8.ValidString(s) || strings.Contains(s, `\`) || strings.Contains(s, "//") {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// localRedirect redirects to target, a path on this server with an
// optional query and fragment, after passing its path through localPath:
// a redirect never leaves the origin, whatever a request put into it.
func localRedirect(w http.ResponseWriter, r *http.Request, target string, code int) {
	http.Redirect(w, r, localURL(target), code)
}

// localURL is target with its path made safe by localPath; the query and
// fragment are kept, re-encoded, and a target that names a scheme or a
// host, or does not parse, is "/".
func localURL(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || strings.HasPrefix(target, "//") {
		return "/"
	}
	out := localPath(u.Path)
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return out
		}
		out += "?" + q.Encode()
	}
	if u.Fragment != "" {
		out += "#" + url.PathEscape(u.Fragment)
	}
	return out
}
