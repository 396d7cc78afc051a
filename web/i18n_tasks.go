package web

// The labels of the worklist and the home page, kept apart from the main
// table and merged into it at start-up.
var taskTranslations = map[string][2]string{
	"nav.tasks": {"Opgaver", "Tasks"},

	"tasks.title":           {"Opgaver", "Tasks"},
	"tasks.filter":          {"Vis opgaver", "Show tasks"},
	"tasks.show":            {"Vis", "Show"},
	"tasks.within":          {"Forfalder inden for (dage)", "Due within (days)"},
	"tasks.counts_within":   {"Opgaver, der forfalder inden for %d dage eller er overskredet", "Tasks due within %d days or overdue"},
	"tasks.count":           {"Antal", "Number"},
	"tasks.overdue":         {"Overskredet", "Overdue"},
	"tasks.total":           {"I alt", "Total"},
	"tasks.counts_only":     {"Som koordinator ser du antallet af opgaver i alle organisationer, men ikke de enkelte sager.", "As a coordinator you see the number of tasks in every organisation, not the cases themselves."},
	"tasks.list":            {"Opgaver efter frist", "Tasks by due date"},
	"tasks.due":             {"Frist", "Due"},
	"tasks.days_left":       {"Dage tilbage", "Days left"},
	"tasks.overdue_prefix":  {"overskredet med", "overdue by"},
	"tasks.today":           {"i dag", "today"},
	"tasks.day":             {"dag", "day"},
	"tasks.days":            {"dage", "days"},
	"tasks.empty":           {"Der er ingen opgaver med frist inden for perioden.", "No tasks are due within the period."},
	"tasks.more":            {"%d opgaver mere på opgavelisten", "%d more tasks on the worklist"},
	"tasks.new_one":         {"ny opgave siden dit sidste besøg den", "new task since your last visit on"},
	"tasks.new_many":        {"nye opgaver siden dit sidste besøg den", "new tasks since your last visit on"},
	"home.title":            {"Forside", "Home"},
	"home.my_cases":         {"Mine sager", "My cases"},
	"home.all_cases":        {"Alle sager", "All cases"},
	"home.no_cases":         {"Der er ingen sager endnu.", "There are no cases yet."},
	"reflection.kind":       {"Type", "Kind"},
	"reflection.reason":     {"Begrundelse for forlængelse", "Reason for the extension"},
	"reflection.decided_by": {"Besluttet af", "Decided by"},
	"reflection.default":    {"Slutdatoen er udfyldt med standardlængden på %d dage; i alt højst %d dage med forlængelser.", "The end is filled in with the default length of %d days; at most %d days in total with extensions."},
}

func init() {
	for k, v := range taskTranslations {
		translations[k] = v
	}
}
