// Package plan ships nrm's demo action-plan data: the Danish action plan
// 2011-2014 transcribed from the seed status report
// (actionplan_2011_2014.yaml), the organisations it names
// (organisations.csv) and the reference network with outreach statistics
// (network.yaml). Read them with package planio.
package plan

import "embed"

// FS holds the demo plan files: *.yaml and *.csv of this directory.
//
//go:embed *.yaml *.csv
var FS embed.FS
