package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
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
	if _, err := os.Stat(path); err == nil {
		return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf("%s already exists; a backup never overwrites a file.", path)}
	}
	if err := d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "backup", "database", "", filepath.Base(path)) }); err != nil {
		return nil, err
	}
	info := &BackupInfo{Engine: d.dialect.name(), Path: path}
	if d.dialect.name() == "postgres" {
		tool, err := pgTool("pg_dump")
		if err != nil {
			return nil, err
		}
		// pg_dump joins a snapshot held open here, so the head read in it
		// is exactly the state dumped.
		conn, err := d.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		var snapshot string
		if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
			return nil, err
		}
		if err := d.head(ctx, tx, info); err != nil {
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
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	info.Bytes = fi.Size()
	return info, nil
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
