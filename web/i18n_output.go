package web

// The labels of the plan's outputs, funding and working groups, kept
// apart from the main table and merged into it at start-up.
var outputTranslations = map[string][2]string{
	"outputs.title":         {"Resultater", "Outputs"},
	"outputs.back":          {"Tilbage til handlingsplanen", "Back to the action plan"},
	"outputs.lead":          {"Kurser, kampagner, publikationer, undersøgelser, studierejser og internationale projekter, som planens aktiviteter har leveret.", "Courses, campaigns, publications, studies, study trips and international projects delivered by the plan's activities."},
	"outputs.output":        {"Resultat", "Output"},
	"outputs.none":          {"Der er ikke registreret resultater for planen.", "No outputs have been registered for the plan."},
	"outputs.add":           {"Registrér et resultat", "Register an output"},
	"outputs.save":          {"Gem resultat", "Save output"},
	"outputs.delete":        {"Slet", "Delete"},
	"outputs.org_hint":      {"Organisationens kode, fx CMM. Tom: din egen organisation.", "The organisation's code, e.g. CMM. Empty: your own organisation."},
	"outputs.import":        {"Indlæs resultater fra fil", "Import outputs from a file"},
	"outputs.import_hint":   {"En YAML- eller CSV-fil i det dokumenterede format; en YAML-fil kan også indeholde bevillinger (kun koordinerende ministerium). Filen indlæses helt eller slet ikke.", "A YAML or CSV file in the documented form; a YAML file may hold funding too (coordinating ministry only). The file is imported in full or not at all."},
	"outputs.replace":       {"Erstat alle planens resultater", "Replace all of the plan's outputs"},
	"outputs.import_failed": {"Filen blev ikke indlæst.", "The file was not imported."},
	"outputs.link":          {"Resultater", "Outputs"},

	"funding.title":     {"Bevillinger og forbrug", "Funding and spending"},
	"funding.link":      {"Bevillinger", "Funding"},
	"funding.lead":      {"Bevilget og forbrugt beløb pr. aktivitet, år og bevillingslinje (satspuljen, bistandsmidler, politiets budget …).", "Amounts allocated and spent per activity, year and funding line (satspuljen, aid funds, the police budget …)."},
	"funding.none":      {"Der er ikke registreret bevillinger for planen.", "No funding has been registered for the plan."},
	"funding.add":       {"Registrér bevilling og forbrug", "Register allocation and spending"},
	"funding.add_hint":  {"En ny registrering for samme aktivitet, år og bevillingslinje erstatter den gamle.", "A new entry for the same activity, year and funding line replaces the old one."},
	"funding.line_hint": {"Fx satspulje, bistand eller politiet.", "E.g. satspulje, bistand or politiet."},
	"funding.save":      {"Gem", "Save"},

	"work.title":          {"Planens arbejde", "The plan's work"},
	"work.link":           {"Resultater, bevillinger og leverancer", "Outputs, funding and deliveries"},
	"work.lead":           {"Ud over aktiviteternes status: hvad planen har leveret, og hvad den har kostet.", "Besides the activities' status: what the plan has delivered and what it has cost."},
	"work.by_area":        {"Resultater pr. hovedområde og år", "Outputs per strategic area and year"},
	"work.by_area_hint":   {"Et resultat tæller i det år, det fandt sted eller begyndte.", "An output counts in the year it happened or started."},
	"work.area":           {"Hovedområde", "Strategic area"},
	"work.participants":   {"Deltagere", "Participants"},
	"work.spending":       {"Forbrug i forhold til bevilling", "Spending against allocation"},
	"work.year":           {"År", "Year"},
	"work.line":           {"Bevillingslinje", "Funding line"},
	"work.allocated":      {"Bevilget (kr.)", "Allocated (DKK)"},
	"work.spent":          {"Forbrugt (kr.)", "Spent (DKK)"},
	"work.share":          {"Forbrugt andel", "Share spent"},
	"work.no_funding":     {"Der er ikke registreret bevillinger.", "No funding has been registered."},
	"work.by_body":        {"Hvad hver ansvarlig har leveret", "What each responsible body has delivered"},
	"work.by_body_hint":   {"Resultater efter den organisation, der leverede dem (ellers aktivitetens ansvarlige).", "Outputs by the organisation that delivered them (else the activity's responsible bodies)."},
	"work.no_outputs":     {"Der er ikke registreret resultater.", "No outputs have been registered."},
	"groups.title":        {"Arbejdsgrupper", "Working groups"},
	"groups.link":         {"Arbejdsgrupper", "Working groups"},
	"groups.lead":         {"Den tværministerielle arbejdsgruppe, tematiske grupper og opfølgningsgrupper med formand, medlemmer, møder, referater og aftalte handlinger. Referencegrupperne findes under netværket.", "The inter-ministerial working group, thematic groups and follow-up groups with chair, members, meetings, minutes and agreed actions. The reference groups are under the network."},
	"groups.network":      {"Referencenetværket", "The reference network"},
	"groups.meetings":     {"Møder", "Meetings"},
	"groups.no_meetings":  {"Ingen møder registreret.", "No meetings registered."},
	"groups.actions":      {"Aftalte handlinger", "Agreed actions"},
	"groups.no_actions":   {"Ingen aftalte handlinger.", "No agreed actions."},
	"groups.due":          {"frist", "due"},
	"groups.done":         {"gennemført", "done"},
	"groups.open":         {"åben", "open"},
	"groups.add_meeting":  {"Registrér et møde", "Register a meeting"},
	"groups.minutes_en":   {"Referat (engelsk)", "Minutes (English)"},
	"groups.save_meeting": {"Gem møde", "Save meeting"},
	"groups.none":         {"Der er ikke registreret arbejdsgrupper.", "No working groups have been registered."},
	"groups.import":       {"Indlæs arbejdsgrupper fra fil", "Import working groups from a file"},
	"groups.import_hint":  {"En YAML-fil i det dokumenterede format. En gruppe med en kode, der findes, erstattes.", "A YAML file in the documented form. A group whose code exists is replaced."},
}

func init() {
	for k, v := range outputTranslations {
		translations[k] = v
	}
}
