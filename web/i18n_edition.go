package web

// The labels of published editions and statistics clearance (the
// editions page and the dashboard's edition note), kept apart from the
// main table and merged into it at start-up.
var editionTranslations = map[string][2]string{
	"edition.title":  {"Offentliggjorte udgaver", "Published editions"},
	"edition.lead":   {"En udgave fastfryser årets offentliggjorte statistik med diskretion: tallene, filerne i alle formater og en SHA-256-kontrolsum. Offentliggjort statistik for året vises altid fra den seneste udgave. En rettelse er en ny udgave.", "An edition freezes the year's published, disclosure-controlled statistics: the numbers, the files in every format and a SHA-256 content hash. Published statistics of the year are always shown from the latest edition. A correction is a new edition."},
	"edition.none":   {"Der er ikke offentliggjort nogen udgave af året.", "No edition of the year has been published."},
	"edition.all":    {"Offentliggjorte udgaver af året", "Published editions of the year"},
	"edition.number": {"Udgave", "Edition"},

	"edition.published_at":     {"Offentliggjort", "Published"},
	"edition.published_by":     {"Af", "By"},
	"edition.downloads":        {"Filer", "Files"},
	"edition.file_part":        {"udgave", "edition"},
	"edition.publish":          {"Offentliggør ny udgave", "Publish a new edition"},
	"edition.publish_help":     {"Statistikken beregnes med diskretionsgrænse 3 og fastfryses. En ny udgave skjuler alt, hvad tidligere udgaver skjulte, og afvises, hvis et offentliggjort tal afviger med 1 eller 2 fra en tidligere udgave.", "The statistics are computed with disclosure threshold 3 and frozen. A new edition hides everything earlier editions hid, and is refused when a published number differs by 1 or 2 from an earlier edition."},
	"edition.confirm":          {"Jeg bekræfter offentliggørelsen. En udgave kan ikke ændres eller slettes.", "I confirm the publication. An edition cannot be changed or deleted."},
	"edition.confirm_first":    {"Bekræft offentliggørelsen ved at sætte flueben.", "Confirm the publication by ticking the box."},
	"edition.refused":          {"Udgaven blev ikke offentliggjort.", "The edition was not published."},
	"edition.published_notice": {"Udgave %s af %d er offentliggjort.", "Edition %s of %d has been published."},

	"edition.served":          {"Offentliggjort statistik: udgave %d af %d, opgjort pr. %s, offentliggjort %s.", "Published statistics: edition %d of %d, as of %s, published %s."},
	"edition.frozen":          {"Data er ændret siden udgaven. Tallene beregnes ikke igen; udgavens filer er den offentliggjorte statistik.", "The data have changed since the edition. The numbers are not recomputed; the edition's files are the published statistics."},
	"edition.not_frozen":      {"Der er endnu ingen offentliggjort udgave af året: tallene er beregnet nu og kan ændre sig.", "No edition of the year has been published yet: the numbers are computed now and may change."},
	"edition.changed_since":   {"Ændret siden udgave %d (offentliggjort → nu):", "Changed since edition %d (published → now):"},
	"edition.more_changes":    {"… og %d tal mere.", "… and %d more numbers."},
	"edition.unchanged_since": {"Intet offentliggjort tal er ændret siden udgave %d.", "No published number has changed since edition %d."},
}

func init() {
	for k, v := range editionTranslations {
		translations[k] = v
	}
}
