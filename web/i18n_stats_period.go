package web

// The labels of the status period selector on the statistics page,
// merged into the main table at start-up.
var statsPeriodTranslations = map[string][2]string{
	"stats.period":      {"Handlingsplanens statusperiode", "Action plan status period"},
	"stats.period_hint": {"Statusrapportens aktivitetstabeller viser status for denne periode. Standard er den seneste periode, der er begyndt senest på opgørelsesdatoen.", "The status report's activity tables show the status of this period. The default is the latest period begun by the cut-off date."},
}

func init() {
	for k, v := range statsPeriodTranslations {
		translations[k] = v
	}
}
