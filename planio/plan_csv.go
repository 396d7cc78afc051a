package planio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"nrm"
	"nrm/bundle/csvin"
	"nrm/csvsafe"
)

// PlanCSVColumns are the columns of the plan CSV form, in the order
// WritePlanCSV writes them. responsible holds organisation codes separated
// by ";". A row with an empty period is an activity without status entries.
// The plan's head, background and funding come from the head given to
// ReadPlanCSV; the areas' introduction wording, footnotes and the English
// responsible text are kept in the YAML form only.
var PlanCSVColumns = []string{
	"area_number", "area_da", "area_en",
	"goal_code", "goal_da", "goal_en",
	"activity_code", "activity_da", "activity_en",
	"responsible", "responsible_text",
	"period", "state", "status_da", "status_en",
}

// StatusDateColumn is an optional last column with the status entry's date
// (YYYY-MM-DD); WritePlanCSV adds it only when some entry has a date.
const StatusDateColumn = "status_date"

// csvHeader maps column names to indexes, reporting missing required and
// unknown columns.
func csvHeader(header []string, required, optional []string, p *problems) map[string]int {
	cols := map[string]int{}
	known := map[string]bool{}
	for _, c := range required {
		known[c] = true
	}
	for _, c := range optional {
		known[c] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case !known[h]:
			p.add(atCell(1, strconv.Itoa(i+1)), nrm.RuleNotAllowed, h, "one of the columns "+strings.Join(append(append([]string{}, required...), optional...), ", "))
		default:
			if _, dup := cols[h]; dup {
				p.add(atCell(1, h), nrm.RuleDuplicate, h, "each column once")
			} else {
				cols[h] = i
			}
		}
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			p.add(atCell(1, c), nrm.RuleRequired, "", "a header row with the columns "+strings.Join(required, ","))
		}
	}
	return cols
}

// csvRow is one data record with the line of each cell.
type csvRow struct {
	cells []string
	lines []int // line of each cell
}

