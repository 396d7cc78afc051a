package report

import (
	"sort"

	"nrm"
)

// settingPhrase follows a sector phrase: "én i form af rengøring på
// kontorer og skoler".
var settingPhrase = map[string][2]string{
	"private_home":       {"i private hjem", "in private homes"},
	"offices_schools":    {"på kontorer og skoler", "in offices and schools"},
	"hotels_restaurants": {"på hoteller og restauranter", "in hotels and restaurants"},
	"farms":              {"på landbrug og gartnerier", "on farms and market gardens"},
	"construction_sites": {"på byggepladser", "on construction sites"},
	"factories":          {"på fabrikker", "in factories"},
	"shops":              {"i butikker", "in shops"},
	"ships":              {"på skibe", "on ships"},
	"other":              {"andre steder", "elsewhere"},
}

// labourPart is one item of the forced-labour sentence's tail: persons of
// one sector, in one setting or (setting "") in none named.
type labourPart struct {
	setting string
	n       int
}

// sectorParts splits the persons of a sector (n of them) by the labour
// settings of the narrative facts: each setting by count (then in code
// order), then the persons with none. It returns one part without a
// setting when there are no facts, when the settings do not fit within n,
// or when disclosure control is on and any part of any sector would be a
// count below k (settings names no breakdown at all then, since a named
// part and the sector's count would give the other away).
func (b *builder) sectorParts(sector string, n int) []labourPart {
	whole := []labourPart{{n: n}}
	if !b.settingsShown() {
		return whole
	}
	return splitSector(b.in.Facts.LabourSettings[sector], n, whole)
}

func splitSector(m map[string]int, n int, whole []labourPart) []labourPart {
	var parts []labourPart
	rest := n
	for _, st := range nrm.Codes("labour_setting") {
		if v := m[st]; v > 0 {
			parts = append(parts, labourPart{st, v})
			rest -= v
		}
	}
	if len(parts) == 0 || rest < 0 {
		return whole
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].n > parts[j].n })
	if rest > 0 {
		parts = append(parts, labourPart{n: rest})
	}
	return parts
}

// settingsShown reports whether the forced-labour sentence may name
// settings: always in an internal report; in a published one only when
// every sector with settings is shown and each of its parts is zero or at
// least k persons (as the shelter providers, named only with at least k).
func (b *builder) settingsShown() bool {
	if b.in.Facts == nil || len(b.in.Facts.LabourSettings) == 0 {
		return false
	}
	if !b.published() {
		return true
	}
	if b.k <= 1 {
		return false // a mask without a threshold: no rule to name a part by
	}
	for sc, m := range b.in.Facts.LabourSettings {
		c := b.n(TabLabourSectors, sc, "", b.s.ForcedLabourSectors[sc])
		if c.hidden {
			return false
		}
		parts := splitSector(m, c.v, nil)
		if parts == nil {
			return false // settings that do not fit the sector's count
		}
		for _, p := range parts {
			if p.n < b.k {
				return false
			}
		}
	}
	return true
}
