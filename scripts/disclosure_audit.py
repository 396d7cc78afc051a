#!/usr/bin/python3
"""Independent disclosure audit of nrm's published statistics.

This checker reads only what a reader of a publication gets -- the
published statistics contract (``nrm report --published --format json``),
optionally the Eurostat SDMX-CSV tables (``nrm report --format eurostat``:
crim_thb_vage, crim_thb_vctz, crim_thb_vexp; crim_thb_lstat counts events)
and a federation bundle (``nrm federate export``) of the same year -- and
shares no code with nrm's disclosure package. It proves, by integer
programming, that no hidden cell can be narrowed by combining the tables.

The model
---------
Every count the publication mentions is an integer variable >= 0. A count
that appears in several places (by_authority.US and the reporting year's
row of by_year_authority, minors and the 0-17 age band, the period and
cohort return views' row of the reporting year, the same cell in the
Eurostat tables or a federation bundle) is one variable. Each published
cell adds what a reader learns from it:

* a number n: the variable equals n;
* "<k": the variable lies in 1..k-1;
* "..": the variable is >= k (zeros and small counts are never "..").

The relations a reader knows are linear constraints, one function per
family below (``rel_*``): every published total equals the sum of its
parts, one-way tables of the year's persons add up to the identified
total, regions contain their nationalities, exploitation form x gender
with the persons who have several forms, shelter and private housing,
the return views, the mechanism tables, the Eurostat and federation
tables, and the age sums implied by published means (and by any published
minimum or maximum). A few relations are a reader's worst-case
*assumptions* rather than facts (e.g. nobody has three or more forms of
exploitation, E = 0); the strict model keeps them, and every violation
says whether it persists without them. An assumption the published
figures contradict is dropped (a reader would notice too) and listed.

The checks
----------
* a "<k" cell: every value 1..k-1 must be feasible;
* a ".." cell: at least max(k-1, 2) integer values must stay feasible
  for it (max - min >= max(k - 2, 1) over all integer solutions): never
  narrowed more than a "<k" cell is, never pinned; an unbounded maximum
  counts as wide. (k values cannot be asked for: with zeros shown and the
  identified total printed, female = total - transgender keeps exactly
  the k-1 values of the "<k" transgender count);
* a cell hidden in one place must not be printed as a number in another;
* no age minimum or maximum is printed at all; an age mean only for a
  group whose count is published (or exactly derivable) and >= k; a
  percentile of days only for a group whose count is published and >= k.

Usage
-----
    python3 scripts/disclosure_audit.py report.json [--eurostat DIR] [--federation FILE]
    python3 scripts/disclosure_audit.py DIR1 DIR2 ...   (each DIR holds
        published.json, optionally eurostat/*.csv and federation.json)

Output is JSON on standard output:
    {"ok": bool, "violations": [{"cell", "kind", "detail"}],
     "cells": {cell: {"symbol", "feasible": [...]} or {"symbol", "min", "max"}},
     "assumptions_dropped": [...], "unplaced": [...],
     "eurostat": {"victims": "identified" or "registered", "observed": [cell ids]}}
(several inputs: {"ok": bool, "files": {input: result}}).
Exit status: 0 when ok, 1 when there are violations, 2 on bad input.
"""

import argparse
import csv
import json
import math
import os
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

AGE_MAX = 120  # an upper bound on a person's age, for the age sums
MEAN_HALF = 0.05  # means are printed with one decimal
DAYS_IN_YEAR = 366

# Assumptions of the strict model (a reader's worst case), by name.
ASSUME_NO_THIRD_FORM = "no_third_form"  # E = 0: nobody has three or more forms
ASSUME_SECTORS_COVER = "sectors_cover_forced_labour"  # sectors add up to forced labour
ASSUME_PRIVATE_DISJOINT = "private_housing_disjoint"  # still + disappeared + self_return <= count
CONFIDENTIAL = "c"  # Eurostat's flag: hidden, whatever its size (at least 1: zeros are shown)
ASSUME_HIDDEN_AT_LEAST_K = "hidden_at_least_k"  # ".." holds a count >= k (the contract)

# EU member states by the year they joined and left (0: still a member),
# membership on 31 December of the year; Greece is GR.
EU_MEMBERSHIP = {
    "BE": (1958, 0), "DE": (1958, 0), "FR": (1958, 0), "IT": (1958, 0), "LU": (1958, 0), "NL": (1958, 0),
    "DK": (1973, 0), "IE": (1973, 0), "GB": (1973, 2020), "GR": (1981, 0), "ES": (1986, 0), "PT": (1986, 0),
    "AT": (1995, 0), "FI": (1995, 0), "SE": (1995, 0),
    "CY": (2004, 0), "CZ": (2004, 0), "EE": (2004, 0), "HU": (2004, 0), "LT": (2004, 0),
    "LV": (2004, 0), "MT": (2004, 0), "PL": (2004, 0), "SI": (2004, 0), "SK": (2004, 0),
    "BG": (2007, 0), "RO": (2007, 0), "HR": (2013, 0),
}
REPORTING_COUNTRY = "DK"


def is_eu(code, year):
    m = EU_MEMBERSHIP.get(code)
    return m is not None and year >= m[0] and (m[1] == 0 or year < m[1])


class BadInput(Exception):
    """The input is not a publication this checker can read."""


# ---------------------------------------------------------------------------
# The model: cells, observations, linear relations.


