-- The statistics contract for reporting year 2011 (cut-off 2012-03-01) as
-- raw SQL for the sqlite3 shell: the same aggregations, over the same
-- indexes, that sqlstore.Statistics runs (sqlstore/stats.go), with the
-- parameters written in: y0 = 2011-01-01, y1 = upper = 2011-12-31,
-- cut-off = 2012-03-01. run.sh times `sqlite3 DB < stats.sql` as the floor
-- that nrm's statistics are compared with (design.md §9: within 1.5×).
-- The shell reads the file through the same memory map nrm uses.
PRAGMA mmap_size = 2147483648;

-- countries and the nationality universe
SELECT code, name_da, name_en, region FROM countries;
WITH RECURSIVE n(nat) AS (
    SELECT MIN(nationality) FROM cases
    UNION ALL
    SELECT (SELECT MIN(x.nationality) FROM cases x WHERE x.nationality > n.nat) FROM n WHERE n.nat IS NOT NULL)
SELECT nat FROM n WHERE nat IS NOT NULL
    AND EXISTS (SELECT 1 FROM cases y WHERE y.nationality = n.nat AND y.identified_on IS NOT NULL);

-- identified by year and authority (Figure 1)
SELECT c.identified_on, c.identified_authority, COUNT(*) FROM cases c
WHERE c.identified_on <= '2011-12-31' GROUP BY c.identified_on, c.identified_authority;

-- the cohort by authority, gender, contact form; by nationality and age
SELECT c.identified_on, c.identified_authority, c.gender, c.first_contact_form, COUNT(*) FROM cases c
WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31'
GROUP BY c.identified_on, c.identified_authority, c.gender, c.first_contact_form;
SELECT c.nationality, c.identified_age, COUNT(*) FROM cases c
WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31'
GROUP BY c.nationality, c.identified_age;

-- forms of exploitation × gender, persons, several forms, sectors (the
-- identifying assessment's forms as a bit mask and its sector are on the
-- cases row: migration 00006)
SELECT c.gender, c.identified_labour_sector, c.identified_forms, COUNT(*) FROM cases c
WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31' GROUP BY 1, 2, 3;

-- minors
SELECT c.id, c.identified_age, c.gender, c.nationality, c.first_contact_form, a.labour_sector, f.form
FROM cases c JOIN assessments a ON a.id = c.identified_assessment_id
LEFT JOIN assessment_forms f ON f.assessment_id = a.id
WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31' AND c.identified_age < 18
ORDER BY c.identified_age, c.id, f.form;

-- crisis shelter (Figure 8) and private housing
SELECT COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays <= 30 THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays > 30 AND t.sdays < 100 THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays >= 100 THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN t.sn > 0 THEN t.sstill ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN t.sn > 0 THEN t.sdays ELSE 0 END), 0),
    COALESCE(SUM(t.priv), 0), COALESCE(SUM(t.pstill), 0),
    COALESCE(SUM(CASE WHEN t.priv = 1 AND EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'disappeared' AND e.date <= '2012-03-01') THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN t.priv = 1 AND EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'self_return' AND e.date <= '2012-03-01') THEN 1 ELSE 0 END), 0)
FROM (SELECT c.id,
        SUM(CASE WHEN a.kind = 'crisis_shelter' AND a.start_date <= '2011-12-31' THEN 1 ELSE 0 END) AS sn,
        SUM(CASE WHEN a.kind = 'crisis_shelter' AND a.start_date <= '2011-12-31'
            THEN CAST(julianday(min(COALESCE(a.end_date, '2011-12-31'), '2011-12-31')) - julianday(a.start_date) AS INTEGER) + 1 ELSE 0 END) AS sdays,
        MAX(CASE WHEN a.kind = 'crisis_shelter' AND a.start_date <= '2011-12-31' AND (a.end_date IS NULL OR a.end_date > '2011-12-31') THEN 1 ELSE 0 END) AS sstill,
        MAX(CASE WHEN a.kind = 'private' AND a.start_date <= '2012-03-01' THEN 1 ELSE 0 END) AS priv,
        MAX(CASE WHEN a.kind = 'private' AND a.start_date <= '2012-03-01' AND a.start_date <= '2011-12-31'
            AND (a.end_date IS NULL OR a.end_date > '2011-12-31') THEN 1 ELSE 0 END) AS pstill
    FROM cases c JOIN accommodations a ON a.case_id = c.id
    WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31'
    GROUP BY c.identified_on, c.identified_authority, c.gender, c.first_contact_form, c.nationality, c.identified_age,
        c.identified_assessment_id, c.id) t
WHERE t.sn > 0 OR t.priv = 1;

-- returns: exits dated in the year; exits of the year's cohort
SELECT e.kind, CAST(substr(c.identified_on, 1, 4) AS INTEGER), COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
WHERE e.date >= '2011-01-01' AND e.date <= '2011-12-31' AND c.identified_on <= '2012-03-01' GROUP BY 1, 2;
SELECT e.kind, CAST(substr(e.date, 1, 4) AS INTEGER), COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
WHERE c.identified_on >= '2011-01-01' AND c.identified_on <= '2011-12-31' AND e.date <= '2012-03-01' GROUP BY 1, 2;

-- the police's row
SELECT cutoff_date, charges, decisions, convictions_unconditional, convictions_partly_suspended, note
FROM prosecutions WHERE year = 2011;
