package main

// Test commands shared by several mutants. Each names only the tests
// that exercise the mutated code, so that the whole list runs in about
// fifteen minutes on two cores.
var (
	auditTests   = []string{"./sqlstore"}
	auditRun     = "TestAudit"
	statsRun     = "TestStats(Identification|Exploitation|Mean|Shelter|PrivateHousing|Returns|Prosecution|Organisation)"
	mechRun      = "TestStatsMechanism"
	rootPkg      = []string{"."}
	authPkg      = []string{"./auth"}
	csvPkg       = []string{"./csvsafe"}
	htcdsPkg     = []string{"./intlexport"}
	htcdsRun     = "TestHTCDS"
	suppressPkg  = []string{"./disclosure"}
	suppressRun  = "TestOneDim|TestSingleRow|TestPrimary|TestLineRule|TestTwoBy|TestTwoDim|TestZero|TestUniform|TestSmallTotal|TestThresholds|TestOff|TestScrub|TestLinked|TestInconsistent|TestDeterministic|TestRandom|TestFlowReference|TestBruteForce"
	accessRun    = "TestOrganisationScope|TestAssessorsSee|TestReferralLifecycleAndAccess|TestAuditChain$|TestStatsOrg|TestCaseRows"
	totpRun      = "TestTOTP|TestCheckTOTP|TestHOTP"
	passwordRun  = "TestHash|TestVerify|TestNeedsRehash|TestPasswordPolicy|TestDefaultParamsCost"
	authorityRun = "TestAuthority|TestValidate"
	hashRun      = "TestContentHash"
)

// one is a mutant of a single edit.
func one(name, what, file, from, to string, pkgs []string, run string) mutant {
	return mutant{name: name, what: what, edits: []edit{{file, from, to}}, pkgs: pkgs, run: run}
}

