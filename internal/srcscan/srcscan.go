// Package srcscan reads the module's source to find the texts a user can
// be shown: the fields and expected texts of field errors, and the
// messages of errors. Tests use it to check that each has a Danish form.
package srcscan

// A small static reader of the module's source that finds every field
// error a user can be shown — FieldError composite literals, and calls of
// the helpers that build one from their parameters — and works out the
// texts its Field and Expected can hold: literals, constants, string
// concatenations, fmt.Sprintf, and the return values of the package's own
// functions, following a helper's parameters to its callers. A part it
// cannot know (a value read at run time) is Dyn; a number is "7".

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Dyn stands for a part of a text only known at run time.
const Dyn = "\x00"

// maxSamples caps the texts kept for one expression.
const maxSamples = 64

// scanPackage is one directory's parsed files.
type scanPackage struct {
	dir   string
	fset  *token.FileSet
	files []*ast.File
	// values holds package-level constants and variables by name.
	values map[string]ast.Expr
	// funcs holds functions (and function literals assigned to a name)
	// by name; methods by their method name.
	funcs map[string][]*scanFunc
	// keyed holds the values of every "key: value" element of a
	// composite literal by key, for struct fields read as x.key.
	keyed map[string][]ast.Expr
	calls []scanCall
	// imports holds the names the files import packages under.
	imports map[string]bool
	// cache holds the texts of expressions that need no parameter.
	cache map[ast.Expr][]string
}

type scanFunc struct {
	name   string
	params []string
	body   *ast.BlockStmt
	typ    *ast.FuncType
	outer  *scanFunc // the function a function literal is declared in
}

type scanCall struct {
	name string
	call *ast.CallExpr
	in   *scanFunc
}

// literalSite is a composite literal of a named type with the function
// it is in and the values of its keys.
type literalSite struct {
	pos  token.Position
	keys map[string]ast.Expr
	in   *scanFunc
}

func loadScanPackage(dir string) (*scanPackage, error) {
	p := &scanPackage{dir: dir, fset: token.NewFileSet(), values: map[string]ast.Expr{},
		funcs: map[string][]*scanFunc{}, keyed: map[string][]ast.Expr{}, imports: map[string]bool{},
		cache: map[ast.Expr][]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(p.fset, filepath.Join(dir, n), nil, 0)
		if err != nil {
			return nil, err
		}
		p.files = append(p.files, f)
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			p.imports[name] = true
		}
	}
	for _, f := range p.files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if vs, ok := s.(*ast.ValueSpec); ok {
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								p.values[n.Name] = vs.Values[i]
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Body != nil {
					fn := &scanFunc{name: d.Name.Name, params: paramNames(d.Type), body: d.Body, typ: d.Type}
					p.funcs[fn.name] = append(p.funcs[fn.name], fn)
					p.walkFunc(fn)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok {
					p.keyed[k.Name] = append(p.keyed[k.Name], kv.Value)
				}
			}
			return true
		})
	}
	return p, nil
}

func paramNames(ft *ast.FuncType) []string {
	var out []string
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			out = append(out, "_")
		}
		for _, n := range f.Names {
			out = append(out, n.Name)
		}
	}
	return out
}

// walkFunc records the calls in fn and the function literals it names.
func (p *scanPackage) walkFunc(fn *scanFunc) {
	ast.Inspect(fn.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					if fl, ok := n.Rhs[0].(*ast.FuncLit); ok {
						lit := &scanFunc{name: id.Name, params: paramNames(fl.Type), body: fl.Body, typ: fl.Type, outer: fn}
						p.funcs[lit.name] = append(p.funcs[lit.name], lit)
						p.walkFunc(lit)
						return false
					}
				}
			}
		case *ast.FuncLit:
			lit := &scanFunc{name: "", params: paramNames(n.Type), body: n.Body, typ: n.Type, outer: fn}
			p.walkFunc(lit)
			return false
		case *ast.CallExpr:
			if name := callName(n); name != "" {
				p.calls = append(p.calls, scanCall{name: name, call: n, in: fn})
			}
		}
		return true
	})
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// literalSites returns the composite literals of the type named typeName
// (in any package) in the package's functions.
func (p *scanPackage) literalSites(typeName string) []literalSite {
	var out []literalSite
	var visit func(fn *scanFunc)
	seen := map[*ast.BlockStmt]bool{}
	visit = func(fn *scanFunc) {
		if seen[fn.body] {
			return
		}
		seen[fn.body] = true
		ast.Inspect(fn.body, func(n ast.Node) bool {
			if fl, ok := n.(*ast.FuncLit); ok {
				visit(p.literalFunc(fl, fn))
				return false
			}
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if isType(cl.Type, typeName) {
				out = append(out, p.site(cl, fn))
			} else if at, ok := cl.Type.(*ast.ArrayType); ok && isType(at.Elt, typeName) {
				for _, e := range cl.Elts {
					if inner, ok := e.(*ast.CompositeLit); ok && inner.Type == nil {
						out = append(out, p.site(inner, fn))
					}
				}
			}
			return true
		})
	}
	for _, fns := range p.funcs {
		for _, fn := range fns {
			visit(fn)
		}
	}
	return out
}

