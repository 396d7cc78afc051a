package web

// The labels of the case journal and documents section of the case page,
// kept apart from the main table and merged into it at start-up.
var journalTranslations = map[string][2]string{
	"journal.title":         {"Journal", "Journal"},
	"journal.intro":         {"Daterede notater om sagen. Et notat kan ikke ændres eller slettes; en rettelse er et nyt notat, der henviser til det gamle.", "Dated notes about the case. A note cannot be changed or deleted; a correction is a new note that refers to the old one."},
	"journal.add":           {"Skriv et notat", "Write a note"},
	"journal.save":          {"Gem notat", "Save note"},
	"journal.text_hint":     {"Krypteres som personoplysninger. Højst 20.000 tegn.", "Encrypted like identifiers. At most 20,000 characters."},
	"journal.corrects_none": {"– intet (et nyt notat) –", "– none (a new note) –"},
	"journal.corrects_hint": {"Vælg det notat, som dette notat retter. Begge bliver stående.", "Choose the note this note corrects. Both stay on record."},
	"journal.corrects":      {"Retter notat", "Corrects note"},
	"journal.corrected_by":  {"Rettet i notat", "Corrected in note"},
	"journal.empty":         {"Der er ingen notater i journalen.", "The journal has no notes."},
	"journal.unavailable":   {"Journalen og dokumenterne kunne ikke læses lige nu.", "The journal and documents could not be read just now."},

	"documents.title":    {"Dokumenter", "Documents"},
	"documents.file":     {"Fil", "File"},
	"documents.hint":     {"PDF, JPEG eller PNG, højst %d MB. Filtypen bestemmes ud fra indholdet, ikke navnet. Filen krypteres.", "PDF, JPEG or PNG, at most %d MB. The type is judged from the content, not the name. The file is encrypted."},
	"documents.upload":   {"Tilføj dokument", "Add document"},
	"documents.name":     {"Filnavn", "File name"},
	"documents.kind":     {"Type", "Type"},
	"documents.size":     {"Størrelse", "Size"},
	"documents.added":    {"Tilføjet", "Added"},
	"documents.download": {"Hent", "Download"},
	"documents.delete":   {"Slet dokument", "Delete document"},
	"documents.empty":    {"Der er ingen dokumenter på sagen.", "The case has no documents."},
}

func init() {
	for k, v := range journalTranslations {
		translations[k] = v
	}
}
