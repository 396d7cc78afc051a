package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"nrm/notify"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"nrm"
	"nrm/web"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, serveCmd)
}

func serveCmd(env *Env) *cobra.Command {
	var addr string
	var demo, secure bool
	var proxies []string
	var anchorDir string
	var anchorEvery time.Duration
	var digestAt, digestSMTP, digestFrom string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web application and the JSON API",
		Long: `Run the web application (Danish, with English as the second language) and the
JSON API under /api/v1 (OpenAPI description at /api/v1/openapi.json).
--demo loads the demo data first and, on the first run, creates the
administrator "admin" with a one-time password. Stop with Ctrl-C (SIGINT) or
SIGTERM: requests in flight are finished before the server exits.
Behind a load balancer or reverse proxy, name its addresses with
--trusted-proxy (or NRM_TRUSTED_PROXIES, comma-separated), so that sign-in
throttling and the audit log see each client's address from
X-Forwarded-For instead of the proxy's.
--anchor-dir DIR (or NRM_ANCHOR_DIR) writes a signed checkpoint of the
audit chain to DIR at start, every --anchor-every (NRM_ANCHOR_EVERY,
default 10m) and at shutdown, as nrm audit anchor does.
--digest-at HH:MM (or NRM_DIGEST_AT) e-mails every user with an address
their task digest each day at that time, as nrm tasks digest does; the
SMTP server and sender come from --digest-smtp and --digest-from or
NRM_SMTP_ADDR and NRM_SMTP_FROM (a login from NRM_SMTP_USER and
NRM_SMTP_PASSWORD).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if v := os.Getenv("NRM_TRUSTED_PROXIES"); v != "" && !cmd.Flags().Changed("trusted-proxy") {
				proxies = strings.Split(v, ",")
			}
			trusted, err := parseProxies(env, proxies)
			if err != nil {
				return err
			}
			if digestAt == "" {
				digestAt = os.Getenv("NRM_DIGEST_AT")
			}
			clock, digestOpts, digests, err := digestSchedule(digestAt, digestSMTP, digestFrom)
			if err != nil {
				return err
			}
			if anchorEvery <= 0 {
				return fmt.Errorf("%s", msg(env.lang(), "--anchor-every skal være positiv, fx 10m", "--anchor-every must be positive, e.g. 10m"))
			}
			if os.Getenv("GOGC") == "" {
				// A case page allocates some 130 KB that are garbage once
				// it is sent, against a live heap of a few tens of MB: at
				// the default GOGC=100 the collector ran several times a
				// second under load and was the bulk of the latency tail
				// (p99 at 1,000 pages/s 7 ms → 4–5 ms at 400). The heap
				// stays small; an operator's GOGC wins.
				debug.SetGCPercent(400)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			sctx := systemCtx(ctx)
			db, err := env.Open(sctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if demo {
				if err := LoadDemo(sctx, db, env); err != nil {
					return err
				}
			}
			if users, err := db.FindUsers(sctx); err == nil && len(users) == 0 {
				fmt.Fprintln(env.Stderr, msg(env.lang(),
					"nrm: der er ingen brugere endnu; opret en administrator med: nrm user add NAVN --role admin --org ORG",
					"nrm: there are no users yet; create an administrator with: nrm user add NAME --role admin --org ORG"))
			}
			logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
			// Runs before db.Close: the last anchor records the final head.
			defer startAnchoring(sctx, db, anchorDir, anchorEvery, logger)()
			if digests {
				defer startDigests(sctx, db, clock, digestOpts, notify.SendDigests, time.Now, logger)()
				fmt.Fprint(env.Stdout, describeDigest(env.lang(), clock))
			}
			srv, err := web.New(web.Config{DB: db, Auth: db, Users: db, Plans: db, Network: db,
				Render: reportRenderer(env, cmd, db), Publish: EditionPublisher(env, db), SecureCookies: secure, Logger: logger, TrustedProxies: trusted,
				DefaultLang: env.lang()})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			hs := &http.Server{
				Handler:           srv.Handler(),
				ReadHeaderTimeout: 10 * time.Second,
				ReadTimeout:       2 * time.Minute, // uploads of up to 50 MiB
				WriteTimeout:      2 * time.Minute, // PDF reports
				IdleTimeout:       2 * time.Minute,
				MaxHeaderBytes:    64 << 10,
				ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
				BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "nrm kører på http://%s (stop med Ctrl-C)\n", "nrm is running on http://%s (stop with Ctrl-C)\n"), ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			select {
			case err := <-errc:
				if !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return nil
			case <-ctx.Done():
			}
			// Finish the requests in flight, then close the database.
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := hs.Shutdown(shutdownCtx); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, msg(env.lang(), "nrm er stoppet.", "nrm has stopped."))
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo data before serving (idempotent)")
	cmd.Flags().BoolVar(&secure, "secure-cookies", false, "mark cookies Secure (set when served over HTTPS, e.g. behind a TLS proxy)")
	cmd.Flags().StringSliceVar(&proxies, "trusted-proxy", nil, "address or network (CIDR) of a reverse proxy whose X-Forwarded-For names the client (repeatable)")
	cmd.Flags().StringVar(&anchorDir, "anchor-dir", anchorDirDefault(), "folder to anchor the audit chain in, outside the database (env NRM_ANCHOR_DIR)")
	cmd.Flags().StringVar(&digestAt, "digest-at", "", "send the e-mail task digests every day at this time, HH:MM (env NRM_DIGEST_AT)")
	cmd.Flags().StringVar(&digestSMTP, "digest-smtp", "", "SMTP server of the digests, host:port (env NRM_SMTP_ADDR)")
	cmd.Flags().StringVar(&digestFrom, "digest-from", "", "sender address of the digests (env NRM_SMTP_FROM)")
	cmd.Flags().DurationVar(&anchorEvery, "anchor-every", anchorEveryDefault(), "interval of the audit anchors with --anchor-dir (env NRM_ANCHOR_EVERY)")
	return cmd
}

// parseProxies parses --trusted-proxy values: addresses or networks.
func parseProxies(env *Env, vals []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("%s", msg(env.lang(),
				fmt.Sprintf("--trusted-proxy %q: ikke en IP-adresse eller et netværk; forventet fx 10.0.0.5 eller 10.0.0.0/24", v),
				fmt.Sprintf("--trusted-proxy %q: not an IP address or network; expected e.g. 10.0.0.5 or 10.0.0.0/24", v)))
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// reportContentTypes are the media types of the report downloads.
var reportContentTypes = map[string]string{
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"pdf":  "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"md":   "text/markdown; charset=utf-8",
}

// reportRenderer renders report downloads with the formats the report
// packages registered in reportFormats, exactly as `nrm report` does; JSON
// without disclosure control is the statistics contract itself. Each
// request renders with its own copy of env, so that the language of one
// request never leaks into another, and reads the plan and names from the
// server's own database handle rather than opening another.
func reportRenderer(env *Env, cmd *cobra.Command, db interface {
	Statistics(context.Context, nrm.StatsQuery) (*nrm.Stats, error)
	reportSource
}) web.ReportRenderer {
	return func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
		s, err := db.Statistics(ctx, q)
		if err != nil {
			return nil, "", err
		}
		ct, ok := reportContentTypes[format]
		if !ok {
			return nil, "", nrm.Errorf(nrm.ENOTFOUND, "unknown report format %q", format)
		}
		var buf bytes.Buffer
		if format == "json" && k <= 1 {
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			err := enc.Encode(s)
			return buf.Bytes(), ct, err
		}
		name := format
		if format == "json" {
			name = "json-published"
		}
		render, ok := reportFormats[name]
		if !ok {
			return nil, "", nrm.Errorf(nrm.ENOTFOUND, "report format %q is not available", format)
		}
		e := *env
		e.Lang = string(lang)
		if err := render(&e, cmd, s, reportOptions{year: q.Year, cutoff: s.Cutoff, k: k, period: period, src: db}, &buf); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), ct, nil
	}
}