class Model:
    """Integer variables named by cell ids, merged when two ids name the
    same count, with what the publication shows of each and the linear
    relations between them."""

    def __init__(self, k):
        self.k = k
        self.parent = {}  # union-find over cell ids
        self.order = []  # ids in order of first mention
        self.continuous = set()  # ids of real (not integer) variables
        self.obs = {}  # id -> [(source, value)]; value int, "<k" or ".."
        self.rels = []  # (coeffs {id: c}, lo, hi, family, assumption)
        self.unplaced = []
        self.uniform = []  # contract keys whose ".." hides any count >= 1
        self.eurostat_victims = None  # what the Eurostat cells count, when read

    def is_uniform(self, cid):
        return any(cid == p or cid.startswith(p + ".") for p in self.uniform)

    # -- cells --------------------------------------------------------------
    def cell(self, cid, continuous=False):
        if cid not in self.parent:
            self.parent[cid] = cid
            self.order.append(cid)
        if continuous:
            self.continuous.add(cid)
        return cid

    def find(self, cid):
        self.cell(cid)
        while self.parent[cid] != cid:
            self.parent[cid] = self.parent[self.parent[cid]]
            cid = self.parent[cid]
        return cid

    def same(self, a, b):
        """States that ids a and b name the same count (the first named
        stays the name)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.order.index(rb) < self.order.index(ra):
            ra, rb = rb, ra
        self.parent[rb] = ra

    def observe(self, cid, value, source, uniform=False):
        """Records a published cell: a number, "<k" or ".."; in a table shown
        uniformly, ".." tells nothing of size (recorded as Eurostat's "c")."""
        if value == ".." and (uniform or self.is_uniform(cid)):
            value = CONFIDENTIAL
        self.cell(cid)
        if isinstance(value, bool) or value is None:
            raise BadInput(f"{source}: {cid} is {value!r}, not a count")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            if value < 0:
                raise BadInput(f"{source}: {cid} is negative")
        elif value not in (f"<{self.k}", "..", CONFIDENTIAL):
            raise BadInput(f"{source}: {cid} is {value!r}; expected a count, \"<{self.k}\", \"..\" or \"{CONFIDENTIAL}\"")
        self.obs.setdefault(cid, []).append((source, value))

    # -- relations ----------------------------------------------------------
    def rel(self, coeffs, lo, hi, family, assumption=None):
        """Adds lo <= sum(c * cell) <= hi."""
        for cid in coeffs:
            self.cell(cid)
        self.rels.append((dict(coeffs), lo, hi, family, assumption))

    def eq(self, total, parts, family, assumption=None, extra=()):
        """total = sum(parts) (+ sum(extra), the unpublished parts)."""
        coeffs = {}
        for p in list(parts) + list(extra):
            coeffs[p] = coeffs.get(p, 0) + 1
        coeffs[total] = coeffs.get(total, 0) - 1
        self.rel(coeffs, 0, 0, family, assumption)

    def le(self, small, big, family, assumption=None):
        """sum(small) <= big."""
        coeffs = {}
        for p in small:
            coeffs[p] = coeffs.get(p, 0) + 1
        coeffs[big] = coeffs.get(big, 0) - 1
        self.rel(coeffs, -math.inf, 0, family, assumption)

    # -- views ----------------------------------------------------------------
    def roots(self):
        seen, out = set(), []
        for cid in self.order:
            r = self.find(cid)
            if r not in seen:
                seen.add(r)
                out.append(r)
        return out

    def published(self, root):
        """The observations of a root: numbers and symbols."""
        nums, syms = [], []
        for cid in self.order:
            if self.find(cid) == root:
                for src, v in self.obs.get(cid, []):
                    (nums if isinstance(v, int) else syms).append((src, cid, v))
        return nums, syms


class Solver:
    """The integer programme of a model, with a set of assumptions."""

    def __init__(self, model, assumptions):
        self.m = model
        self.roots = model.roots()
        self.index = {r: i for i, r in enumerate(self.roots)}
        n = len(self.roots)
        self.big = self._big()
        lo = np.zeros(n)
        hi = np.full(n, float(self.big))
        for r in self.roots:
            i = self.index[r]
            nums, syms = model.published(r)
            for _, _, v in nums:
                lo[i], hi[i] = max(lo[i], v), min(hi[i], v)
            symbols = {v for _, _, v in syms} - {CONFIDENTIAL}
            if not symbols and syms:  # only Eurostat's "c": any count >= 1
                lo[i] = max(lo[i], 1)
            elif symbols == {".."}:
                # zeros are always printed; the contract says >= k
                lo[i] = max(lo[i], model.k if ASSUME_HIDDEN_AT_LEAST_K in assumptions else 1)
            elif symbols:  # "<k", also when another place shows ".." (a violation of its own)
                lo[i], hi[i] = max(lo[i], 1), min(hi[i], model.k - 1)
        self.lo, self.hi = lo, hi
        self.integrality = np.array([0 if r in model.continuous else 1 for r in self.roots])
        rels = [x for x in model.rels if x[4] is None or x[4] in assumptions]
        a = lil_matrix((max(len(rels), 1), n))
        rlo, rhi = [], []
        for row, (coeffs, l, h, _, _) in enumerate(rels):
            for cid, c in coeffs.items():
                a[row, self.index[model.find(cid)]] += c
            rlo.append(l)
            rhi.append(h)
        if not rels:
            rlo, rhi = [0], [0]
        self.constraint = LinearConstraint(a.tocsr(), rlo, rhi)

    def _big(self):
        """A bound beyond any count of the publication: a variable that
        reaches it is unbounded."""
        total = 0
        for obs in self.m.obs.values():
            for _, v in obs:
                if isinstance(v, int):
                    total += v
        return max(10 * total, 100000) + 7

    def solve(self, objective, fix=None):
        """Minimises objective (dict root -> coefficient) with the given
        roots fixed; returns the optimal value, or None when infeasible."""
        c = np.zeros(len(self.roots))
        for r, v in objective.items():
            c[self.index[r]] = v
        lo, hi = self.lo.copy(), self.hi.copy()
        for r, v in (fix or {}).items():
            i = self.index[r]
            if v < lo[i] or v > hi[i]:
                return None
            lo[i] = hi[i] = v
        res = milp(c, integrality=self.integrality, bounds=Bounds(lo, hi), constraints=[self.constraint],
                   options={"presolve": True})
        if res.status != 0 or res.x is None:
            return None
        return float(c @ res.x)

    def feasible(self, fix=None):
        return self.solve({}, fix) is not None

    def range(self, root):
        """Integer min and max of a root (max None when unbounded)."""
        lo = self.solve({root: 1})
        hi = self.solve({root: -1})
        if lo is None or hi is None:
            return None, None
        lo, hi = round(lo), round(-hi)
        if hi > self.big // 2:
            hi = None
        return lo, hi


# ---------------------------------------------------------------------------
# Reading the published contract.


class Reader:
    """Walks the published JSON, remembering which keys were placed."""

    def __init__(self, data, model, source):
        self.data = data
        self.m = model
        self.source = source
        self.used = set()

    def get(self, *path, default=KeyError):
        v = self.data
        for p in path:
            if not isinstance(v, dict) or p not in v:
                if default is KeyError:
                    raise BadInput(f"{self.source}: no key {'.'.join(path)}")
                return default
            v = v[p]
        return v

    def use(self, *path):
        self.used.add(".".join(path))

    def count(self, *path):
        """Observes the count at path; returns its cell id."""
        cid = ".".join(path)
        self.m.observe(cid, self.get(*path), self.source)
        self.use(*path)
        return cid

    def counts(self, *path):
        """Observes every count of an object {label: count}; returns
        {label: cell id}."""
        obj = self.get(*path)
        if not isinstance(obj, dict):
            raise BadInput(f"{self.source}: {'.'.join(path)} is not an object")
        return {label: self.count(*path, label) for label in obj}

    def leftovers(self):
        """Keys of the JSON no relation placed."""
        out = []

        def walk(v, path):
            key = ".".join(path)
            if key in self.used:
                return
            if isinstance(v, dict) and v:
                for k2, v2 in v.items():
                    walk(v2, path + [k2])
            elif path:
                out.append(key)

        walk(self.data, [])
        return out


def rel_identified(r, m):
    """Authority table total = identified; the reporting year's row of the
    series equals by_authority."""
    total = r.count("identified", "total")
    by_auth = r.counts("identified", "by_authority")
    m.eq(total, by_auth.values(), "authority")
    year = r.get("year")
    for i, row in enumerate(r.get("identified", "by_year_authority")):
        y = row.get("year")
        for a in row:
            if a == "year":
                continue
            cid = f"identified.by_year_authority.{y}.{a}"
            m.observe(cid, row[a], r.source)
            if y == year and a in by_auth:
                m.same(by_auth[a], cid)
    r.use("identified", "by_year_authority")
    return total


def rel_one_way(r, m, total):
    """Every one-way table of the year's persons adds up to identified."""
    for key in ("by_contact_form", "by_gender"):
        m.eq(total, r.counts(key).values(), "one_way:" + key)
    bands = r.counts("age", "bands")
    unknown = r.count("age", "unknown")
    m.eq(total, list(bands.values()) + [unknown], "one_way:age")
    m.same("age.bands.0-17", r.count("minors", "count"))
    return bands, unknown


def rel_region_nationality(r, m, total):
    """Regions: a one-way table; each region = its ranked nationalities
    (persons of unknown nationality belong to the Unknown region);
    nationalities + unknown nationality = identified."""
    regions = r.counts("by_region")
    m.eq(total, regions.values(), "one_way:by_region")
    nats = r.counts("by_nationality")
    unknown_nat = m.cell("by_nationality.(unknown)")  # not published: unknown nationality
    if "unknown" in nats:
        m.same(unknown_nat, nats.pop("unknown"))
    m.eq(total, list(nats.values()), "one_way:by_nationality", extra=[unknown_nat])
    region_of = {}
    for i, row in enumerate(r.get("nationality_ranking", default=[])):
        code = row.get("code")
        if code not in nats:
            raise BadInput(f"{r.source}: nationality_ranking lists {code!r}, which by_nationality lacks")
        m.observe(nats[code], row.get("count"), r.source + " nationality_ranking")
        region_of[code] = row.get("region")
    r.use("nationality_ranking")
    parts = {reg: [] for reg in regions}
    unplaced = []
    for code, cid in nats.items():
        reg = region_of.get(code)
        if reg is None:
            if r.get("by_nationality", code) != 0:
                unplaced.append(cid)
            continue
        if reg not in parts:
            raise BadInput(f"{r.source}: nationality {code} has region {reg!r}, which by_region lacks")
        parts[reg].append(cid)
    if "Unknown" in parts:
        parts["Unknown"].append(unknown_nat)
    for reg, cids in parts.items():
        if unplaced:  # a nationality without a region: only inequalities hold
            m.le(cids, regions[reg], "region_nationality")
        else:
            m.eq(regions[reg], cids, "region_nationality")
    for cid in unplaced:
        m.unplaced.append(cid + " (no region in nationality_ranking)")
    return regions, nats, unknown_nat


def rel_exploitation(r, m, total):
    """Form x gender: row totals = by_exploitation; with the persons of
    each gender who have a form (P_g), the extra forms of persons with
    several forms (X_g), and those persons (M_g): sum over forms of
    n(f,g) = P_g + X_g, sum_g P_g = exploitation_persons, sum_g M_g =
    multi_form_persons, sum_g X_g = multi_form_persons + E, M_g <= X_g <=
    (forms - 1) M_g, n(f,g) <= P_g <= by_gender[g]. E >= 0 counts third
    and later forms; the strict model sets E = 0."""
    forms = r.counts("by_exploitation")
    persons = r.count("exploitation_persons")
    multi = r.count("multi_form_persons")
    genders = r.counts("by_gender")
    cells = {}
    for f in forms:
        row = r.counts("by_exploitation_gender", f)
        cells[f] = row
        m.eq(forms[f], row.values(), "exploitation_gender")
        m.le([forms[f]], persons, "exploitation_persons")
    for f in r.get("by_exploitation_gender"):
        if f not in forms:
            raise BadInput(f"{r.source}: by_exploitation_gender has form {f!r}, which by_exploitation lacks")
    m.le([persons], total, "exploitation_persons")
    m.le([multi], persons, "exploitation_persons")
    extra = m.cell("exploitation.E(third_or_later_forms)")
    m.rel({extra: 1}, 0, 0, "several_forms", ASSUME_NO_THIRD_FORM)
    gender_labels = sorted({g for row in cells.values() for g in row} | set(genders))
    nforms = max(len(forms), 2)
    ps, xs, ms = [], [], []
    for g in gender_labels:
        p, x, mg = (m.cell(f"exploitation.{name}({g})") for name in ("P", "X", "M"))
        ps.append(p), xs.append(x), ms.append(mg)
        col = [cells[f][g] for f in cells if g in cells[f]]
        coeffs = {c: 1 for c in col}
        coeffs[p] = coeffs.get(p, 0) - 1
        coeffs[x] = coeffs.get(x, 0) - 1
        m.rel(coeffs, 0, 0, "several_forms")
        for c in col:
            m.le([c], p, "several_forms")
        if g in genders:
            m.le([p], genders[g], "several_forms")
        else:
            m.rel({p: 1}, 0, 0, "several_forms")
        m.le([mg], x, "several_forms")
        m.rel({x: 1, mg: -(nforms - 1)}, -math.inf, 0, "several_forms")
        m.le([mg], p, "several_forms")
    m.eq(persons, ps, "several_forms")
    m.eq(multi, ms, "several_forms")
    coeffs = {x: 1 for x in xs}
    coeffs[multi] = coeffs.get(multi, 0) - 1
    coeffs[extra] = coeffs.get(extra, 0) - 1
    m.rel(coeffs, 0, 0, "several_forms")
    sectors = r.counts("forced_labour_sectors")
    sectors_total = m.cell("forced_labour_sectors.(total)")
    m.eq(sectors_total, sectors.values(), "forced_labour_sectors")
    if "forced_labour" in forms:
        m.le([sectors_total], forms["forced_labour"], "forced_labour_sectors")
        m.eq(forms["forced_labour"], [sectors_total], "forced_labour_sectors", ASSUME_SECTORS_COVER)
    return forms, cells, genders, sectors_total


def rel_housing(r, m, total):
    """Shelter: buckets = count = still + left; count <= identified; the
    total of days lies between the buckets' bounds. Private housing: the
    sub-rows each <= count (together <= count in the strict model);
    count <= identified."""
    buckets = r.counts("shelter", "buckets")
    count = r.count("shelter", "count")
    still = r.count("shelter", "still_at_year_end")
    left = m.cell("shelter.left_by_year_end")
    m.eq(count, buckets.values(), "shelter")
    m.eq(count, [still, left], "shelter")
    m.le([count], total, "shelter")
    days = r.get("shelter", "total_days", default=None)
    if days is not None:
        dcell = r.count("shelter", "total_days")
        rel_shelter_days(m, buckets, dcell, days)
    private = r.count("private_housing", "count")
    subs = [r.count("private_housing", key) for key in ("still_at_year_end", "disappeared", "self_return")]
    for s in subs:
        m.le([s], private, "private_housing")
    m.le(subs, private, "private_housing", ASSUME_PRIVATE_DISJOINT)
    m.le([private], total, "private_housing")
    for key in r.get("private_housing"):
        if key not in ("count", "still_at_year_end", "disappeared", "self_return"):
            r.count("private_housing", key)
            m.le([f"private_housing.{key}"], private, "private_housing")
    return subs


def rel_shelter_days(m, buckets, dcell, days):
    """Each person's shelter days lie within the bucket: the total of days
    is at least 1, 31 and 100 per person of the buckets, and (when
    printed) at most 30 and 99 per person of the first two buckets plus
    the whole total for the open-ended one."""
    limits = {"<=30": (1, 30), "31-99": (31, 99), ">=100": (100, None)}
    if any(b not in limits for b in buckets):
        m.unplaced.append("shelter.buckets (unknown bucket: days relation skipped)")
        return
    m.rel({dcell: -1, **{cid: limits[b][0] for b, cid in buckets.items()}}, -math.inf, 0, "shelter_days")
    if isinstance(days, int):
        hi = {dcell: -1}
        for b, cid in buckets.items():
            hi[cid] = limits[b][1] if limits[b][1] is not None else days
        m.rel(hi, 0, math.inf, "shelter_days")


def rel_returns(r, m, private_subs):
    """Period view (identification year x exit kind) and cohort view (exit
    year x exit kind): column totals = sums of the rows; the reporting
    year's row is one and the same in both views. Persons in private
    housing who disappeared (returned on own) are among the cohort's
    exits of that kind."""
    year = str(r.get("year"))
    tables = {}
    for view, split in (("period", "by_identification_year"), ("cohort", "by_exit_year")):
        totals = {}
        rows = {}
        for kind, v in r.get("returns", view).items():
            if kind == split:
                continue
            totals[kind] = r.count("returns", view, kind)
        for y in r.get("returns", view, split):
            rows[y] = r.counts("returns", view, split, y)
        for kind, t in totals.items():
            m.eq(t, [row[kind] for row in rows.values() if kind in row], "returns:" + view)
        for y, row in rows.items():
            for kind in row:
                if kind not in totals:
                    raise BadInput(f"{r.source}: returns.{view}.{split}.{y} has kind {kind!r} without a total")
            m.eq(m.cell(f"returns.{view}.{split}.{y}.(total)"), row.values(), "returns:" + view)
        tables[view] = (totals, rows)
    (ptot, prows), (ctot, crows) = tables["period"], tables["cohort"]
    for kind in set(ptot) | set(ctot):
        a = prows.get(year, {}).get(kind)
        b = crows.get(year, {}).get(kind)
        if a and b:
            m.same(a, b)
        elif a or b:  # a row the other view lacks holds zeros
            m.observe(a or b, 0, r.source + " (row absent from the other return view)")
    still, disappeared, self_return = private_subs
    for sub, kind in ((disappeared, "disappeared"), (self_return, "self_return")):
        if kind in ctot:
            m.le([sub], ctot[kind], "housing_exits")


def rel_mechanism(r, m):
    """Referrals by purpose, source contact form and status add up to the
    total; outcomes add up to the assessment referrals; presumed and
    decision-day counts by authority with totals; reconsiderations."""
    if r.get("referrals", default=None) is not None:
        total = r.count("referrals", "total")
        for key in ("by_purpose", "by_source_contact_form", "by_status"):
            m.eq(total, r.counts("referrals", key).values(), "referrals:" + key)
        outcomes = r.counts("referrals", "by_outcome")
        assessment = "referrals.by_purpose.assessment"
        if assessment in m.parent:
            m.eq(assessment, outcomes.values(), "referrals:by_outcome")
        else:
            m.le(outcomes.values(), total, "referrals:by_outcome")
    if r.get("presumed", default=None) is not None:
        m.eq(r.count("presumed", "total"), r.counts("presumed", "by_authority").values(), "presumed")
    if r.get("decision_days", default=None) is not None:
        total = r.count("decision_days", "count")
        parts = []
        for a in r.get("decision_days", "by_authority"):
            parts.append(r.count("decision_days", "by_authority", a, "count"))
        m.eq(total, parts, "decision_days")
    if r.get("reconsiderations", default=None) is not None:
        rc = r.counts("reconsiderations")
        requested = rc.pop("requested")
        m.eq(requested, rc.values(), "reconsiderations")


def percentile_checks(r, m, violations):
    """A median or 90th percentile of days only for a group whose count is
    published and >= k."""
    dd = r.get("decision_days", default=None)
    if dd is None:
        return
    groups = [("decision_days", dd)] + [(f"decision_days.by_authority.{a}", v) for a, v in dd.get("by_authority", {}).items()]
    for name, g in groups:
        n = g.get("count")
        for key in ("median", "p90"):
            v = g.get(key)
            r.used.add(f"{name}.{key}")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if not (isinstance(n, int) and n >= m.k):
                    violations.append({"cell": f"{name}.{key}", "kind": "percentile",
                                       "detail": f"{key} {v} printed for a group of count {n!r} (needs a published count >= {m.k})"})


def rel_age(r, m, total, bands, unknown, regions, violations, pinned_checks):
    """Age: the known-age counts by region add up to identified minus
    unknown age and lie within the region; any printed mean (minimum,
    maximum) bounds the sum of the group's ages, which the bands bound
    too. And the rules: no minimum or maximum is printed; a mean only for
    a group whose count is published (or derivable) and >= k."""
    age = r.get("age")
    known = m.cell("age.(known)")
    m.eq(total, [known, unknown], "age")
    by_region = age.get("by_region", {})
    counts = {}
    sums = []
    for reg, entry in by_region.items():
        c = r.count("age", "by_region", reg, "count")
        counts[reg] = c
        if reg in regions:
            m.le([c], regions[reg], "age_by_region")
        s = m.cell(f"age.by_region.{reg}.(sum_of_ages)", continuous=True)
        sums.append(s)
        age_sum_bounds(m, s, c, entry, f"age.by_region.{reg}", violations, r, pinned_checks, published_count=entry.get("count"))
    if counts:
        m.eq(known, counts.values(), "age_by_region")
    total_sum = m.cell("age.(sum_of_ages)", continuous=True)
    if sums:
        m.eq(total_sum, sums, "age_sums")
    # The bands bound the sum of ages.
    lo_coeffs, hi_coeffs = {total_sum: -1}, {total_sum: -1}
    for b, cid in bands.items():
        lo, hi = band_limits(b)
        if lo is None:
            m.unplaced.append(f"age.bands.{b} (unknown band: age sums skipped)")
            lo_coeffs = None
            break
        lo_coeffs[cid] = lo
        hi_coeffs[cid] = hi
    if lo_coeffs is not None:
        m.rel(lo_coeffs, -math.inf, 0, "age_sums")
        m.rel(hi_coeffs, 0, math.inf, "age_sums")
        # A printed overall minimum or maximum: its band holds a person,
        # bands beyond it hold nobody.
        for key, beyond in (("min", lambda lo, hi, a: hi < a), ("max", lambda lo, hi, a: lo > a)):
            a = age.get(key)
            if isinstance(a, (int, float)) and not isinstance(a, bool):
                for b, cid in bands.items():
                    lo, hi = band_limits(b)
                    if beyond(lo, hi, a):
                        m.rel({cid: 1}, 0, 0, "age_extremes")
                    elif lo <= a <= hi:
                        m.rel({cid: 1}, 1, math.inf, "age_extremes")
    age_sum_bounds(m, total_sum, known, age, "age", violations, r, pinned_checks, published_count=None)


def band_limits(band):
    """The ages of a band such as "20-24" or "60+"."""
    try:
        if band.endswith("+"):
            return int(band[:-1]), AGE_MAX
        lo, hi = band.split("-")
        return int(lo), int(hi)
    except ValueError:
        return None, None


def age_sum_bounds(m, s, c, entry, name, violations, r, pinned_checks, published_count):
    """The sum of ages s of a group of c persons: 0..AGE_MAX each, within
    the printed mean's rounding, and beyond the printed extremes. Flags a
    printed extreme, and a mean of a group whose count is not published."""
    m.rel({s: 1, c: -AGE_MAX}, -math.inf, 0, "age_sums")
    mean, amin, amax = entry.get("mean"), entry.get("min"), entry.get("max")
    for key in ("mean", "min", "max"):
        r.used.add(f"{name}.{key}")
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    for key, v in (("min", amin), ("max", amax)):
        if num(v):
            violations.append({"cell": f"{name}.{key}", "kind": "age_extreme",
                               "detail": f"the age {key}imum {v} is printed; it is one person's age"})
    if num(mean):
        m.rel({s: 1, c: -(mean - MEAN_HALF)}, -1e-9, math.inf, "age_sums")
        m.rel({s: 1, c: -(mean + MEAN_HALF)}, -math.inf, 1e-9, "age_sums")
        if published_count is not None:
            if not (isinstance(published_count, int) and published_count >= m.k):
                violations.append({"cell": f"{name}.mean", "kind": "age_mean",
                                   "detail": f"mean {mean} printed for a group of count {published_count!r} (needs a published count >= {m.k})"})
        else:
            pinned_checks.append((f"{name}.mean", c, mean))
    if num(amin):
        m.rel({s: 1, c: -amin}, 0, math.inf, "age_sums")
    if num(amax):
        m.rel({s: 1, c: -amax}, -math.inf, 0, "age_sums")
    if num(amin) and num(amax):
        m.rel({s: 1, c: -amin}, amax - amin, math.inf, "age_sums")
        m.rel({s: 1, c: -amax}, -math.inf, -(amax - amin), "age_sums")
        m.rel({c: 1}, 1 if amin == amax else 2, math.inf, "age_extremes")


def read_contract(path, m):
    """Reads the published contract into the model; returns the reader,
    the year and the cell ids later readers link to."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"{path}: {e}")
    if not isinstance(data, dict):
        raise BadInput(f"{path}: not a JSON object")
    r = Reader(data, m, os.path.basename(path))
    for key in ("year", "cutoff", "disclosure", "prosecution"):
        r.use(key)  # metadata; prosecution counts case events, not persons
    violations, pinned = [], []
    total = rel_identified(r, m)
    bands, unknown = rel_one_way(r, m, total)
    regions, nats, unknown_nat = rel_region_nationality(r, m, total)
    forms, cells, genders, sectors_total = rel_exploitation(r, m, total)
    subs = rel_housing(r, m, total)
    rel_returns(r, m, subs)
    rel_mechanism(r, m)
    percentile_checks(r, m, violations)
    rel_age(r, m, total, bands, unknown, regions, violations, pinned)
    links = {"total": total, "bands": bands, "unknown_age": unknown, "nats": nats, "unknown_nat": unknown_nat,
             "cells": cells, "forms": forms, "genders": genders}
    return r, data.get("year"), links, violations, pinned


# ---------------------------------------------------------------------------
# Eurostat tables and federation bundles.


def read_eurostat(directory, m, year, links, victims="auto"):
    """The Eurostat tables of the same year: the SDMX-CSV datasets
    crim_thb_vage (age group x sex), crim_thb_vctz (citizenship) and
    crim_thb_vexp (form x sex) that ``nrm report --format eurostat``
    writes, each observation linked to the contract's cells; the police's
    crim_thb_lstat (flag d: charges and decisions, not persons) is left
    out, as prosecution is. Plain CSV tables of the older layout
    (thb_victims_*.csv) are read too.

    Sex: transgender counts as unknown. Age: child = 0-17. Citizenship:
    national = DK, other EU by membership on 31 December of the year.
    Form: other = every form but sexual and forced labour (a person with
    several forms counts once in each), UNK = the persons without a
    recorded form.

    victims: "identified" (the cells are the report's persons), "registered"
    (Eurostat's registered victims: each cell also holds presumed victims
    not identified, a part the reader never sees: one unknown integer
    >= 0 per cell, the same parts across the tables: the presumed of a sex
    in crim_thb_vage's TOTAL row is the one in crim_thb_vexp's rows of
    that sex, and the presumed total is one number in every table), or
    "auto": registered when README.txt says "identified + presumed"."""
    tables, sdmx = {}, {}
    readme = ""
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.lower() == "readme.txt":
            with open(path, encoding="utf-8") as f:
                readme = f.read()
            continue
        if not name.endswith(".csv"):
            continue
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        if not rows:
            raise BadInput(f"{name}: empty")
        if rows[0] and rows[0][0].lstrip("\ufeff") == "DATAFLOW":
            sdmx[name[:-4]] = rows
        else:
            tables[name[:-4]] = rows
    if victims == "auto":
        low = readme.lower()
        victims = "registered" if ("identified + presumed" in low or "identificerede + formodede" in low) else "identified"
    m.eurostat_victims = victims
    read_sdmx(sdmx, m, year, links, victims == "registered")
    read_eurostat_plain(tables, m, year, links)


# SDMX sex codes -> the contract's genders they hold (transgender and
# unknown count as Eurostat's unknown).
SDMX_SEX = ("F", "M", "UNK")
SDMX_SEX_LABEL = {"F": "female", "M": "male"}


def sdmx_citizen_codes(year):
    """Eurostat's other-EU and non-EU citizenship codes for the EU of the
    year."""
    if year < 2013:
        return "EU27_2007_FOR", "NEU27_2007_FOR"
    if year < 2020:
        return "EU28_FOR", "NEU28_FOR"
    return "EU27_2020_FOR", "NEU27_2020_FOR"


def read_sdmx(datasets, m, year, links, registered):
    src = "eurostat"
    g = links["genders"]

    def genders_of(sex):
        if sex in SDMX_SEX_LABEL:
            lab = SDMX_SEX_LABEL[sex]
            return [c for gl, c in g.items() if gl == lab]
        return [c for gl, c in g.items() if gl not in ("female", "male")]

    def gender_labels_of(sex):
        if sex in SDMX_SEX_LABEL:
            return [gl for gl in g if gl == SDMX_SEX_LABEL[sex]]
        return [gl for gl in g if gl not in ("female", "male")]

    # The presumed parts (registered victims only): unknown integers >= 0
    # the reader never sees, one per category, shared across the tables.
    def q(name):
        cid = m.cell(f"eurostat.(presumed.{name})")
        m.rel({cid: 1}, 0, math.inf, "eurostat:presumed")
        return cid

    qs = {}

    def presumed(name):
        if not registered:
            return None
        if name not in qs:
            qs[name] = q(name)
        return qs[name]

    if registered:
        qt = presumed("total")
        sexes = [presumed("sex." + s) for s in SDMX_SEX]
        m.eq(qt, sexes, "eurostat:presumed")
        if "presumed.total" in m.parent:  # presumed not identified <= presumed victims of the year
            m.le([qt], "presumed.total", "eurostat:presumed")

    def place(cid, parts, q_part, family, minus=()):
        """cid = sum(parts) - sum(minus) (+ q_part)."""
        if q_part is None and not minus and len(parts) == 1:
            m.same(parts[0], cid)
            return
        coeffs = {cid: -1}
        for p in parts:
            coeffs[p] = coeffs.get(p, 0) + 1
        for p in minus:
            coeffs[p] = coeffs.get(p, 0) - 1
        if q_part is not None:
            coeffs[q_part] = coeffs.get(q_part, 0) + 1
        m.rel(coeffs, 0, 0, family)

    def observations(code, dims):
        rows = datasets.pop(code, None)
        if rows is None:
            return None
        header = [h.lstrip("\ufeff") for h in rows[0]]
        need = ["DATAFLOW", "freq", "unit"] + dims + ["geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"]
        if header != need:
            raise BadInput(f"{code}.csv: header {','.join(header)}; expected {','.join(need)}")
        out = {}
        for n, row in enumerate(rows[1:], start=2):
            if not any(x.strip() for x in row):
                continue
            if len(row) != len(header):
                raise BadInput(f"{code}.csv line {n}: {len(row)} fields; expected {len(header)}")
            rec = dict(zip(header, row))
            if rec["geo"] != REPORTING_COUNTRY or rec["TIME_PERIOD"] != str(year):
                raise BadInput(f"{code}.csv line {n}: geo {rec['geo']} {rec['TIME_PERIOD']}; expected {REPORTING_COUNTRY} {year}")
            if rec["freq"] != "A" or rec["unit"] != "NR":
                raise BadInput(f"{code}.csv line {n}: freq {rec['freq']}, unit {rec['unit']}; expected A, NR")
            value, flag = rec["OBS_VALUE"].strip(), rec["OBS_FLAG"].strip()
            key = tuple(rec[d] for d in dims)
            if key in out:
                raise BadInput(f"{code}.csv line {n}: {'/'.join(key)} given twice")
            if flag == CONFIDENTIAL:
                if value != "":
                    raise BadInput(f"{code}.csv line {n}: flag c with the value {value!r}; expected an empty OBS_VALUE")
                out[key] = CONFIDENTIAL
            elif flag == "":
                if not value.isdigit():
                    raise BadInput(f"{code}.csv line {n}: OBS_VALUE {value!r}; expected a count")
                out[key] = int(value)
            else:
                raise BadInput(f"{code}.csv line {n}: OBS_FLAG {flag!r}; expected empty or c")
        return out

    def observe(code, key, v):
        cid = f"eurostat.{code}.{'.'.join(key)}"
        m.observe(cid, v, f"{src} {code}")
        return cid

    total = links["total"]
    reg_total = "eurostat.(registered.total)"
    if registered:
        place(reg_total, [total], presumed("total"), "eurostat:registered")
    else:
        m.same(total, reg_total)
    sex_cell = {}

    # crim_thb_vage: TOTAL x F, M, UNK, T; Y_LT18, Y_GE18, UNK x T.
    obs = observations("crim_thb_vage", ["age", "sex"])
    if obs is not None:
        bands = links["bands"]
        age_parts = {"Y_LT18": [bands["0-17"]] if "0-17" in bands else [],
                     "Y_GE18": [c for b, c in bands.items() if b != "0-17"],
                     "UNK": [links["unknown_age"]]}
        ages = []
        for key, v in obs.items():
            age, sex = key
            cid = observe("crim_thb_vage", key, v)
            if age == "TOTAL" and sex == "T":
                m.same(reg_total, cid)
            elif age == "TOTAL" and sex in SDMX_SEX:
                sex_cell[sex] = cid
                place(cid, genders_of(sex), presumed("sex." + sex), "eurostat:crim_thb_vage")
            elif age in age_parts and sex == "T":
                ages.append(cid)
                place(cid, age_parts[age], presumed("age." + age), "eurostat:crim_thb_vage")
            else:
                m.unplaced.append(f"{cid} (unknown row)")
        if sex_cell:
            m.eq(reg_total, [sex_cell[s] for s in SDMX_SEX if s in sex_cell], "eurostat:crim_thb_vage")
        if ages:
            m.eq(reg_total, ages, "eurostat:crim_thb_vage")
        if registered:
            m.eq(qs["total"], [presumed("age." + a) for a in age_parts], "eurostat:presumed")

    # crim_thb_vctz: NAT, other EU, non-EU, UNK, TOTAL x T.
    obs = observations("crim_thb_vctz", ["citizen", "sex"])
    if obs is not None:
        nats = links["nats"]
        eu_code, neu_code = sdmx_citizen_codes(year)
        ctz_parts = {"NAT": [c for n, c in nats.items() if n == REPORTING_COUNTRY],
                     eu_code: [c for n, c in nats.items() if n != REPORTING_COUNTRY and is_eu(n, year)],
                     neu_code: [c for n, c in nats.items() if n != REPORTING_COUNTRY and not is_eu(n, year)],
                     "UNK": [links["unknown_nat"]]}
        groups = []
        for key, v in obs.items():
            ctz, sex = key
            cid = observe("crim_thb_vctz", key, v)
            if ctz == "TOTAL" and sex == "T":
                m.same(reg_total, cid)
            elif ctz in ctz_parts and sex == "T":
                groups.append(cid)
                place(cid, ctz_parts[ctz], presumed("citizen." + ctz), "eurostat:crim_thb_vctz")
            else:
                m.unplaced.append(f"{cid} (unknown row)")
        if groups:
            m.eq(reg_total, groups, "eurostat:crim_thb_vctz")
        if registered:
            m.eq(qs["total"], [presumed("citizen." + c) for c in ctz_parts], "eurostat:presumed")

    # crim_thb_vexp: SEX, LAB, OTH (, UNK) x F, M, UNK, T.
    obs = observations("crim_thb_vexp", ["expl", "sex"])
    if obs is not None:
        cells, forms = links["cells"], links["forms"]
        other = [f for f in cells if f not in ("sexual", "forced_labour")]
        expl_forms = {"SEX": [f for f in cells if f == "sexual"], "LAB": [f for f in cells if f == "forced_labour"], "OTH": other}
        row_cells = {}
        for key, v in obs.items():
            expl, sex = key
            cid = observe("crim_thb_vexp", key, v)
            qp = presumed(f"expl.{expl}.{sex}") if sex in SDMX_SEX and expl in list(expl_forms) + ["UNK"] else None
            if expl in expl_forms and sex in SDMX_SEX:
                row_cells.setdefault(expl, []).append(cid)
                parts = [cells[f][gl] for f in expl_forms[expl] for gl in gender_labels_of(sex) if gl in cells[f]]
                place(cid, parts, qp, "eurostat:crim_thb_vexp")
                if registered:  # a presumed person counts once in sexual, once in labour
                    if expl in ("SEX", "LAB"):
                        m.le([qp], qs["sex." + sex], "eurostat:presumed")
            elif expl in expl_forms and sex == "T":
                place(cid, [forms[f] for f in expl_forms[expl]], None if not registered else presumed(f"expl.{expl}.T"),
                      "eurostat:crim_thb_vexp")
                row_cells.setdefault(expl + ".T", []).append(cid)
            elif expl == "UNK" and sex in SDMX_SEX:
                # The identified persons of the sex without a recorded
                # form: its persons less those with a form (P of each
                # gender, the exploitation model's helpers).
                row_cells.setdefault(expl, []).append(cid)
                gls = gender_labels_of(sex)
                place(cid, [g[gl] for gl in gls], qp, "eurostat:crim_thb_vexp",
                      minus=[m.cell(f"exploitation.P({gl})") for gl in gls])
                if registered:
                    m.le([qp], qs["sex." + sex], "eurostat:presumed")
            elif expl == "UNK" and sex == "T":
                row_cells.setdefault(expl + ".T", []).append(cid)
            else:
                m.unplaced.append(f"{cid} (unknown row)")
        for expl in list(expl_forms) + ["UNK"]:
            if expl + ".T" in row_cells and expl in row_cells:
                m.eq(row_cells[expl + ".T"][0], row_cells[expl], "eurostat:crim_thb_vexp")
            if registered and expl + ".T" in row_cells:
                m.eq(presumed(f"expl.{expl}.T"), [presumed(f"expl.{expl}.{s}") for s in SDMX_SEX], "eurostat:presumed")

    datasets.pop("crim_thb_lstat", None)  # the police's events (flag d), not persons
    for code in datasets:
        m.unplaced.append(f"eurostat {code}.csv (unknown table)")


def read_eurostat_plain(tables, m, year, links):
    """The older plain CSV tables (thb_victims_*.csv): sex, age,
    citizenship and form x sex, each with its total, identified victims."""
    src = "eurostat"

    def obs(cid, text, where):
        text = text.strip()
        if text == "":
            return
        if text.lstrip("-").isdigit():
            m.observe(cid, int(text), f"{src} {where}")
        else:
            m.observe(cid, text, f"{src} {where}")

    def one_column(code, parts_of):
        rows = tables.pop(code, None)
        if rows is None:
            return
        for row in rows[1:]:
            label, value = row[0], row[1]
            cid = f"eurostat.{code}.{label}"
            obs(cid, value, code)
            if label == "total":
                m.same(links["total"], cid)
            elif label in parts_of:
                parts = parts_of[label]
                if len(parts) == 1:
                    m.same(parts[0], cid)
                else:
                    m.eq(cid, parts, "eurostat:" + code)
            else:
                m.unplaced.append(f"{cid} (unknown row)")
        labels = [row[0] for row in rows[1:] if row[0] != "total"]
        m.eq(links["total"], [f"eurostat.{code}.{l}" for l in labels], "eurostat:" + code)

    g = links["genders"]
    one_column("thb_victims_sex", {"female": [g["female"]] if "female" in g else [], "male": [g["male"]] if "male" in g else [],
                                   "unknown": [c for k, c in g.items() if k not in ("female", "male")]})
    bands = links["bands"]
    one_column("thb_victims_age", {"child": [bands["0-17"]], "adult": [c for b, c in bands.items() if b != "0-17"],
                                   "unknown": [links["unknown_age"]]})
    nats = links["nats"]
    one_column("thb_victims_citizenship", {
        "national": [c for n, c in nats.items() if n == REPORTING_COUNTRY],
        "other_eu": [c for n, c in nats.items() if n != REPORTING_COUNTRY and is_eu(n, year)],
        "non_eu": [c for n, c in nats.items() if n != REPORTING_COUNTRY and not is_eu(n, year)],
        "unknown": [links["unknown_nat"]]})
    rows = tables.pop("thb_victims_exploitation_sex", None)
    if rows is not None:
        header = rows[0]
        cells = links["cells"]
        group = {"sexual": ["sexual"], "labour": ["forced_labour"]}
        other = [f for f in cells if f not in ("sexual", "forced_labour")]
        for row in rows[1:]:
            form = row[0]
            forms = group.get(form, other if form == "other" else None)
            if forms is None:
                m.unplaced.append(f"eurostat.thb_victims_exploitation_sex.{form} (unknown row)")
                continue
            row_cells = []
            for j, sex in enumerate(header[1:], start=1):
                cid = f"eurostat.thb_victims_exploitation_sex.{form}.{sex}"
                obs(cid, row[j], "thb_victims_exploitation_sex")
                if sex == "total":
                    m.eq(cid, row_cells, "eurostat:exploitation")
                    m.eq(cid, [links["forms"][f] for f in forms], "eurostat:exploitation")
                    continue
                row_cells.append(cid)
                if sex in ("female", "male"):
                    parts = [cells[f][sex] for f in forms if sex in cells[f]]
                else:
                    parts = [cells[f][gd] for f in forms for gd in cells[f] if gd not in ("female", "male")]
                if len(parts) == 1:
                    m.same(parts[0], cid)
                else:
                    m.eq(cid, parts, "eurostat:exploitation")
    tables.pop("thb_prosecution", None)  # case events, not persons
    for code in tables:
        m.unplaced.append(f"eurostat {code}.csv (unknown table)")


# Federation table name -> the contract's cell id of (row, col) and of the
# totals. None: the table is placed by a special rule.
FED_SIMPLE = {
    "by_contact_form": "by_contact_form.{r}",
    "by_region": "by_region.{r}",
    "by_nationality": "by_nationality.{r}",
    "by_gender": "by_gender.{r}",
    "forced_labour_sectors": "forced_labour_sectors.{r}",
    "age_by_region": "age.by_region.{r}.count",
    "shelter_buckets": "shelter.buckets.{r}",
    "referrals.by_purpose": "referrals.by_purpose.{r}",
    "referrals.by_source_contact_form": "referrals.by_source_contact_form.{r}",
    "referrals.by_status": "referrals.by_status.{r}",
    "referrals.by_outcome": "referrals.by_outcome.{r}",
    "presumed.by_authority": "presumed.by_authority.{r}",
    "decision_days.by_authority": "decision_days.by_authority.{r}.count",
    "reconsiderations": "reconsiderations.{r}",
    "by_authority": "identified.by_authority.{r}",
}
FED_COL_TOTAL = {
    "by_authority": "identified.total", "forced_labour_sectors": "forced_labour_sectors.(total)",
    "shelter_buckets": "shelter.count", "shelter_status": "shelter.count", "referrals.by_purpose": "referrals.total",
    "presumed.by_authority": "presumed.total", "decision_days.by_authority": "decision_days.count",
    "reconsiderations": "reconsiderations.requested",
}
FED_COUNTS = {"identified": "identified.total", "exploitation_persons": "exploitation_persons",
              "multi_form_persons": "multi_form_persons", "minors": "minors.count", "shelter_days": "shelter.total_days"}


def read_federation(path, m, year):
    """A federation bundle of the same year: the same tables as the
    contract, some with totals the contract does not print."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"{path}: {e}")
    b = doc.get("payload", doc)
    if b.get("year") != year:
        raise BadInput(f"{path}: bundle of {b.get('year')}, contract of {year}")
    src = "federation"

    def obs(cid, v, where):
        m.observe(cid, v, f"{src} {where}")

    for t in b.get("tables", []):
        name, rows, cols, cells = t["name"], t["rows"], t["cols"], t["cells"]
        rt, ct, gt = t.get("row_totals"), t.get("col_totals"), t.get("grand_total")
        uniform = bool(t.get("uniform"))

        def obs(cid, v, where, uniform=uniform):
            m.observe(cid, v, f"{src} {where}", uniform)

        def place(cid_of, row_total_of=None, col_total_of=None, grand=None):
            for i, rl in enumerate(rows):
                for j, cl in enumerate(cols):
                    cid = cid_of(rl, cl)
                    if cid is None:
                        m.unplaced.append(f"federation {name}[{rl}][{cl}]")
                        continue
                    obs(cid, cells[i][j], name)
                if rt is not None:
                    cid = row_total_of(rl)
                    obs(cid, rt[i], name + " row total")
                    m.eq(cid, [cid_of(rl, cl) for cl in cols], "federation:" + name)
            if ct is not None:
                for j, cl in enumerate(cols):
                    cid = col_total_of(cl)
                    obs(cid, ct[j], name + " column total")
                    m.eq(cid, [cid_of(rl, cl) for rl in rows], "federation:" + name)
            if gt is not None and grand is not None:
                obs(grand, gt, name + " grand total")
                m.eq(grand, [col_total_of(cl) for cl in cols], "federation:" + name)

        if name in FED_SIMPLE:
            pattern = FED_SIMPLE[name]
            if name == "by_nationality":
                cid_of = lambda rl, cl: "by_nationality.(unknown)" if rl == "unknown" else pattern.format(r=rl)
            elif name == "age_bands":
                cid_of = None
            else:
                cid_of = lambda rl, cl, p=pattern: p.format(r=rl)
            total = FED_COL_TOTAL.get(name, f"federation.{name}.(total)")
            place(cid_of, col_total_of=lambda cl, t=total: t)
        elif name == "age_bands":
            place(lambda rl, cl: "age.unknown" if rl == "unknown" else f"age.bands.{rl}",
                  col_total_of=lambda cl: "identified.total")
        elif name == "by_year_authority":
            place(lambda rl, cl: f"identified.by_year_authority.{rl}.{cl}",
                  row_total_of=lambda rl: f"identified.by_year_authority.{rl}.(total)",
                  col_total_of=lambda cl: f"federation.by_year_authority.{cl}.(total)")
        elif name == "by_exploitation_gender":
            place(lambda rl, cl: f"by_exploitation_gender.{rl}.{cl}", row_total_of=lambda rl: f"by_exploitation.{rl}",
                  col_total_of=lambda cl: f"federation.by_exploitation_gender.{cl}.(total)")
        elif name == "shelter_status":
            place(lambda rl, cl: "shelter.left_by_year_end" if rl == "left_by_year_end" else f"shelter.{rl}",
                  col_total_of=lambda cl: "shelter.count")
        elif name == "private_housing":
            place(lambda rl, cl: f"private_housing.{rl}" if cl == "yes" else f"private_housing.{rl}.({cl})",
                  row_total_of=lambda rl: "private_housing.count",
                  col_total_of=lambda cl: f"federation.private_housing.{cl}.(total)")
        elif name in ("returns_period", "returns_cohort"):
            view = name.split("_")[1]
            split = "by_identification_year" if view == "period" else "by_exit_year"
            place(lambda rl, cl: f"returns.{view}.{split}.{rl}.{cl}",
                  row_total_of=lambda rl: f"returns.{view}.{split}.{rl}.(total)",
                  col_total_of=lambda cl: f"returns.{view}.{cl}", grand=f"returns.{view}.(total)")
        else:
            m.unplaced.append(f"federation table {name}")
    for c in b.get("counts", []):
        cid = FED_COUNTS.get(c["name"])
        if cid is None:
            m.unplaced.append(f"federation count {c['name']}")
            continue
        if c["name"] == "shelter_days":
            continue  # a sum of days, read from the contract
        obs(cid, c["value"], "counts")


# ---------------------------------------------------------------------------
# The audit.


def audit(contract, eurostat=None, federation=None, eurostat_victims="auto"):
    """Audits one publication; returns the result object."""
    with open(contract, encoding="utf-8") as f:
        try:
            k = json.load(f).get("disclosure", {}).get("k")
        except (ValueError, AttributeError) as e:
            raise BadInput(f"{contract}: {e}")
    if not isinstance(k, int) or k < 2:
        raise BadInput(f"{contract}: no disclosure.k >= 2; not a published contract")
    m = Model(k)
    with open(contract, encoding="utf-8") as f:
        m.uniform = list(json.load(f).get("disclosure", {}).get("uniform") or [])
    r, year, links, violations, pinned = read_contract(contract, m)
    if eurostat:
        read_eurostat(eurostat, m, year, links, eurostat_victims)
    if federation:
        read_federation(federation, m, year)

    all_assumptions = [ASSUME_NO_THIRD_FORM, ASSUME_SECTORS_COVER, ASSUME_PRIVATE_DISJOINT, ASSUME_HIDDEN_AT_LEAST_K]
    active = list(all_assumptions)
    dropped = []
    # Observations that contradict each other.
    for root in m.roots():
        nums, syms = m.published(root)
        values = {v for _, _, v in nums}
        if len(values) > 1:
            where = "; ".join(f"{v} in {src} ({c})" for src, c, v in nums)
            raise BadInput(f"{root} is printed as different numbers: {where}")
        # Eurostat's "c" goes with either symbol: it tells nothing of size.
        symbols = sorted({v for _, _, v in syms} - {CONFIDENTIAL})
        if len(symbols) > 1:
            where = {v: c for _, c, v in syms}
            violations.append({"cell": root, "kind": "mixed_symbols",
                               "detail": f"shown as {symbols[0]!r} ({where[symbols[0]]}) and as {symbols[1]!r} ({where[symbols[1]]}): "
                                         f"\"..\" must hold a count >= {k}, and the pair tells which is small"})
        if nums and syms:
            violations.append({"cell": root, "kind": "printed_elsewhere",
                               "detail": f"hidden as {syms[0][2]!r} in {syms[0][0]} ({syms[0][1]}), printed as {nums[0][2]} in {nums[0][0]} ({nums[0][1]})"})
    solver = Solver(m, set(active))
    while not solver.feasible() and active:
        # Drop the assumption whose absence restores feasibility, else the first.
        for a in active:
            if Solver(m, set(active) - {a}).feasible():
                break
        else:
            a = active[0]
        active.remove(a)
        dropped.append(a)
        solver = Solver(m, set(active))
    if ASSUME_HIDDEN_AT_LEAST_K in dropped:
        violations.append({"cell": "*", "kind": "small_dotdot",
                           "detail": f"the published figures are consistent only if some \"..\" holds a count below {k}: "
                                     "\"..\" must hold a count >= k (a reader who knows the contract is misled, one who does not learns more)"})
    if not solver.feasible():
        culprits = []
        for family in sorted({x[3] for x in m.rels}):
            saved = m.rels
            m.rels = [x for x in saved if x[3] != family]
            if Solver(m, set()).feasible():
                culprits.append(family)
            m.rels = saved
        violations.append({"cell": "*", "kind": "infeasible",
                           "detail": "the published figures contradict the relations (a checker or publication error); "
                                     f"feasible without the relation family: {culprits or 'none alone'}"})
        return result(violations, {}, dropped, m, r)
    relaxed = Solver(m, set()) if active else None

    cells = {}
    for root in m.roots():
        nums, syms = m.published(root)
        if nums or not syms:
            continue
        shown = [v for _, _, v in syms if v != CONFIDENTIAL]
        symbol = shown[0] if shown else CONFIDENTIAL
        lo, hi = solver.range(root)
        entry = {"symbol": symbol}
        if symbol in ("..", CONFIDENTIAL):
            entry.update({"min": lo, "max": hi})
            need = max(k - 2, 1) if symbol == ".." else 1
            if hi is not None and hi - lo < need:
                v = {"cell": root, "kind": "narrowed",
                     "detail": f"\"..\" narrowed to {lo}..{hi} (fewer than {max(k - 1, 2)} values)"}
                annotate(v, relaxed, root, lambda s: wide(s.range(root), k))
                violations.append(v)
        else:
            feasible = [x for x in range(1, k) if x in (lo, hi) or solver.feasible({root: x})]
            entry["feasible"] = feasible
            if feasible != list(range(1, k)):
                v = {"cell": root, "kind": "narrowed",
                     "detail": f"\"<{k}\" narrowed to {feasible} (must keep {list(range(1, k))})"}
                annotate(v, relaxed, root, lambda s: all(s.feasible({root: x}) for x in range(1, k)))
                violations.append(v)
        also = sorted({c for _, c, _ in syms if c != root})
        if also:
            entry["also"] = also
        cells[root] = entry
    for name, count_cell, mean in pinned:
        lo, hi = solver.range(m.find(count_cell))
        if lo is None or lo < k:
            violations.append({"cell": name, "kind": "age_mean",
                               "detail": f"mean {mean} printed for a group that may hold {lo} persons (needs at least {k})"})
    return result(violations, cells, dropped, m, r)


def wide(rng, k):
    lo, hi = rng
    return lo is not None and (hi is None or hi - lo >= max(k - 2, 1))


def annotate(v, relaxed, root, passes):
    """Says whether a violation of the strict model persists without its
    assumptions (E free and the others)."""
    if relaxed is None:
        return
    if passes(relaxed):
        v["detail"] += "; passes without the strict assumptions (E free, sectors and private-housing sub-rows unconstrained, \"..\" >= 1)"
        v["strict_only"] = True
    else:
        v["strict_only"] = False


def result(violations, cells, dropped, m, r):
    unplaced = list(m.unplaced) + r.leftovers()
    out = {"ok": not violations, "violations": violations, "cells": cells,
           "assumptions_dropped": dropped, "unplaced": unplaced}
    if m.eurostat_victims:
        seen = sorted({cid for cid, obs in m.obs.items() for src, _ in obs if src.startswith("eurostat ")})
        out["eurostat"] = {"victims": m.eurostat_victims, "observed": seen}
    return out


def main(argv):
    ap = argparse.ArgumentParser(description="Independent disclosure audit of published nrm statistics (integer programming).")
    ap.add_argument("inputs", nargs="+", help="published contract JSON file, or a folder with published.json [eurostat/, federation.json]")
    ap.add_argument("--eurostat", help="folder of the Eurostat/UNODC CSV tables of the same year")
    ap.add_argument("--federation", help="federation bundle (JSON) of the same year")
    ap.add_argument("--eurostat-victims", choices=("auto", "identified", "registered"), default="auto",
                    help="what the Eurostat cells count: the report's identified persons, or registered victims "
                         "(identified + presumed, a part the reader does not see); auto: as README.txt says")
    args = ap.parse_args(argv)
    if len(args.inputs) > 1 and (args.eurostat or args.federation):
        print("--eurostat and --federation go with one contract; give folders for several", file=sys.stderr)
        return 2
    results = {}
    try:
        for inp in args.inputs:
            contract, eu, fed = inp, args.eurostat, args.federation
            if os.path.isdir(inp):
                contract = os.path.join(inp, "published.json")
                eu = os.path.join(inp, "eurostat") if os.path.isdir(os.path.join(inp, "eurostat")) else None
                fed = os.path.join(inp, "federation.json") if os.path.isfile(os.path.join(inp, "federation.json")) else None
            results[inp] = audit(contract, eu, fed, args.eurostat_victims)
    except (BadInput, OSError) as e:
        print(f"disclosure_audit: {e}", file=sys.stderr)
        return 2
    if len(results) == 1:
        out = next(iter(results.values()))
    else:
        out = {"ok": all(x["ok"] for x in results.values()), "files": results}
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