// readCSV reads the header and every record of data within the limits
// (MaxField, MaxLine, MaxRows), reporting cells over the limit and rows
// with the wrong number of cells. A fault of the text (not UTF-8, binary,
// a broken quote, a row or file over the limit) is the one problem
// reported, and header is nil; header is nil without a problem when the
// file is empty or blank (the caller asks for a header row).
func readCSV(data []byte, p *problems) (header []string, rows []csvRow) {
	cr := csvin.NewReader(bytes.NewReader(data), csvin.Limits{MaxField: MaxField, MaxLine: MaxLine, MaxRows: MaxRows})
	for {
		rec, line, err := cr.Read()
		var f *csvin.Fault
		var long *csvin.LongCells
		switch {
		case err == io.EOF:
			return header, rows
		case errors.As(err, &f):
			if header != nil || f.Kind != csvin.FaultEmpty && f.Kind != csvin.FaultBlank {
				p.fields = append(p.fields, nrm.FieldError{Field: fmt.Sprintf("line %d", f.Line), Rule: nrm.RuleUnreadable, Detail: f.Error(), DetailDA: f.Text(nrm.LangDA)})
			}
			return nil, nil
		case errors.As(err, &long) && header != nil:
			for _, i := range long.Cols {
				col := strconv.Itoa(i + 1)
				if i < len(header) {
					col = strings.TrimSpace(header[i])
				}
				p.add(atCell(line, col), nrm.RuleTooLong, nrm.TruncateValue(rec[i]), fmt.Sprintf("at most %d bytes", long.Limit))
			}
			continue
		}
		if header == nil {
			header = rec
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		lines := make([]int, len(rec))
		for i := range lines {
			lines[i] = line
		}
		if len(rec) != len(header) {
			p.add(atCell(line, "*"), nrm.RuleRange, strconv.Itoa(len(rec)), fmt.Sprintf("%d cells, one per header column", len(header)))
			continue
		}
		rows = append(rows, csvRow{cells: rec, lines: lines})
	}
}

type csvAreaAcc struct {
	area nrm.Area
	line int
}

type csvGoalAcc struct {
	goal nrm.Goal
	area int
	line int
}

type csvActAcc struct {
	act     nrm.Activity
	goal    string
	line    int
	resp    string
	periods map[string]int // period -> line
}

// ReadPlanCSV reads the activities and status entries of a plan from its
// CSV form (see PlanCSVColumns). The CSV holds no plan-level fields, so
// head supplies them (code, names, years, budget, funding); head's areas
// are ignored. Areas, goals and activities keep the order of their first
// row. Every problem is reported, each naming line, column, value and
// expectation; the plan must then pass (*nrm.Plan).Validate.
func ReadPlanCSV(r io.Reader, head *nrm.Plan) (*nrm.Plan, error) {
	if head == nil {
		return nil, nrm.Errorf(nrm.EINVALID, "planio: ReadPlanCSV needs the plan's head (code, names, period)")
	}
	data, err := readAll(r, "plan CSV")
	if err != nil {
		return nil, err
	}
	p := &problems{}
	header, rows := readCSV(data, p)
	if header == nil {
		if len(p.fields) == 0 {
			p.add(atCell(1, "*"), nrm.RuleRequired, "", "a header row with the columns "+strings.Join(PlanCSVColumns, ","))
		}
		return nil, p.err("The plan CSV file is invalid.")
	}
	hp := &problems{}
	cols := csvHeader(header, PlanCSVColumns, []string{StatusDateColumn}, hp)
	if len(hp.fields) > 0 {
		return nil, hp.err("The plan CSV file is invalid.")
	}

	var areaOrder []int
	var goalOrder, actOrder []string
	areas := map[int]*csvAreaAcc{}
	goals := map[string]*csvGoalAcc{}
	acts := map[string]*csvActAcc{}
	stateExpected := strings.Join(nrm.Codes("state"), ", ")

	for _, row := range rows {
		cell := func(col string) string {
			i, ok := cols[col]
			if !ok {
				return ""
			}
			return strings.TrimSpace(csvsafe.Unprotect(strings.TrimSpace(row.cells[i])))
		}
		at := func(col string) string {
			i, ok := cols[col]
			if !ok {
				return atCell(row.lines[0], col)
			}
			return atCell(row.lines[i], col)
		}
		same := func(col, got, want string, wantLine int, what string) {
			if got != want {
				p.add(at(col), nrm.RuleNotAllowed, got, fmt.Sprintf("%q as on line %d for %s", want, wantLine, what))
			}
		}
		line := row.lines[0]

		// Area.
		n, err := strconv.Atoi(cell("area_number"))
		if err != nil || n < 1 {
			p.add(at("area_number"), nrm.RuleFormat, cell("area_number"), "a whole number ≥ 1")
			continue
		}
		if cell("area_da") == "" {
			p.add(at("area_da"), nrm.RuleRequired, "", "the area's Danish name")
		}
		if a, ok := areas[n]; ok {
			same("area_da", cell("area_da"), a.area.NameDA, a.line, fmt.Sprintf("area %d", n))
			same("area_en", cell("area_en"), a.area.NameEN, a.line, fmt.Sprintf("area %d", n))
		} else {
			areas[n] = &csvAreaAcc{area: nrm.Area{Number: n, NameDA: cell("area_da"), NameEN: cell("area_en")}, line: line}
			areaOrder = append(areaOrder, n)
		}

		// Goal.
		gc := cell("goal_code")
		if gc == "" {
			p.add(at("goal_code"), nrm.RuleRequired, "", "a goal code, e.g. 1.2")
			continue
		}
		if cell("goal_da") == "" {
			p.add(at("goal_da"), nrm.RuleRequired, "", "the goal's Danish name")
		}
		if g, ok := goals[gc]; ok {
			if g.area != n {
				p.add(at("area_number"), nrm.RuleNotAllowed, strconv.Itoa(n), fmt.Sprintf("%d as on line %d for goal %s", g.area, g.line, gc))
			}
			same("goal_da", cell("goal_da"), g.goal.NameDA, g.line, "goal "+gc)
			same("goal_en", cell("goal_en"), g.goal.NameEN, g.line, "goal "+gc)
		} else {
			goals[gc] = &csvGoalAcc{goal: nrm.Goal{Code: gc, NameDA: cell("goal_da"), NameEN: cell("goal_en")}, area: n, line: line}
			goalOrder = append(goalOrder, gc)
		}

		// Activity.
		ac := cell("activity_code")
		if ac == "" {
			p.add(at("activity_code"), nrm.RuleRequired, "", "an activity code, e.g. 1.2.3")
			continue
		}
		if cell("activity_da") == "" {
			p.add(at("activity_da"), nrm.RuleRequired, "", "the activity's Danish text")
		}
		var resp []string
		for _, c := range strings.Split(cell("responsible"), ";") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if !nrm.ValidOrgCode(c) {
				p.add(at("responsible"), nrm.RuleFormat, c, "organisation codes separated by ;")
			}
			resp = append(resp, c)
		}
		a, ok := acts[ac]
		if ok {
			if a.goal != gc {
				p.add(at("goal_code"), nrm.RuleNotAllowed, gc, fmt.Sprintf("%q as on line %d for activity %s", a.goal, a.line, ac))
			}
			same("activity_da", cell("activity_da"), a.act.TextDA, a.line, "activity "+ac)
			same("activity_en", cell("activity_en"), a.act.TextEN, a.line, "activity "+ac)
			same("responsible", strings.Join(resp, ";"), a.resp, a.line, "activity "+ac)
			same("responsible_text", cell("responsible_text"), a.act.ResponsibleText, a.line, "activity "+ac)
		} else {
			a = &csvActAcc{act: nrm.Activity{Code: ac, TextDA: cell("activity_da"), TextEN: cell("activity_en"),
				Responsible: resp, ResponsibleText: cell("responsible_text")},
				goal: gc, line: line, resp: strings.Join(resp, ";"), periods: map[string]int{}}
			acts[ac] = a
			actOrder = append(actOrder, ac)
		}

		// Status entry.
		period := cell("period")
		if period == "" {
			for _, col := range []string{"state", "status_da", "status_en", StatusDateColumn} {
				if cell(col) != "" {
					p.add(at(col), nrm.RuleNotAllowed, cell(col), "empty when period is empty (an activity without status)")
				}
			}
			if prev, dup := a.periods[""]; dup {
				p.add(at("period"), nrm.RuleDuplicate, "", fmt.Sprintf("one row without status per activity (activity %s has one on line %d)", ac, prev))
			} else if len(a.periods) > 0 {
				p.add(at("period"), nrm.RuleRequired, "", fmt.Sprintf("a period: activity %s has status rows, so every row of it needs one", ac))
			}
			a.periods[""] = line
			continue
		}
		if prev, dup := a.periods[period]; dup {
			p.add(at("period"), nrm.RuleDuplicate, period, fmt.Sprintf("one row per activity and period (activity %s has period %s on line %d)", ac, period, prev))
			continue
		}
		if prev, none := a.periods[""]; none {
			p.add(at("period"), nrm.RuleNotAllowed, period, fmt.Sprintf("no status rows for activity %s, which line %d gives without status", ac, prev))
		}
		a.periods[period] = line
		st := nrm.ActivityState(cell("state"))
		if cell("state") == "" {
			p.add(at("state"), nrm.RuleRequired, "", stateExpected)
		} else if !st.Valid() {
			p.add(at("state"), nrm.RuleOneOf, cell("state"), stateExpected)
		}
		var date nrm.Date
		if ds := cell(StatusDateColumn); ds != "" {
			d, err := nrm.ParseDate(ds)
			if err != nil {
				p.add(at(StatusDateColumn), nrm.RuleFormat, ds, "YYYY-MM-DD")
			}
			date = d
		}
		a.act.Statuses = append(a.act.Statuses, nrm.StatusEntry{Period: period, State: st,
			TextDA: cell("status_da"), TextEN: cell("status_en"), Date: date})
	}
	if err := p.err("The plan CSV file is invalid."); err != nil {
		return nil, err
	}

	plan := *head
	plan.Areas = nil
	goalsOf := map[int][]string{}
	for _, gc := range goalOrder {
		goalsOf[goals[gc].area] = append(goalsOf[goals[gc].area], gc)
	}
	actsOf := map[string][]string{}
	for _, ac := range actOrder {
		actsOf[acts[ac].goal] = append(actsOf[acts[ac].goal], ac)
	}
	for _, n := range areaOrder {
		area := areas[n].area
		for _, gc := range goalsOf[n] {
			g := goals[gc].goal
			for _, ac := range actsOf[gc] {
				g.Activities = append(g.Activities, acts[ac].act)
			}
			area.Goals = append(area.Goals, g)
		}
		plan.Areas = append(plan.Areas, area)
	}
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	return &plan, nil
}