// literalFunc returns the scanFunc recorded for a function literal.
func (p *scanPackage) literalFunc(fl *ast.FuncLit, outer *scanFunc) *scanFunc {
	for _, fns := range p.funcs {
		for _, fn := range fns {
			if fn.body == fl.Body {
				return fn
			}
		}
	}
	return &scanFunc{params: paramNames(fl.Type), body: fl.Body, typ: fl.Type, outer: outer}
}

func isType(e ast.Expr, name string) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == name
	case *ast.SelectorExpr:
		return e.Sel.Name == name
	case *ast.StarExpr:
		return isType(e.X, name)
	}
	return false
}

func (p *scanPackage) site(cl *ast.CompositeLit, fn *scanFunc) literalSite {
	s := literalSite{pos: p.fset.Position(cl.Pos()), in: fn, keys: map[string]ast.Expr{}}
	for _, e := range cl.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok {
				s.keys[k.Name] = kv.Value
			}
		}
	}
	return s
}

// texts returns what e can hold in fn, following fn's parameters to the
// calls of fn when e depends on them.
func (p *scanPackage) texts(e ast.Expr, fn *scanFunc, depth int) []string {
	ev := &scanEval{p: p}
	out := ev.eval(e, fn, nil, 0)
	if !ev.unbound {
		return out
	}
	// The parameters as unknown parts, for callers in other packages.
	all := map[string][]string{}
	for _, name := range fn.params {
		all[name] = []string{Dyn}
	}
	out = (&scanEval{p: p}).eval(e, fn, all, 0)
	if depth > 4 || fn.name == "" {
		return out
	}
	for _, c := range p.calls {
		if c.name != fn.name || len(c.call.Args) != len(fn.params) || c.call.Ellipsis.IsValid() {
			continue
		}
		env := map[string][]string{}
		for i, name := range fn.params {
			env[name] = p.texts(c.call.Args[i], c.in, depth+1)
		}
		ev := &scanEval{p: p}
		out = append(out, ev.eval(e, fn, env, 0)...)
	}
	return out
}

type scanEval struct {
	p       *scanPackage
	unbound bool
}

func appendCapped(out []string, more ...string) []string {
	for _, m := range more {
		if len(out) >= maxSamples {
			break
		}
		out = append(out, m)
	}
	return out
}

func cross(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = appendCapped(out, x+y)
		}
	}
	return out
}

func (ev *scanEval) eval(e ast.Expr, fn *scanFunc, env map[string][]string, depth int) []string {
	if depth > 12 {
		return []string{Dyn}
	}
	if env != nil {
		return ev.eval1(e, fn, env, depth)
	}
	if v, ok := ev.p.cache[e]; ok {
		return v
	}
	was := ev.unbound
	ev.unbound = false
	v := ev.eval1(e, fn, env, depth)
	if !ev.unbound {
		ev.p.cache[e] = v
	}
	ev.unbound = ev.unbound || was
	return v
}

func (ev *scanEval) eval1(e ast.Expr, fn *scanFunc, env map[string][]string, depth int) []string {
	p := ev.p
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			if err == nil {
				return []string{s}
			}
		}
		return []string{e.Value}
	case *ast.ParenExpr:
		return ev.eval(e.X, fn, env, depth+1)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return cross(ev.eval(e.X, fn, env, depth+1), ev.eval(e.Y, fn, env, depth+1))
		}
		return []string{"7"}
	case *ast.Ident:
		return ev.ident(e.Name, fn, env, depth)
	case *ast.SelectorExpr:
		if vals := p.keyed[e.Sel.Name]; len(vals) > 0 && strings.ToLower(e.Sel.Name[:1]) == e.Sel.Name[:1] {
			var out []string
			for _, v := range vals {
				out = appendCapped(out, ev.eval(v, nil, nil, depth+1)...)
			}
			return out
		}
		return []string{Dyn}
	case *ast.IndexExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if v, ok := p.values[id.Name].(*ast.CompositeLit); ok {
				if _, isMap := v.Type.(*ast.MapType); isMap {
					var out []string
					for _, el := range v.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							out = appendCapped(out, ev.eval(kv.Value, nil, nil, depth+1)...)
						}
					}
					return out
				}
			}
		}
		return []string{Dyn}
	case *ast.CallExpr:
		return ev.call(e, fn, env, depth)
	}
	return []string{Dyn}
}

func (ev *scanEval) ident(name string, fn *scanFunc, env map[string][]string, depth int) []string {
	p := ev.p
	if v, ok := env[name]; ok {
		return v
	}
	for f := fn; f != nil; f = f.outer {
		for _, prm := range f.params {
			if prm == name {
				if f == fn && env == nil {
					ev.unbound = true
				}
				return []string{Dyn}
			}
		}
		if vals := localValues(f.body, name); len(vals) > 0 {
			var out []string
			for _, v := range vals {
				out = appendCapped(out, ev.eval(v, f, env, depth+1)...)
			}
			return out
		}
	}
	if v, ok := p.values[name]; ok {
		return ev.eval(v, nil, nil, depth+1)
	}
	return []string{Dyn}
}

