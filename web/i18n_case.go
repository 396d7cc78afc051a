package web

// The labels of decisions, corrections, history, reopening and the safe
// case forms, kept apart from the main table and merged into it at
// start-up.
var caseTranslations = map[string][2]string{
	"form.required":       {"skal udfyldes", "required"},
	"form.required_note":  {"Felter markeret med * skal udfyldes.", "Fields marked * are required."},
	"form.choose":         {"– vælg –", "– choose –"},
	"form.confirm":        {"Jeg bekræfter handlingen.", "I confirm the action."},
	"form.not_answered":   {"Ikke besvaret", "Not answered"},
	"case_new.choose":     {"– vælg køn –", "– choose gender –"},
	"case.correct_facts":  {"Ret oplysninger og identifikatorer", "Correct facts and identifiers"},
	"case.history":        {"Sagens historik", "Case history"},
	"case.correct":        {"Ret", "Correct"},
	"case.void":           {"Annullér", "Void"},
	"case.actions":        {"Handlinger", "Actions"},
	"case.closed_on":      {"Sagen er afsluttet (udtræden) den %s.", "The case was closed (exit) on %s."},
	"case.closed_hint":    {"Oplysninger dateret efter udtræden kræver, at sagen genåbnes først. En ny udtræden kræver også en genåbning.", "Facts dated after the exit need the case reopened first. Another exit needs a reopening too."},
	"case.reopen":         {"Genåbn sagen", "Reopen the case"},
	"case.save_reopen":    {"Genåbn", "Reopen"},
	"case.exit_confirm":   {"Jeg bekræfter udtræden: sagen afsluttes.", "I confirm the exit: the case is closed."},
	"case.exit_end_open":  {"Afslut åbne ophold og refleksionsperioder på udtrædelsesdatoen", "End open stays and reflection periods on the exit date"},
	"case.exit_open_hint": {"Sagen har ophold eller refleksionsperioder, der stadig er åbne. Uden flueben afvises udtræden.", "The case has stays or reflection periods still open. Without the tick the exit is refused."},

	"assessment.presumed":      {"Formodet offer", "Presumed victim"},
	"assessment.not_presumed":  {"Ikke formodet offer", "Not presumed a victim"},
	"assessment.not_notified":  {"Personen er endnu ikke underrettet", "The person has not been told yet"},
	"assessment.outcome_hint":  {"Ved en foreløbig vurdering betyder »identificeret« formodet offer og »ikke identificeret« ikke formodet offer.", "For a preliminary assessment, “identified” means presumed victim and “not identified” not presumed a victim."},
	"assessment.reasons_hint":  {"Begrundelsen krypteres som identifikatorerne og vises kun på sagen.", "The reasons are encrypted like the identifiers and shown on the case only."},
	"assessment.stage_hint":    {"Foreløbig vurdering: formodet offer (rimelig grund). Endelig vurdering: identificeret eller ej.", "Preliminary: presumed victim (reasonable grounds). Final: identified or not."},
	"timeline.reconsideration": {"Anmodning om genoptagelse", "Request for reconsideration"},
	"timeline.reopening":       {"Sagen genåbnet", "Case reopened"},

	"reconsideration.title":          {"Genoptagelse", "Reconsideration"},
	"reconsideration.section":        {"Genoptagelse af negative afgørelser", "Reconsideration of negative decisions"},
	"reconsideration.decision":       {"Endelig afgørelse %s (%s): ikke identificeret", "Final decision %s (%s): not identified"},
	"reconsideration.pending":        {"Afventer afgørelse", "Awaiting a decision"},
	"reconsideration.request":        {"Anmod om genoptagelse", "Request reconsideration"},
	"reconsideration.deadline_hint":  {"Tom: anmodningsdatoen plus %d dage.", "Empty: the request date plus %d days."},
	"reconsideration.decide":         {"Afgør genoptagelsen", "Decide the reconsideration"},
	"reconsideration.new_hint":       {"Ændres afgørelsen, registreres en ny endelig vurdering med disse oplysninger.", "If the decision is overturned, a new final assessment is recorded with these details."},
	"reconsideration.only_assessors": {"Kun den vurderende myndigheds sagsbehandlere kan afgøre genoptagelsen.", "Only assessors of the deciding authority can decide the reconsideration."},
	"reconsideration.new_assessment": {"Ny vurdering (hvis afgørelsen ændres)", "New assessment (if overturned)"},

	"exit.end_reason": {"Udtræden registreret: åbne ophold og refleksionsperioder afsluttet på udtrædelsesdatoen.", "Exit recorded: open stays and reflection periods ended on the exit date."},

	"correct.title":       {"Ret oplysning", "Correct a fact"},
	"correct.case_title":  {"Ret sagens oplysninger", "Correct the case's facts"},
	"correct.lead":        {"Ret værdierne og angiv en begrundelse. Begrundelsen gemmes i sagens historik; revisionsloggen nævner kun, hvilke felter der er ændret.", "Change the values and give a reason. The reason is kept in the case history; the audit log names only the fields changed."},
	"correct.reason_hint": {"Påkrævet, når en registreret værdi ændres eller annulleres. Skriv ikke navne eller andre identifikatorer.", "Required when a recorded value is changed or voided. Do not write names or other identifiers."},
	"correct.save":        {"Gem rettelse", "Save correction"},
	"correct.void_title":  {"Annullér oplysningen", "Void this fact"},
	"correct.void_lead":   {"Oplysningen fjernes fra sagen. Den tidligere version kan stadig ses i historikken.", "The fact is removed from the case. The earlier version can still be seen in the history."},
	"correct.void_save":   {"Annullér oplysningen", "Void the fact"},
	"correct.back":        {"Tilbage til sagen", "Back to the case"},

	"history.title":                  {"Historik for sag", "History of case"},
	"history.lead":                   {"Hver gemt ændring er en version. Begrundelsen for en rettelse vises her; revisionsloggen nævner kun felterne.", "Each saved change is a version. The reason for a correction is shown here; the audit log names only the fields."},
	"history.version":                {"Version", "Version"},
	"history.when":                   {"Tidspunkt", "When"},
	"history.who":                    {"Bruger", "User"},
	"history.action":                 {"Handling", "Action"},
	"history.fields":                 {"Ændrede felter", "Fields changed"},
	"history.reason":                 {"Begrundelse", "Reason"},
	"history.open":                   {"Vis version", "Show version"},
	"history.empty":                  {"Der er ingen gemte versioner.", "There are no stored versions."},
	"history.back":                   {"Tilbage til historikken", "Back to the history"},
	"history.as_was":                 {"Sagen, som den så ud i denne version (kun visning).", "The case as it was in this version (read-only)."},
	"history.voided":                 {"(annulleret)", "(voided)"},
	"history.action_case_create":     {"Oprettet", "Created"},
	"history.action_case_update":     {"Tilføjet", "Added"},
	"history.action_case_correct":    {"Rettet", "Corrected"},
	"history.action_case_import":     {"Importeret", "Imported"},
	"history.kind_contact":           {"Kontakt", "Contact"},
	"history.kind_assessment":        {"Vurdering", "Assessment"},
	"history.kind_reflection_period": {"Refleksionsperiode", "Reflection period"},
	"history.kind_accommodation":     {"Indkvartering", "Accommodation"},
	"history.kind_offer":             {"Tilbud", "Offer"},
	"history.kind_exit":              {"Udtræden", "Exit"},
	"history.kind_reopening":         {"Genåbning", "Reopening"},
	"history.kind_reconsideration":   {"Genoptagelse", "Reconsideration"},
	"history.kind_identifiers":       {"Identifikatorer", "Identifiers"},

	// The mechanism's actions and fields in the case history.
	"history.kind_referral":            {"Henvisning", "Referral"},
	"history.added":                    {"(tilføjet)", "(added)"},
	"history.field_consents":           {"Samtykke", "Consent"},
	"history.field_referrals":          {"Henvisninger", "Referrals"},
	"history.action_consent_give":      {"Samtykke registreret", "Consent recorded"},
	"history.action_consent_withdraw":  {"Samtykke trukket tilbage", "Consent withdrawn"},
	"history.action_referral_send":     {"Henvisning sendt", "Referral sent"},
	"history.action_referral_accept":   {"Henvisning modtaget", "Referral accepted"},
	"history.action_referral_return":   {"Henvisning returneret", "Referral returned"},
	"history.action_referral_withdraw": {"Henvisning trukket tilbage", "Referral withdrawn"},
	"history.action_referral_revoke":   {"Adgang ophævet", "Access revoked"},
}

func init() {
	for k, v := range caseTranslations {
		translations[k] = v
	}
}
