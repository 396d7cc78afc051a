package sqlstore

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"nrm"
)

// Anchors keep the audit chain honest against someone who holds the
// database but not the key file. Every entry's hash is keyed, so entries
// cannot be rewritten, but removing the newest entries and moving the
// head back leaves a chain that verifies, and so does a whole chain
// recomputed with the unkeyed formula of the entries from before audit
// keys. An anchor is a checkpoint outside the database — the head's
// sequence number and hash, the time and the audit key's id, signed with
// HMAC-SHA-256 under that audit key and linked to the anchor before it —
// appended to a file in a folder that should live on another machine or
// medium. Verification against the anchors then finds a missing tail, a
// recomputed chain and an edited anchor file.

// AnchorFileName is the name of the append-only anchor file in an anchor
// folder (one JSON object a line).
const AnchorFileName = "audit-anchors.jsonl"

// AuditAnchor is one signed checkpoint of the audit chain.
type AuditAnchor struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	// Key is the id of the audit key that signed the anchor.
	Key string `json:"key"`
	// Prev is the signature of the anchor before it in the file ("" for
	// the first), so that a removed or reordered anchor shows.
	Prev string `json:"prev"`
	// MAC is HMAC-SHA-256 under the audit key over the fields above.
	MAC string `json:"mac"`
}