// WritePlanCSV writes p's activities and status entries in the CSV form
// read by ReadPlanCSV: one row per activity and status entry, one row with
// empty status columns for an activity without entries. Plan-level fields
// are not written, nor areas or goals without activities.
func WritePlanCSV(w io.Writer, p *nrm.Plan) error {
	dated := false
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				for _, s := range act.Statuses {
					dated = dated || !s.Date.IsZero()
				}
			}
		}
	}
	cw := csv.NewWriter(w)
	header := PlanCSVColumns
	if dated {
		header = append(append([]string{}, PlanCSVColumns...), StatusDateColumn)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("planio: write plan csv: %w", err)
	}
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				base := []string{strconv.Itoa(a.Number), a.NameDA, a.NameEN, g.Code, g.NameDA, g.NameEN,
					act.Code, act.TextDA, act.TextEN, strings.Join(act.Responsible, ";"), act.ResponsibleText}
				statuses := act.Statuses
				if len(statuses) == 0 {
					statuses = []nrm.StatusEntry{{}}
				}
				for _, s := range statuses {
					row := append(append([]string{}, base...), s.Period, string(s.State), s.TextDA, s.TextEN)
					if dated {
						row = append(row, s.Date.String())
					}
					for i := range row {
						row[i] = csvsafe.Protect(row[i])
					}
					if err := cw.Write(row); err != nil {
						return fmt.Errorf("planio: write plan csv: %w", err)
					}
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("planio: write plan csv: %w", err)
	}
	return nil
}
