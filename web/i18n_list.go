package web

// The labels of the case list's sorting, filters and export, of the audit
// log's filters and columns, and of the compact header (issue 13), kept
// apart from the main table and merged into it at start-up.
var listTranslations = map[string][2]string{
	"list.deadline_within": {"Refleksionsfrist udløber inden for (dage)", "Reflection period ends within (days)"},
	"list.from":            {"fra", "from"},
	"list.to":              {"til", "to"},
	"list.minors":          {"Kun mindreårige (under 18)", "Minors only (under 18)"},
	"list.open_stay":       {"Kun med igangværende ophold", "Only with an ongoing stay"},
	"list.page_size":       {"Sager pr. side", "Cases per page"},
	"list.export":          {"Hent listen som CSV", "Download the list as CSV"},
	"list.export_names":    {"CSV med navne (egen organisations sager)", "CSV with names (own organisation's cases)"},
	"list.age":             {"Alder i år", "Age this year"},
	"list.minor":           {"mindreårig", "minor"},
	"list.updated":         {"Senest ændret", "Last changed"},
	"list.age_minor_note":  {"Alderen er den, personen når i år (kun fødselsåret er kendt i klar tekst). Personen regnes som mindreårig til udgangen af det år, hvor 18 år nås.", "The age is the one the person reaches this year (only the birth year is held in clear). The person counts as a minor until the end of the year in which they turn 18."},

	"audit.from":        {"Fra dato", "From date"},
	"audit.to":          {"Til dato", "To date"},
	"audit.all_actions": {"Alle handlinger", "All actions"},
	"audit.case":        {"Sag", "Case"},
	"audit.fields":      {"Ændrede felter", "Fields changed"},
	"audit.newest":      {"Nyeste først.", "Newest first."},
	"audit.older":       {"Ældre poster →", "Older entries →"},
	"audit.bad_date":    {"Datoen skal skrives ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD."},

	"nav.menu": {"Menu", "Menu"},
}

func init() {
	for k, v := range listTranslations {
		translations[k] = v
	}
}