// sign returns the anchor's signature under key.
func (a *AuditAnchor) sign(key []byte) string {
	h := hmac.New(sha256.New, key)
	for _, s := range []string{"nrm audit anchor v1", strconv.FormatInt(a.Seq, 10), a.Hash, a.At.UTC().Format(time.RFC3339Nano), a.Key, a.Prev} {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// when is the anchor's time for messages.
func (a *AuditAnchor) when() string { return a.At.UTC().Format("2006-01-02 15:04:05Z") }

// AnchorError is a refused anchor or an unusable anchor folder, in Danish
// and English.
type AnchorError struct{ en, da string }

func (e *AnchorError) Error() string { return e.en }

// Format returns the message in lang.
func (e *AnchorError) Format(lang nrm.Lang) string {
	if lang == nrm.LangEN {
		return e.en
	}
	return e.da
}

func anchorErrorf(en, da string, args ...any) *AnchorError {
	return &AnchorError{en: fmt.Sprintf(en, args...), da: fmt.Sprintf(da, args...)}
}

var errAnchorNoKey = anchorErrorf("anchors need the audit key: open the database with its key file",
	"ankre kræver revisionsnøglen: åbn databasen med dens nøglefil")

// AnchorAudit appends a signed checkpoint of the audit chain's head to the
// anchor file in dir (the folder is created with mode 0700, the file with
// 0600; either open to other users is refused). It first verifies the
// chain from the previous anchor to the head, and refuses to anchor a
// broken chain or one that no longer holds the previous anchor's entry.
// Concurrent anchor writers take turns on a lock of the file.
func (d *DB) AnchorAudit(ctx context.Context, dir string) (*AuditAnchor, error) {
	if !readsAudit(actorOf(ctx)) {
		return nil, forbidden()
	}
	keys := d.auditKeys()
	if keys == nil {
		return nil, errAnchorNoKey
	}
	f, created, err := openAnchorFile(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	unlock, err := lockFile(f)
	if err != nil {
		return nil, fmt.Errorf("anchor file lock: %w", err)
	}
	defer unlock()
	last, err := lastAnchor(f)
	if err != nil {
		return nil, err
	}
	if last != nil {
		key, ok := keys.AuditKeyByID(last.Key)
		if !ok || !hmac.Equal([]byte(last.sign(key)), []byte(last.MAC)) {
			return nil, anchorErrorf("the last anchor in %s does not verify (the anchor file was edited, or its key is missing); nothing was anchored. Check with: nrm audit verify --anchors",
				"det sidste anker i %s kan ikke verificeres (ankerfilen er ændret, eller dens nøgle mangler); der er ikke forankret noget. Kontrollér med: nrm audit verify --anchors", dir)
		}
	}
	var headSeq int64
	var headHash string
	if err := d.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return nil, err
	}
	if err := d.checkSinceAnchor(ctx, keys, last, headSeq, headHash); err != nil {
		return nil, err
	}
	id, key := keys.AuditKey()
	a := &AuditAnchor{Seq: headSeq, Hash: headHash, At: d.Now(), Key: id}
	if last != nil {
		a.Prev = last.MAC
	}
	a.MAC = a.sign(key)
	line, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("anchor write: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("anchor write: %w", err)
	}
	if created {
		if df, err := os.Open(dir); err == nil {
			df.Sync()
			df.Close()
		}
	}
	return a, nil
}

// checkSinceAnchor verifies the entries from the last anchor's (or from
// the first) to the head read before: the anchored entry must be there
// with its anchored hash, every later entry must verify and the last one
// must be the head.
func (d *DB) checkSinceAnchor(ctx context.Context, keys auditKeyring, last *AuditAnchor, headSeq int64, headHash string) error {
	from := int64(1)
	if last != nil && last.Seq > 0 {
		if headSeq < last.Seq {
			return anchorErrorf("the audit log ends at entry %d, but the last anchor records entry %d (entries removed from the end); nothing was anchored",
				"revisionsloggen slutter ved post %d, men det sidste anker registrerer post %d (poster fjernet fra enden); der er ikke forankret noget", headSeq, last.Seq)
		}
		from = last.Seq
	}
	rep := &AuditReport{}
	w := newChainWalker(keys, rep)
	rows, err := d.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq", from, headSeq)
	if err != nil {
		return err
	}
	defer rows.Close()
	first := true
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if first && from > 1 {
			if e.Seq != from || e.Hash != last.Hash {
				return anchorErrorf("entry %d differs from the last anchor (rewritten, or entries removed); nothing was anchored",
					"post %d afviger fra det sidste anker (omskrevet, eller poster fjernet); der er ikke forankret noget", from)
			}
			w.prevSeq, w.prevHash = e.Seq-1, e.PrevHash
		}
		first = false
		w.check(e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if first && from > 1 {
		return anchorErrorf("entry %d of the last anchor is missing (entries removed); nothing was anchored",
			"post %d fra det sidste anker mangler (poster fjernet); der er ikke forankret noget", from)
	}
	if w.prevSeq != headSeq || w.prevHash != headHash {
		w.problem(headSeq, "the chain head does not match the last entry (entries removed from the end)",
			"kædens hoved passer ikke med den sidste post (poster fjernet fra enden)")
	}
	if len(rep.Problems) > 0 {
		p := rep.Problems[0]
		return &AnchorError{en: fmt.Sprintf("the audit log is broken at entry %d: %s; nothing was anchored", p.Seq, p.Problem),
			da: fmt.Sprintf("revisionsloggen er brudt ved post %d: %s; der er ikke forankret noget", p.Seq, p.ProblemDA)}
	}
	return nil
}

// openAnchorFile creates dir (0700) and opens its anchor file for
// appending (0600), refusing a folder or file open to other users.
func openAnchorFile(dir string) (*os.File, bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, false, err
	}
	if !fi.IsDir() {
		return nil, false, anchorErrorf("%s is not a folder", "%s er ikke en mappe", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, false, anchorErrorf("the anchor folder %s is open to other users (mode %v); run chmod 700",
			"ankermappen %s er åben for andre brugere (tilstand %v); kør chmod 700", dir, fi.Mode().Perm())
	}
	path := filepath.Join(dir, AnchorFileName)
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, false, err
	}
	if fi, err := f.Stat(); err != nil || fi.Mode().Perm()&0o077 != 0 {
		f.Close()
		if err != nil {
			return nil, false, err
		}
		return nil, false, anchorErrorf("the anchor file %s is open to other users (mode %v); run chmod 600",
			"ankerfilen %s er åben for andre brugere (tilstand %v); kør chmod 600", path, fi.Mode().Perm())
	}
	return f, created, nil
}

// anchorTail is how much of the anchor file's end lastAnchor reads.
const anchorTail = 64 << 10

// lastAnchor reads the last anchor of f (nil if there is none).
func lastAnchor(f *os.File) (*AuditAnchor, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	off := max(fi.Size()-anchorTail, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = bytes.TrimRight(buf, "\n\r \t")
	if len(buf) == 0 {
		return nil, nil
	}
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		buf = buf[i+1:]
	} else if off > 0 {
		buf = nil // the last line is longer than the tail
	}
	a := &AuditAnchor{}
	if err := json.Unmarshal(buf, a); err != nil {
		return nil, anchorErrorf("the last line of the anchor file %s cannot be read (the file was edited); nothing was anchored",
			"den sidste linje i ankerfilen %s kan ikke læses (filen er ændret); der er ikke forankret noget", f.Name())
	}
	return a, nil
}

// readAnchors reads and checks every anchor in dir's anchor file. It
// returns the anchors whose signature verifies, in file order, and a
// problem for each line that is unreadable, signed wrongly or with an
// unknown key, out of its place in the chain of anchors, or recording an
// earlier entry than the anchor before it. A missing file is a problem:
// the caller asked to check against anchors.
func readAnchors(dir string, keys auditKeyring) ([]AuditAnchor, []AuditProblem, error) {
	path := filepath.Join(dir, AnchorFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, []AuditProblem{{Problem: fmt.Sprintf("the anchor folder %s holds no anchor file (%s): there is nothing to compare with (removed?)", dir, AnchorFileName),
			ProblemDA: fmt.Sprintf("ankermappen %s indeholder ingen ankerfil (%s): der er intet at sammenligne med (fjernet?)", dir, AnchorFileName)}}, nil
	} else if err != nil {
		return nil, nil, err
	}
	var out []AuditAnchor
	var problems []AuditProblem
	add := func(line int, en, da string) {
		problems = append(problems, AuditProblem{AnchorLine: line,
			Problem: fmt.Sprintf("anchor file, line %d: %s", line, en), ProblemDA: fmt.Sprintf("ankerfilen, linje %d: %s", line, da)})
	}
	prevMAC, prevSeq := "", int64(-1)
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := i + 1
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var a AuditAnchor
		if err := json.Unmarshal(raw, &a); err != nil {
			add(line, "the line cannot be read (the anchor file was edited)", "linjen kan ikke læses (ankerfilen er ændret)")
			prevMAC = ""
			continue
		}
		if a.Prev != prevMAC {
			add(line, "the link to the anchor before it is broken (an anchor removed, inserted or reordered)",
				"forbindelsen til ankeret før er brudt (et anker fjernet, indsat eller flyttet)")
		}
		prevMAC = a.MAC
		key, ok := keys.AuditKeyByID(a.Key)
		if !ok {
			add(line, "the anchor names an audit key that the key file does not hold (forged, or the key was removed)",
				"ankeret henviser til en revisionsnøgle, som nøglefilen ikke indeholder (forfalsket, eller nøglen er fjernet)")
			continue
		}
		if !hmac.Equal([]byte(a.sign(key)), []byte(a.MAC)) {
			add(line, "the signature does not match (the anchor file was edited)", "signaturen passer ikke (ankerfilen er ændret)")
			continue
		}
		if a.Seq < prevSeq {
			add(line, fmt.Sprintf("the anchor records entry %d, an earlier one than the anchor before it (%d): the database was set back, e.g. restored from an older backup", a.Seq, prevSeq),
				fmt.Sprintf("ankeret registrerer post %d, en tidligere end ankeret før (%d): databasen er sat tilbage, fx gendannet fra en ældre sikkerhedskopi", a.Seq, prevSeq))
		}
		prevSeq = a.Seq
		out = append(out, a)
	}
	return out, problems, nil
}
