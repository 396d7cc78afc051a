package sqlstore

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"nrm"
)

// BackupInfo describes a backup: where it is and which state of the data
// it holds, named by the head of the audit chain it contains.
type BackupInfo struct {
	Engine    string `json:"engine"`
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	AuditSeq  int64  `json:"audit_seq"`
	AuditHash string `json:"audit_hash"`
	Cases     int    `json:"cases"`
}

// Backup writes a consistent copy of the whole database to path while
// the application keeps running: SQLite with VACUUM INTO (a read
// transaction; writers go on), PostgreSQL with pg_dump in its custom
// format (one snapshot). The backup is audited first, so it contains the
// record of itself. Identifiers stay sealed: the key file is not part of
// a backup and must be kept apart from it. Administrators only.
func (d *DB) Backup(ctx context.Context, path string) (*BackupInfo, error) {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return nil, forbidden()
	}
	// The file is made here, empty and owner-only (mode 0600, whatever
	// the umask), and claimed at once (O_EXCL): VACUUM INTO and pg_dump
	// write into it and keep its mode, and no file is ever overwritten.
	if err := createPrivate(path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf("%s already exists; a backup never overwrites a file.", path)}
		}
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "backup", "database", "", filepath.Base(path)) }); err != nil {
		os.Remove(path)
		return nil, err
	}
	info := &BackupInfo{Engine: d.dialect.name(), Path: path}
	if d.dialect.name() == "postgres" {
		tool, err := pgTool("pg_dump")
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		// pg_dump joins a snapshot held open here, so the head read in it
		// is exactly the state dumped.
		conn, err := d.db.Conn(ctx)
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		defer tx.Rollback()
		var snapshot string
		if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
			os.Remove(path)
			return nil, err
		}
		if err := d.head(ctx, tx, info); err != nil {
			os.Remove(path)
			return nil, err
		}
		if err := run(ctx, tool, "--format=custom", "--no-owner", "--snapshot="+snapshot, "--file="+path, "--dbname="+pgDSN(d.dsn)); err != nil {
			os.Remove(path)
			return nil, err
		}
	} else {
		if _, err := d.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("backup: %w", err)
		}
		if err := inspectSQLite(ctx, path, info); err != nil {
			return nil, err
		}
		// VACUUM INTO may have replaced the empty file rather than
		// written into it; the copy is owner-only either way.
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, err
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	info.Bytes = fi.Size()
	return info, nil
}

// createPrivate creates path as an empty file readable and writable by
// its owner only (mode 0600, whatever the umask); it fails with
// os.ErrExist when path exists.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// head reads the audit head and the number of cases through q.
func (d *DB) head(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, info *BackupInfo) error {
	if err := q.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&info.AuditSeq, &info.AuditHash); err != nil {
		return err
	}
	return q.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases").Scan(&info.Cases)
}

// inspectSQLite checks that path is a sound nrm database and reads the
// state it holds, without changing it.
func inspectSQLite(ctx context.Context, path string, info *BackupInfo) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return fmt.Errorf("%s is not a readable database: %w", path, err)
	}
	if check != "ok" {
		return fmt.Errorf("%s is damaged: %s", path, check)
	}
	d := &DB{dialect: sqlite{}}
	if err := d.head(ctx, db, info); err != nil {
		return fmt.Errorf("%s is not an nrm database: %w", path, err)
	}
	return nil
}