var mutants = []mutant{
	// --- the audit chain ------------------------------------------------
	one("audit/keyed-content-check-off", "an entry's keyed hash is not compared with its content",
		"sqlstore/audit.go", `if !hmac.Equal([]byte(e.auditHash(mac)), []byte(e.Hash)) {`, `if false && !hmac.Equal([]byte(e.auditHash(mac)), []byte(e.Hash)) {`,
		auditTests, auditRun),
	one("audit/unkeyed-content-check-off", "an unkeyed entry's SHA-256 is not compared with its content",
		"sqlstore/audit.go", `case e.auditHash(nil) != e.Hash:`, `case false:`, auditTests, auditRun),
	one("audit/prev-hash-check-off", "the link to the previous entry is not checked",
		"sqlstore/audit.go", `if e.PrevHash != w.prevHash {`, `if false {`, auditTests, auditRun),
	one("audit/sequence-check-off", "gaps in the numbering are not reported",
		"sqlstore/audit.go", `if e.Seq != w.prevSeq+1 {`, `if false {`, auditTests, auditRun),
	one("audit/head-check-off", "the chain head is not compared with the last entry",
		"sqlstore/audit.go", `if headSeq != w.prevSeq || headHash != w.prevHash {`, `if false {`, auditTests, auditRun),
	one("audit/head-check-seq-only", "the chain head's hash is not compared, only its number",
		"sqlstore/audit.go", `if headSeq != w.prevSeq || headHash != w.prevHash {`, `if headSeq != w.prevSeq {`, auditTests, auditRun),
	one("audit/anchor-compare-off", "entries are not compared with the anchors",
		"sqlstore/audit.go", `if a.Hash != e.Hash {`, `if false {`, auditTests, auditRun),
	one("audit/anchor-missing-tail-off", "an anchor beyond the end of the log is not reported",
		"sqlstore/audit.go", `if beyond != nil {`, `if false {`, auditTests, auditRun),
	one("audit/unkeyed-after-keyed", "an unkeyed entry after keyed ones is accepted",
		"sqlstore/audit.go", `case w.keyedSeq > 0:`, `case false:`, auditTests, auditRun),
	one("audit/detail-not-hashed", "the entry's detail is left out of its hash",
		"sqlstore/audit.go", `e.Action, e.Entity, e.EntityID, e.Detail} {`, `e.Action, e.Entity, e.EntityID} {`, auditTests, auditRun),
	one("audit/readable-by-caseworkers", "caseworkers may read the audit log",
		"sqlstore/audit.go", `return a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAuditor }`,
		`return a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAuditor || a.Role == nrm.RoleCaseworker }`, auditTests, auditRun),

	// --- statistics -----------------------------------------------------
	one("stats/shelter-still-ge", "a shelter stay ending on 31 December counts as still there",
		"sqlstore/stats.go", "` + shelter + ` AND (a.end_date IS NULL OR a.end_date > ?)", "` + shelter + ` AND (a.end_date IS NULL OR a.end_date >= ?)",
		auditTests, statsRun),
	one("stats/private-still-ge", "a private stay ending on 31 December counts as still housed",
		"sqlstore/stats.go", "a.start_date <= ? AND (a.end_date IS NULL OR a.end_date > ?)", "a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?)",
		auditTests, statsRun),
	one("stats/private-still-started-after-year", "a private stay started after 31 December counts as still housed at the year end",
		"sqlstore/stats.go", "c.q.Cutoff, c.q.Cutoff, c.y1, c.y1, // per case", "c.q.Cutoff, c.q.Cutoff, c.q.Cutoff, c.y1, // per case",
		auditTests, statsRun),
	one("stats/period-cutoff-at-year-end", "the period view counts only cases identified by 31 December",
		"sqlstore/stats.go", "` GROUP BY 1, 2`, append([]any{c.y0, c.upper, c.q.Cutoff}, args...), func(r *sql.Rows) error {\n\t\tvar kind string\n\t\tvar y, n int\n\t\tif err := r.Scan(&kind, &y, &n); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tperiod.",
		"` GROUP BY 1, 2`, append([]any{c.y0, c.upper, c.y1}, args...), func(r *sql.Rows) error {\n\t\tvar kind string\n\t\tvar y, n int\n\t\tif err := r.Scan(&kind, &y, &n); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tperiod.",
		auditTests, statsRun),
	one("stats/period-cutoff-ignored", "the period view counts cases identified after the cut-off",
		"sqlstore/stats.go", "` GROUP BY 1, 2`, append([]any{c.y0, c.upper, c.q.Cutoff}, args...), func(r *sql.Rows) error {\n\t\tvar kind string\n\t\tvar y, n int\n\t\tif err := r.Scan(&kind, &y, &n); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tperiod.",
		"` GROUP BY 1, 2`, append([]any{c.y0, c.upper, nrm.NewDate(9999, 12, 31)}, args...), func(r *sql.Rows) error {\n\t\tvar kind string\n\t\tvar y, n int\n\t\tif err := r.Scan(&kind, &y, &n); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tperiod.",
		auditTests, statsRun),
	one("stats/period-exit-31-dec-excluded", "an exit on 31 December falls out of the period view",
		"sqlstore/stats.go", "WHERE e.date >= ? AND e.date <= ? AND c.identified_on <= ?", "WHERE e.date >= ? AND e.date < ? AND c.identified_on <= ?",
		auditTests, statsRun),
	one("stats/cohort-31-dec-excluded", "a case identified on 31 December falls out of the year",
		"sqlstore/stats.go", `const cohort = "c.identified_on >= ? AND c.identified_on <= ?"`, `const cohort = "c.identified_on >= ? AND c.identified_on < ?"`,
		auditTests, statsRun),
	one("stats/cohort-ignores-cutoff", "the cohort ignores a cut-off before the year end",
		"sqlstore/stats.go", "if q.Cutoff.Before(c.upper) {\n\t\tc.upper = q.Cutoff", "if false {\n\t\tc.upper = q.Cutoff",
		auditTests, statsRun),
	one("stats/shelter-days-exclusive", "shelter days do not count the last day",
		"sqlstore/stats.go", `days := c.d.daysBetween("a.start_date", end) + " + 1"`, `days := c.d.daysBetween("a.start_date", end)`,
		auditTests, statsRun),
	one("stats/shelter-start-31-dec-excluded", "a shelter stay starting on 31 December is not counted",
		"sqlstore/stats.go", `shelter := "a.kind = 'crisis_shelter' AND a.start_date <= ?"`, `shelter := "a.kind = 'crisis_shelter' AND a.start_date < ?"`,
		auditTests, statsRun),
	one("stats/private-start-on-cutoff-excluded", "a private stay starting on the cut-off day is not counted",
		"sqlstore/stats.go", `private := "a.kind = 'private' AND a.start_date <= ?"`, `private := "a.kind = 'private' AND a.start_date < ?"`,
		auditTests, statsRun),
	one("stats/disappeared-on-cutoff-excluded", "a disappearance on the cut-off day is not counted",
		"sqlstore/stats.go", `e.kind = 'disappeared' AND e.date <= ?`, `e.kind = 'disappeared' AND e.date < ?`,
		auditTests, statsRun),
	one("stats/presumed-includes-final", "a final identification counts as a presumed victim",
		"sqlstore/stats_mechanism.go", `WHERE a.stage = 'preliminary' AND a.outcome = 'identified' AND a.date >= ?`, `WHERE a.outcome = 'identified' AND a.date >= ?`,
		auditTests, mechRun),
	one("stats/reconsideration-decided-after-cutoff", "a reconsideration upheld after the cut-off counts as upheld",
		"sqlstore/stats_mechanism.go", `x.outcome = 'upheld' AND x.decided_on <= ?`, `x.outcome = 'upheld' AND x.decided_on <= ? OR x.outcome = 'upheld'`,
		auditTests, mechRun),
	one("stats/age-band-18", "18-year-olds are counted as minors",
		"stats.go", "case age < 18:\n\t\treturn \"0-17\"", "case age <= 18:\n\t\treturn \"0-17\"", rootPkg, "TestAgeAtAndBands"),
	one("stats/shelter-bucket-30", "30 shelter days fall in the 31-99 bucket",
		"stats.go", "case days <= 30:", "case days < 30:", rootPkg, "TestAgeAtAndBands"),
	one("stats/age-from-january", "with only a birth year, age counts from 1 January",
		"case.go", "NewDate(c.BirthYear, time.July, 1)", "NewDate(c.BirthYear, time.January, 1)", rootPkg, "TestAgeAtAndBands"),
	one("stats/nearest-rank-floor", "the nearest-rank percentile rounds down",
		"stats.go", "max((pct*n+99)/100, 1)", "max((pct*n)/100, 1)", rootPkg, "TestNearestRank"),

	// --- access -----------------------------------------------------------
	{name: "access/assessors-read-everything", what: "assessors read every organisation's cases in storage",
		edits: []edit{
			{"sqlstore/access.go", "if a.Role == nrm.RoleAdmin {\n\t\treturn \"1=1\", nil", "if a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAssessor {\n\t\treturn \"1=1\", nil"},
			{"sqlstore/access.go", "if a.Role == nrm.RoleAdmin || owner == a.Org {", "if a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAssessor || owner == a.Org {"},
		}, pkgs: auditTests, run: accessRun},
	one("access/assessors-list-everything", "assessors list every organisation's cases (reading one is still refused)",
		"sqlstore/access.go", "if a.Role == nrm.RoleAdmin {\n\t\treturn \"1=1\", nil", "if a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAssessor {\n\t\treturn \"1=1\", nil",
		auditTests, accessRun),
	one("access/analysts-read-cases", "analysts read case-level data",
		"sqlstore/access.go", "case nrm.RoleAdmin, nrm.RoleCaseworker, nrm.RoleAssessor:", "case nrm.RoleAdmin, nrm.RoleCaseworker, nrm.RoleAssessor, nrm.RoleAnalyst:",
		auditTests, accessRun),
	one("access/revoked-referral-still-visible", "a referral whose access was revoked still lists the case",
		"sqlstore/access.go", "r.status = 'accepted' AND r.access_revoked_on IS NULL))`,\n\t\t[]any{a.Org, a.Org, a.Org}", "r.status = 'accepted'))`,\n\t\t[]any{a.Org, a.Org, a.Org}",
		auditTests, accessRun),
	one("access/assessor-any-authority", "an assessor records decisions for the other authority",
		"sqlstore/access.go", "if a.Role != nrm.RoleAssessor || a.Authority == \"\" || as.Authority != a.Authority {", "if a.Role != nrm.RoleAssessor || a.Authority == \"\" || as.Authority == \"-\" {",
		auditTests, accessRun),
	one("access/shares-widened-by-others", "an organisation a case is shared with may share it further",
		"sqlstore/access.go", "if a.Role == nrm.RoleAdmin || a.Org == owner || sameOrgs(old, new) {", "if true {",
		auditTests, accessRun),
	one("access/org-stats-of-others", "an organisation reads another organisation's exact statistics",
		"sqlstore/stats.go", "(!readsCases(a) || a.Org != q.Org)", "!readsCases(a)", auditTests, accessRun),

	// --- the authority rule and the content hash ----------------------------
	{name: "authority/asylum-seeker-to-cmm", what: "asylum seekers are assigned to CMM",
		edits: []edit{{"case.go", "case ResidenceLegal:\n\t\treturn AuthorityCMM\n\tcase ResidenceIrregular, ResidenceAsylumSeeker:",
			"case ResidenceLegal, ResidenceAsylumSeeker:\n\t\treturn AuthorityCMM\n\tcase ResidenceIrregular:"}},
		pkgs: rootPkg, run: authorityRun},
	one("authority/blank-override-reason", "an override reason of only spaces is accepted",
		"case.go", `strings.TrimSpace(a.OverrideReason) == ""`, `a.OverrideReason == ""`, rootPkg, authorityRun),
	one("authority/mismatch-never-checked", "an assessment by the other authority needs no reason",
		"case.go", `want != "" && want != a.Authority && strings.TrimSpace`, `want == "-" && want != a.Authority && strings.TrimSpace`, rootPkg, authorityRun),
	one("hash/earliest-non-identifying", "the content hash takes the earliest, not the latest, non-identifying assessment",
		"bundle_projection.go", "if !found || !a.Date.Before(last.Date) {", "if !found || a.Date.Before(last.Date) {", rootPkg, hashRun),
	one("hash/preliminary-identifies", "a preliminary identification counts as the identifying assessment",
		"case.go", "a.Outcome == OutcomeIdentified && a.IsFinal() && (!found", "a.Outcome == OutcomeIdentified && (!found", rootPkg, hashRun),
	one("hash/latest-contact", "the bundle row carries the latest contact, not the first",
		"case.go", "if !found || ct.Date.Before(first.Date) {", "if !found || !ct.Date.Before(first.Date) {", rootPkg, hashRun),

	// --- passwords and second factors ---------------------------------------
	{name: "password/truncated", what: "a password over 1,024 bytes is cut and its prefix compared (the bcrypt bug)",
		edits: []edit{{"auth/password.go",
			"\t\tderive([]byte(password[:MaxPasswordLen]), salt, p, uint32(len(key)))\n\t\treturn false, nil\n\t}",
			"\t\tpassword = password[:MaxPasswordLen]\n\t}"}},
		pkgs: authPkg, run: passwordRun},
	one("password/rehash-memory-only", "NeedsRehash compares only the memory parameter",
		"auth/password.go", "return err != nil || p != HashParams", "return err != nil || p.Memory != HashParams.Memory", authPkg, passwordRun),
	one("password/one-byte-key", "a stored key of one byte is accepted",
		"auth/password.go", "len(key) < 16", "len(key) < 1", authPkg, passwordRun),
	one("password/short-salt", "a stored salt of one byte is accepted",
		"auth/password.go", "len(salt) < 8", "len(salt) < 1", authPkg, passwordRun),
	one("password/compare-first-byte", "only the first byte of the key is compared",
		"auth/password.go", "subtle.ConstantTimeCompare(got, key) == 1", "subtle.ConstantTimeCompare(got[:1], key[:1]) == 1", authPkg, passwordRun),
	one("password/policy-bytes", "the minimum length counts bytes, not characters",
		"auth/policy.go", "utf8.RuneCountInString(password) < MinPasswordLen", "len(password) < MinPasswordLen", authPkg, passwordRun),
	one("password/default-cost-lowered", "the production parameters drop to one pass",
		"auth/password.go", "var DefaultParams = Params{Memory: 64 * 1024, Time: 2, Threads: 2}", "var DefaultParams = Params{Memory: 16 * 1024, Time: 1, Threads: 2}", authPkg, passwordRun),
	one("totp/skew-two-steps", "codes two steps away are accepted",
		"auth/totp.go", "TOTPSkew = 1", "TOTPSkew = 2", authPkg, totpRun),
	one("totp/replay", "the code of the last accepted step is accepted again",
		"auth/totp.go", "if s <= lastStep || s < 0 {", "if s < lastStep || s < 0 {", authPkg, totpRun),
	one("totp/code-one-step-early", "TOTPCode gives the code of the previous step",
		"auth/totp.go", "hotp.GenerateCodeCustom(secret, uint64(TOTPStep(t)),", "hotp.GenerateCodeCustom(secret, uint64(TOTPStep(t)-1),", authPkg, totpRun),

	// --- the formula guard --------------------------------------------------
	one("csvsafe/apostrophe-not-guarded", "a value of apostrophes before a formula character changes on export → import",
		"csvsafe/csvsafe.go", "for i < len(s) && s[i] == '\\'' {", "for i < 0 && s[i] == '\\'' {", csvPkg, ""),
	one("csvsafe/tab-not-a-trigger", "a leading tab is not guarded",
		"csvsafe/csvsafe.go", "const triggers = \"=+-@\\t\\r\"", "const triggers = \"=+-@\\r\"", csvPkg, ""),

	// --- disclosure control ---------------------------------------------------
	one("htcds/suppress-every-record", "the HTCDS export leaves every record out",
		"intlexport/htcds.go", "if rare[r.key] {\n\t\t\trep.Suppressed++", "if rare[r.key] || k > 1 {\n\t\t\trep.Suppressed++", htcdsPkg, htcdsRun),
	one("htcds/class-of-k-is-rare", "a class of exactly k records counts as too small",
		"intlexport/htcds.go", "if c < k {", "if c <= k {", htcdsPkg, htcdsRun),
	one("htcds/no-citizenship-step", "the HTCDS export skips every generalisation after the age band",
		"intlexport/htcds.go", "for _, st := range steps {", "for _, st := range steps[:1] {", htcdsPkg, htcdsRun),
	one("htcds/class-of-one-kept", "the HTCDS export keeps classes smaller than k",
		"intlexport/htcds.go", "if c < k {", "if c < k-1 {", htcdsPkg, htcdsRun),
	one("suppress/ones-published", "counts of 1 are not suppressed",
		"disclosure/suppress.go", "if s.small(e) && !s.known[e] {", "if s.small(e) && s.val[e] > 1 && !s.known[e] {", suppressPkg, suppressRun),
	one("suppress/line-rule-sum", "two hidden numbers in a line may add up to less than k",
		"disclosure/suppress.go", "return n == 0 || (n >= 2 && (sum >= s.k || sum == 0))", "return n != 1", suppressPkg, suppressRun),
	one("suppress/audit-off", "secondary suppression applies the line rule only, never the audit",
		"disclosure/suppress.go", "e := s.firstExposed()\n\t\tif e < 0 {\n\t\t\treturn true", "e := -1\n\t\tif e < 0 {\n\t\t\treturn true", suppressPkg, suppressRun),
	one("suppress/prune-unsafe", "pruning gives back secondary suppressions without checking",
		"disclosure/suppress.go", "\t\t\ts.setAll(c, false)\n\t\t\tif s.safe() {", "\t\t\ts.setAll(c, false)\n\t\t\tif true {", suppressPkg, suppressRun),
	one("suppress/audit-large-two-values", "a number hidden at k or more may keep only two values",
		"disclosure/audit.go", "need := max(p.k-2, 1)", "need := int64(1)", suppressPkg, suppressRun),
	one("suppress/audit-pinned-unprinted", "a pinned number under the uniform display is not reported",
		"disclosure/audit.go", "return a.reach(v, 1, 1) == 0 && a.reach(v, -1, 1) == 0", "return false", suppressPkg, suppressRun),
	one("suppress/federate-copies-hidden", "the federation bundle copies hidden values",
		"federate/federate.go", "\t\tif m.IsSuppressed(i, j) {\n\t\t\treturn Cell{Suppressed: true, Mark: m.Cell(i, j)}", "\t\tif false {\n\t\t\treturn Cell{Suppressed: true, Mark: m.Cell(i, j)}",
		[]string{"./federate"}, ""),
	{name: "suppress/federate-lists-minors", what: "the federation bundle carries the list of minors",
		edits: []edit{
			{"federate/federate.go", "\tProsecution *nrm.ProsecutionStats `json:\"prosecution,omitempty\"`\n}", "\tProsecution *nrm.ProsecutionStats `json:\"prosecution,omitempty\"`\n\tMinors      []nrm.MinorCase      `json:\"minors,omitempty\"`\n}"},
			{"federate/federate.go", "\tif p.Prosecution.Reported {\n\t\tpr := p.Prosecution", "\tb.Minors = s.Minors.Cases\n\tif p.Prosecution.Reported {\n\t\tpr := p.Prosecution"},
		}, pkgs: []string{"./federate"}, run: "TestBundleHoldsNoCaseData"},
}
