package nrm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The case journal: dated, authored notes about a case, many per case,
// kept beside the case's one notes field (Identifiers.Notes). The journal
// is append-only: an entry is never edited or deleted by a user. A
// correction is a new entry that names the entry it corrects (Corrects);
// both stay, and the older one is shown as corrected. Only retention
// removes entries, with the case's identifiers.

// MaxJournalText bounds the text of one journal entry, in characters.
const MaxJournalText = 20000

// JournalEntry is one note in a case's journal. The text is free text
// about the person, sealed at rest like the identifiers.
type JournalEntry struct {
	ID     int64 `json:"id"`
	CaseID int64 `json:"case_id"`
	// Date is the day the note is about (today by default); CreatedAt is
	// when it was written.
	Date Date `json:"date"`
	// Author and AuthorOrg are set by the store from the actor.
	Author    string `json:"author"`
	AuthorOrg string `json:"author_org,omitempty"`
	Text      string `json:"text"`
	// Corrects is the id of an earlier entry of the same journal that
	// this one corrects; 0 for none.
	Corrects int64 `json:"corrects,omitempty"`
	// CorrectedBy lists the later entries that correct this one (derived
	// when the journal is read).
	CorrectedBy []int64   `json:"corrected_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Normalize trims the text and turns CRLF into LF.
func (e *JournalEntry) Normalize() {
	e.Text = strings.TrimSpace(strings.ReplaceAll(e.Text, "\r\n", "\n"))
}

// Validate checks a new entry: a date not in the future, a text of at
// most MaxJournalText characters, and a corrected entry (if any) among
// the ids of the case's journal, known.
func (e JournalEntry) Validate(today Date, known func(id int64) bool) error {
	v := &invalid{}
	if e.Date.IsZero() {
		v.add("journal_date", RuleRequired, "", "YYYY-MM-DD")
	} else if !today.IsZero() && e.Date.After(today) {
		v.add("journal_date", RuleRange, e.Date.String(), "a date not in the future")
	}
	if strings.TrimSpace(e.Text) == "" {
		v.add("journal_text", RuleRequired, "", "")
	} else if n := utf8.RuneCountInString(e.Text); n > MaxJournalText {
		v.add("journal_text", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxJournalText))
	} else if !utf8.ValidString(e.Text) {
		v.add("journal_text", RuleFormat, "", "text in UTF-8")
	}
	if e.Corrects < 0 || (e.Corrects > 0 && known != nil && !known(e.Corrects)) {
		v.add("journal_corrects", RuleUnknownReference, strconv.FormatInt(e.Corrects, 10), "an entry of this case's journal")
	}
	return v.err("The journal entry has invalid fields.")
}

// JournalService keeps the case journal. Who may read and write a case's
// journal is who may see the case; every read and every write is
// audited.
type JournalService interface {
	// FindJournal returns the journal of a visible case, newest first.
	FindJournal(ctx context.Context, caseID int64) ([]*JournalEntry, error)
	// AddJournalEntry appends an entry to a visible case's journal; the
	// store sets e.ID, CaseID, Author, AuthorOrg and CreatedAt, and the
	// date to today when it is zero.
	AddJournalEntry(ctx context.Context, caseID int64, e *JournalEntry) error
}

func init() {
	for k, l := range map[string]label{
		"journal_date":     {"Dato for notatet", "Date of the note"},
		"journal_text":     {"Notat", "Note"},
		"journal_corrects": {"Retter notat", "Corrects note"},
	} {
		fieldLabels[k] = l
	}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"an entry of this case's journal", "et notat i denne sags journal"},
		{"text in UTF-8", "tekst i UTF-8"},
		{"a case whose identifiers have not been purged", "en sag, hvis identifikationsoplysninger ikke er slettet"},
	}...)
}