// localValues returns the string-like values assigned to name in body.
func localValues(body *ast.BlockStmt, name string) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					out = append(out, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name == name && i < len(n.Values) {
					out = append(out, n.Values[i])
				}
			}
		}
		return true
	})
	return out
}

func (ev *scanEval) call(c *ast.CallExpr, fn *scanFunc, env map[string][]string, depth int) []string {
	p := ev.p
	pkg, name := "", callName(c)
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			pkg = id.Name
		}
	}
	switch {
	case pkg == "fmt" && name == "Sprintf" && len(c.Args) > 0:
		var out []string
		for _, format := range ev.eval(c.Args[0], fn, env, depth+1) {
			out = appendCapped(out, ev.sprintf(format, c.Args[1:], fn, env, depth)...)
		}
		return out
	case pkg == "fmt" && name == "Sprint", pkg == "strconv":
		return []string{"7"}
	case name == "expected" || name == "ExpectedCodes":
		return []string{"x1, x2"}
	case pkg == "strings" && name == "Join":
		return []string{Dyn}
	case pkg == "strings" && (name == "TrimPrefix" || name == "TrimSpace" || name == "ToLower"):
		return ev.eval(c.Args[0], fn, env, depth+1)
	case !p.imports[pkg]:
		fns := p.funcs[name]
		if len(fns) != 1 {
			return []string{Dyn}
		}
		f := fns[0]
		args := map[string][]string{}
		for i, prm := range f.params {
			if i < len(c.Args) {
				args[prm] = ev.eval(c.Args[i], fn, env, depth+1)
			}
		}
		var out []string
		ast.Inspect(f.body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) > 0 {
				out = appendCapped(out, ev.eval(r.Results[0], f, args, depth+1)...)
			}
			return true
		})
		if len(out) == 0 {
			return []string{Dyn}
		}
		return out
	}
	return []string{Dyn}
}

// sprintf fills format's verbs: %d with "7", others with the argument's
// texts.
func (ev *scanEval) sprintf(format string, args []ast.Expr, fn *scanFunc, env map[string][]string, depth int) []string {
	out := []string{""}
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			j := strings.IndexByte(format[i+1:], '%')
			if j < 0 {
				j = len(format) - i - 1
			}
			out = cross(out, []string{format[i : i+1+j]})
			i += j
			continue
		}
		i++
		if format[i] == '%' {
			out = cross(out, []string{"%"})
			continue
		}
		var vals []string
		switch format[i] {
		case 'd':
			vals = []string{"7"}
		case 'q':
			vals = []string{`"x1"`}
		default:
			vals = []string{Dyn}
			if arg < len(args) {
				vals = ev.eval(args[arg], fn, env, depth+1)
			}
		}
		arg++
		out = cross(out, vals)
	}
	return out
}

// FieldErrors returns, for each FieldError a user can be shown in the
// packages in dirs, the texts its Field and its Expected can hold, each
// with the places it is made.
func FieldErrors(dirs []string) (fields, expected map[string][]string, err error) {
	fields, expected = map[string][]string{}, map[string][]string{}
	for _, dir := range dirs {
		p, err := loadScanPackage(dir)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range p.literalSites("FieldError") {
			where := s.pos.Filename + ":" + strconv.Itoa(s.pos.Line)
			if e := s.keys["Expected"]; e != nil {
				for _, x := range p.texts(e, s.in, 0) {
					expected[x] = append(expected[x], where)
				}
			}
			if e := s.keys["Field"]; e != nil {
				for _, x := range p.texts(e, s.in, 0) {
					fields[x] = append(fields[x], where)
				}
			}
		}
	}
	return fields, expected, nil
}

// Messages returns the texts the Message of an Error can hold in the
// packages in dirs — Error literals, and calls of Errorf(code, format,
// ...) — each with the places it is made.
func Messages(dirs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, dir := range dirs {
		p, err := loadScanPackage(dir)
		if err != nil {
			return nil, err
		}
		for _, s := range p.literalSites("Error") {
			if e := s.keys["Message"]; e != nil {
				where := s.pos.Filename + ":" + strconv.Itoa(s.pos.Line)
				for _, x := range p.texts(e, s.in, 0) {
					out[x] = append(out[x], where)
				}
			}
		}
		for _, c := range p.calls {
			sel, ok := c.call.Fun.(*ast.SelectorExpr)
			if c.name != "Errorf" || len(c.call.Args) < 2 || !ok || !isIdent(sel.X, "nrm") {
				if id, ok := c.call.Fun.(*ast.Ident); !ok || id.Name != "Errorf" || len(c.call.Args) < 2 {
					continue
				}
			}
			pos := p.fset.Position(c.call.Pos())
			where := pos.Filename + ":" + strconv.Itoa(pos.Line)
			ev := &scanEval{p: p}
			for _, format := range ev.eval(c.call.Args[1], c.in, nil, 0) {
				for _, x := range ev.sprintf(format, c.call.Args[2:], c.in, nil, 0) {
					out[x] = append(out[x], where)
				}
			}
		}
	}
	return out, nil
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// SortedKeys returns m's keys in order.
func SortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