// Restore loads a backup made by Backup into the database named by dsn,
// which must be new or empty (force replaces an existing SQLite file or
// cleans an existing PostgreSQL schema; stop every nrm instance using it
// first). The restored database holds exactly the backed-up state: the
// same rows, the same audit chain. It needs the key file of the database
// the backup came from to read identifiers.
func Restore(ctx context.Context, dsn, path string, force bool) (*BackupInfo, error) {
	info := &BackupInfo{Path: path}
	if IsPostgres(dsn) {
		info.Engine = "postgres"
		tool, err := pgTool("pg_restore")
		if err != nil {
			return nil, err
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		var tables int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&tables); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		args := []string{"--no-owner", "--exit-on-error", "--single-transaction", "--dbname=" + pgDSN(dsn)}
		if tables > 0 {
			if !force {
				return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: "The target database is not empty; restore into a new database, or give --force to replace its contents."}
			}
			args = append(args, "--clean", "--if-exists")
		}
		if err := run(ctx, tool, append(args, path)...); err != nil {
			return nil, err
		}
		d := &DB{dialect: postgres{}}
		if err := d.head(ctx, db, info); err != nil {
			return nil, err
		}
		fi, _ := os.Stat(path)
		if fi != nil {
			info.Bytes = fi.Size()
		}
		return info, nil
	}
	info.Engine = "sqlite"
	if err := inspectSQLite(ctx, path, info); err != nil {
		return nil, err
	}
	if _, err := os.Stat(dsn); err == nil && !force {
		return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf("%s exists; restore into a new file, or give --force to replace it.", dsn)}
	}
	// Copy beside the target and rename: the target is never half
	// written, and a stale WAL of the old file must not be replayed onto
	// the restored one.
	tmp, err := os.CreateTemp(filepath.Dir(dsn), "."+filepath.Base(dsn)+".restore-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	src, err := os.Open(path)
	if err != nil {
		tmp.Close()
		return nil, err
	}
	n, err := io.Copy(tmp, src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := os.Rename(tmp.Name(), dsn); err != nil {
		return nil, err
	}
	info.Bytes = n
	return info, nil
}

// BackupKeys is what CheckBackupKeys found: the keys that sealed the
// identifiers in a backup, and those of them the key ring given could not
// open.
type BackupKeys struct {
	// Sealed are the ids of the keys the backup's case identifiers were
	// sealed with, sorted; empty when it holds no identifiers.
	Sealed []string
	// Unopened are the ids among Sealed whose identifiers the key ring
	// did not open (all of them without a key ring).
	Unopened []string
}

// CheckBackupKeys tells, before a restore replaces anything, whether
// sealer opens the identifiers in the backup at path (a backup for the
// engine of dsn: a SQLite file, or a pg_dump archive read with
// pg_restore). For every key the backup's case identifiers name, the
// identifiers of one case are opened with sealer (nil: no key ring). The
// backup is only read.
func CheckBackupKeys(ctx context.Context, dsn, path string, sealer nrm.Sealer) (*BackupKeys, error) {
	var samples []sealedSample
	var err error
	if IsPostgres(dsn) {
		samples, err = pgDumpSamples(ctx, path)
	} else {
		samples, err = sqliteSamples(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	res := &BackupKeys{}
	for _, s := range samples {
		res.Sealed = append(res.Sealed, s.keyID)
		var pt []byte
		err := errors.New("no key ring")
		if sealer != nil {
			pt, err = sealer.Open(s.sealed, []byte(s.ref), s.keyID)
			clear(pt)
		}
		if err != nil {
			res.Unopened = append(res.Unopened, s.keyID)
		}
	}
	return res, nil
}

// sealedSample is one case's sealed identifiers: the first case sealed
// with its key.
type sealedSample struct {
	keyID, ref string
	sealed     []byte
}

// sqliteSamples reads one sealed identifier record per key from a SQLite
// backup, read-only, after checking that it is an nrm database.
func sqliteSamples(ctx context.Context, path string) ([]sealedSample, error) {
	if err := inspectSQLite(ctx, path, &BackupInfo{}); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT COALESCE(key_id, ''), ref, identifiers FROM cases
		WHERE id IN (SELECT MIN(id) FROM cases WHERE identifiers IS NOT NULL GROUP BY key_id) ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("%s is not an nrm database: %w", path, err)
	}
	defer rows.Close()
	var out []sealedSample
	for rows.Next() {
		var s sealedSample
		if err := rows.Scan(&s.keyID, &s.ref, &s.sealed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// pgDumpSamples reads one sealed identifier record per key from a
// pg_dump archive: pg_restore writes the cases table's rows as COPY text
// to its standard output, which is read here as it comes; no database is
// touched.
func pgDumpSamples(ctx context.Context, path string) ([]sealedSample, error) {
	tool, err := pgTool("pg_restore")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, tool, "--data-only", "--table=cases", "--file=-", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, rerr := copySamples(stdout)
	io.Copy(io.Discard, stdout) // let pg_restore finish after an early stop
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", filepath.Base(tool), err, strings.TrimSpace(stderr.String()))
	}
	return out, rerr
}

// copySamples finds the cases table's COPY block in pg_restore's output
// and keeps the first row with identifiers for each key.
func copySamples(r io.Reader) ([]sealedSample, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 256<<20)
	var cols []string
	for cols == nil && sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "COPY ") || !strings.HasSuffix(l, " FROM stdin;") {
			continue
		}
		head := strings.TrimSuffix(l, " FROM stdin;")
		open, close := strings.Index(head, "("), strings.LastIndex(head, ")")
		if open < 0 || close < open {
			continue
		}
		if name := strings.TrimSpace(head[len("COPY "):open]); name != "cases" && !strings.HasSuffix(name, ".cases") {
			continue
		}
		for _, c := range strings.Split(head[open+1:close], ",") {
			cols = append(cols, strings.Trim(strings.TrimSpace(c), `"`))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cols == nil {
		return nil, errors.New("the backup holds no cases table: not an nrm backup")
	}
	refCol, idCol, keyCol := slices.Index(cols, "ref"), slices.Index(cols, "identifiers"), slices.Index(cols, "key_id")
	if refCol < 0 || idCol < 0 || keyCol < 0 {
		return nil, errors.New("the backup's cases table lacks the identifier columns: not an nrm backup")
	}
	seen := map[string]bool{}
	var out []sealedSample
	for sc.Scan() {
		l := sc.Text()
		if l == `\.` {
			break
		}
		f := strings.Split(l, "\t")
		if len(f) != len(cols) || f[idCol] == `\N` {
			continue
		}
		keyID := ""
		if f[keyCol] != `\N` {
			keyID = copyUnescape(f[keyCol])
		}
		if seen[keyID] {
			continue
		}
		raw := copyUnescape(f[idCol])
		if !strings.HasPrefix(raw, `\x`) {
			return nil, errors.New("the backup's sealed identifiers are not in hex form")
		}
		sealed, err := hex.DecodeString(raw[2:])
		if err != nil {
			return nil, fmt.Errorf("the backup's sealed identifiers: %w", err)
		}
		seen[keyID] = true
		out = append(out, sealedSample{keyID: keyID, ref: copyUnescape(f[refCol]), sealed: sealed})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].keyID < out[j].keyID })
	return out, nil
}

// copyUnescape undoes the backslash escapes of PostgreSQL's COPY text
// format.
func copyUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			n, v := 0, 0
			for ; n < 2 && i+1 < len(s) && isHex(s[i+1]); n++ {
				i++
				v = v*16 + hexVal(s[i])
			}
			if n == 0 {
				b.WriteByte('x')
			} else {
				b.WriteByte(byte(v))
			}
		default:
			if e >= '0' && e <= '7' {
				v := int(e - '0')
				for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
					i++
					v = v*8 + int(s[i]-'0')
				}
				b.WriteByte(byte(v))
			} else {
				b.WriteByte(e)
			}
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// pgTool finds a PostgreSQL client program: on PATH, else the newest in
// Debian's /usr/lib/postgresql/VERSION/bin.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(found) == 0 {
		return "", fmt.Errorf("%s not found: install the PostgreSQL client programs", name)
	}
	sort.Slice(found, func(i, j int) bool { return pgVersion(found[i]) < pgVersion(found[j]) })
	return found[len(found)-1], nil
}

func pgVersion(path string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(filepath.Dir(path))), "%d", &v)
	return v
}

// pgDSN drops the parameters that only the Go driver understands.
func pgDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") || k == "default_query_exec_mode" || k == "statement_cache_capacity" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// run runs a client program, returning its error output on failure (the
// connection string is not echoed: it may hold a password).
func run(ctx context.Context, tool string, args ...string) error {
	cmd := exec.CommandContext(ctx, tool, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", filepath.Base(tool), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
