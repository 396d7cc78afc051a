package nrm

import (
	"strconv"
	"strings"
)

// pathLabel labels a path of names, each optionally indexed
// ("meetings[2].topics_da[0]"): an indexed name by its singular and
// number, counted from 1, the last plain name by its field label.
func pathLabel(field string, lang Lang) (string, bool) {
	segs := strings.Split(field, ".")
	var parts []string
	last := ""
	for i, seg := range segs {
		name, index, indexed := strings.Cut(seg, "[")
		if indexed {
			n, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			l, ok := pathLabels[name]
			if err != nil || !strings.HasSuffix(index, "]") || !ok {
				return field, false
			}
			parts = append(parts, l.in(lang)+" "+strconv.Itoa(n+1))
			continue
		}
		l, ok := fieldLabels[name]
		if !ok {
			return field, false
		}
		if i == len(segs)-1 {
			last = l.in(lang)
		} else {
			parts = append(parts, strings.ToLower(l.in(lang)))
		}
	}
	if len(parts) == 0 {
		return last, true
	}
	s := strings.Join(parts, ", ")
	s = strings.ToUpper(s[:1]) + s[1:]
	if last != "" {
		s += ": " + last
	}
	return s, true
}

// pathLabels names the items of a list in a document, in the singular.
var pathLabels = map[string]label{
	"groups":     {"gruppe", "group"},
	"members":    {"medlem", "member"},
	"meetings":   {"møde", "meeting"},
	"services":   {"tilbud", "service"},
	"stats":      {"opgørelse", "statistic"},
	"topics_da":  {"emne (dansk)", "topic (Danish)"},
	"topics_en":  {"emne (engelsk)", "topic (English)"},
	"areas":      {"hovedområde", "area"},
	"goals":      {"mål", "goal"},
	"activities": {"aktivitet", "activity"},
	"statuses":   {"status", "status"},
	"funding":    {"bevillingslinje", "funding line"},
	"outputs":    {"resultat", "output"},
}

// factKindLabels name the kinds of facts as case versions name them
// ("assessment.outcome", "contact (voided)").
var factKindLabels = map[string]label{
	"contact": {"Kontakt", "Contact"}, "assessment": {"Vurdering", "Assessment"},
	"reflection_period": {"Refleksionsperiode", "Reflection period"}, "accommodation": {"Ophold", "Accommodation"},
	"offer": {"Tilbud", "Offer"}, "exit": {"Udtræden", "Exit"}, "reopening": {"Genåbning", "Reopening"},
	"reconsideration": {"Genoptagelse", "Reconsideration"}, "identifiers": {"Identifikationsoplysninger", "Identifiers"},
	"referral": {"Henvisning", "Referral"}, "consent": {"Samtykke", "Consent"},
}

// changedFieldNames maps the JSON names of a fact's fields, as case
// versions name them, to the field names that carry their labels.
var changedFieldNames = map[string]string{
	"contact.date": "contact_date", "contact.form": "contact_form", "contact.org": "contact_org", "contact.place": "place",
	"assessment.date": "assessment_date", "assessment.authority": "assessment_authority", "assessment.outcome": "assessment_outcome",
	"assessment.stage": "assessment_stage", "assessment.reasons": "decision_reasons",
	"reflection_period.start": "reflection_start", "reflection_period.end": "reflection_end",
	"accommodation.start": "start_date", "accommodation.end": "end_date", "offer.kind": "offer_kind",
	"exit.date": "exit_date", "exit.kind": "exit_kind", "reopening.date": "reopen_date", "reopening.reason": "reopen_reason",
	"reconsideration.deadline": "reconsideration_deadline", "reconsideration.outcome": "reconsideration_outcome",
	"reconsideration.decided_on": "reconsideration_decided_on", "reconsideration.new_assessment_id": "new_assessment",
	"reconsideration.assessment_id": "reconsidered_assessment", "referral.status": "referral_status",
}

// ChangedFieldLabel labels one changed field of a case version in lang:
// "assessment.outcome" reads "Vurdering: Vurdering" (the kind of fact, then
// the field's label), "contact (voided)" "Kontakt (annulleret)".
func ChangedFieldLabel(f string, lang Lang) string {
	if k, voided := strings.CutSuffix(f, " (voided)"); voided {
		if l, ok := factKindLabels[k]; ok {
			return l.in(lang) + label{" (annulleret)", " (voided)"}.in(lang)
		}
	}
	if k, added := strings.CutSuffix(f, " (added)"); added {
		if l, ok := factKindLabels[k]; ok {
			return l.in(lang) + label{" (tilføjet)", " (added)"}.in(lang)
		}
	}
	kind, field, ok := strings.Cut(f, ".")
	if !ok {
		return FieldLabel(f, lang)
	}
	l, known := factKindLabels[kind]
	if !known {
		return FieldLabel(f, lang)
	}
	if name, ok := changedFieldNames[f]; ok {
		field = name
	}
	return l.in(lang) + ": " + FieldLabel(field, lang)
}

// caseActionLabels name the actions of case versions.
var caseActionLabels = map[string]label{
	"case.create": {"Oprettet", "Created"}, "case.update": {"Tilføjet", "Added"}, "case.correct": {"Rettet", "Corrected"},
	"case.import": {"Importeret", "Imported"}, "consent.give": {"Samtykke registreret", "Consent recorded"},
	"consent.withdraw": {"Samtykke trukket tilbage", "Consent withdrawn"}, "referral.send": {"Henvisning sendt", "Referral sent"},
	"referral.accept": {"Henvisning modtaget", "Referral accepted"}, "referral.return": {"Henvisning returneret", "Referral returned"},
	"referral.withdraw": {"Henvisning trukket tilbage", "Referral withdrawn"}, "referral.revoke": {"Adgang ophævet", "Access revoked"},
}

// CaseActionLabel labels the action of a case version ("case.correct")
// in lang; an unknown action is returned as it is.
func CaseActionLabel(action string, lang Lang) string {
	if l, ok := caseActionLabels[action]; ok {
		return l.in(lang)
	}
	return action
}
