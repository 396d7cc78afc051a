package web

// The labels of the sources behind the statistics (source notes and
// screening figures), merged into the main table at start-up.
var sourcesTranslations = map[string][2]string{
	"sources.title":          {"Kilder til statistikken", "Sources of the statistics"},
	"sources.lead":           {"Hvad kilderne oplyser om årets statistik, og hvor mange personer organisationerne har interviewet eller screenet for tegn på menneskehandel. Statusrapporten gengiver noterne efter deres afsnit og nævner tallene i teksten.", "What the sources say about the year's statistics, and how many persons the organisations interviewed or screened for signs of trafficking. The status report prints the notes after their sections and states the figures in the text."},
	"sources.back":           {"Tilbage til statistikken", "Back to the statistics"},
	"sources.show":           {"Vis året", "Show the year"},
	"sources.notes":          {"Kildenoter", "Source notes"},
	"sources.no_notes":       {"Der er ingen kildenoter for året.", "There are no source notes for the year."},
	"sources.note_edit":      {"Registrér eller erstat en kildenote", "Register or replace a source note"},
	"sources.note_hint":      {"Én note pr. afsnit og kilde; en ny note fra samme kilde til samme afsnit erstatter den gamle. Markér, at tallene er oplyst af kilden, så skriver rapporten fx »Udlændingestyrelsen har oplyst, at …«.", "One note per section and source; a new note from the same source on the same section replaces the old one. Mark that the figures are reported by the source, and the report writes e.g. \"The Danish Immigration Service has reported that …\"."},
	"sources.screenings":     {"Interview og screeninger", "Interviews and screenings"},
	"sources.no_screenings":  {"Der er ingen tal for året.", "There are no figures for the year."},
	"sources.screening_edit": {"Registrér eller erstat et tal", "Register or replace a figure"},
	"sources.save":           {"Gem", "Save"},
	"sources.delete":         {"Slet", "Delete"},
}

func init() {
	for k, v := range sourcesTranslations {
		translations[k] = v
	}
}
